"""The demo world's sign-ins: one account per role (and a portal customer per language), all
with the same published password.

Demo data only: a real desk sets passwords with `tierdesk agent create --password-stdin`."""

from __future__ import annotations

from tierdesk.services import people
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

DEMO_PASSWORD = "kestrel-demo"  # noqa: S105 - the demo's published password, listed in README

# (who, e-mail, where to sign in)
DEMO_SIGN_INS = (
    ("L1 agent (Tom Fletcher, L0+L1)", "tom.fletcher@kestrel.example", "/signin"),
    ("L2 agent (Priya Nair)", "priya.nair@kestrel.example", "/signin"),
    ("L3 agent (Henrik Lindqvist, SBC/DeskPhone)", "henrik.lindqvist@kestrel.example", "/signin"),
    ("Lead (Marco Bellini, L1+L2)", "marco.bellini@kestrel.example", "/signin"),
    ("Admin (Ingrid Solberg)", "admin@kestrel.example", "/signin"),
    (
        "Portal customer (Oliver Bennett, Northwind)",
        "oliver.bennett@northwind-freight.example",
        "/portal",
    ),
    # One customer per portal language besides English, so the portal can be tried in each.
    ("Portal, Deutsch (Anna Schmidt, Müller)", "anna.schmidt@mueller-logistik.example", "/portal"),
    ("Portale, italiano (Chiara Esposito)", "chiara.esposito@bancaalpina.example", "/portal"),
    ("Portail, français (Élodie Moreau)", "elodie.moreau@clinique-saint-roch.example", "/portal"),
    ("Portal, español (Javier Martínez)", "javier.martinez@hotelescostabrava.example", "/portal"),
)


def demo_password_for(email: str) -> str | None:
    """The demo password for the accounts above; the rest of the cast cannot sign in."""
    return DEMO_PASSWORD if any(email == known for _, known, _ in DEMO_SIGN_INS) else None


def describe_sign_ins() -> str:
    lines = [f"Sign in (password {DEMO_PASSWORD!r}):"]
    lines += [f"  {who:<46} {email:<42} {where}" for who, email, where in DEMO_SIGN_INS]
    return "\n".join(lines)


def holds_demo_sign_ins(desk: Desk) -> bool:
    """Whether this desk is the demo world (its sign-ins exist), so they are worth printing."""
    emails = {agent.email for agent in people.list_agents(desk, SYSTEM)}
    return all(email in emails for _, email, where in DEMO_SIGN_INS if where == "/signin")
