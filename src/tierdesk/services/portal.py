"""The customer portal's use cases that the ticket services do not already give: the list of the
organisation's tickets, and the text of the e-mail that carries a sign-in link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from tierdesk.domain.csat import CsatRating
from tierdesk.domain.customer_texts import customer_language, customer_text
from tierdesk.domain.outbound import OutboundPolicy, OutgoingEmail
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import PermissionDeniedError
from tierdesk.ports import TicketFilter
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import list_tickets
from tierdesk.services.web_sessions import MAGIC_LINK_LIFETIME, IssuedLink

PORTAL_PAGE = 100


@dataclass(frozen=True)
class PortalTicket:
    ticket: Ticket
    requester: str
    rating: CsatRating | None


def organisation_tickets(desk: Desk, actor: Actor) -> list[PortalTicket]:
    """Every ticket of the contact's organisation (their colleagues' too), newest first."""
    if not isinstance(actor, Contact):
        raise PermissionDeniedError("the portal is for customer contacts", action="use the portal")
    page = list_tickets(desk, actor, TicketFilter(), PORTAL_PAGE)
    with desk.uow() as uow:
        names = {c.id: c.name for c in uow.contacts.all(actor.organisation_id)}
        ratings = uow.csat.for_tickets([t.id for t in page.tickets if t.id is not None])
    return [
        PortalTicket(t, names.get(t.requester_id, "?"), ratings.get(t.id or 0))
        for t in page.tickets
    ]


def magic_link_email(issued: IssuedLink, url: str, policy: OutboundPolicy) -> OutgoingEmail:
    """The sign-in link, written in the contact's language (English when none is stated)."""
    language = customer_language(issued.contact.language)
    minutes = int(MAGIC_LINK_LIFETIME.total_seconds() // 60)
    greeting = customer_text(language, "mail.greeting", name=issued.contact.name)
    intro = customer_text(language, "sign_in_link.intro")
    expiry = customer_text(language, "sign_in_link.expiry", minutes=minutes)
    button = customer_text(language, "sign_in_link.button")
    text = f"{greeting}\n\n{intro}\n\n{url}\n\n{expiry}\n"
    html = (
        f"<p>{_escape(greeting)}</p><p>{_escape(intro)}</p>"
        f'<p><a href="{_escape(url)}">{_escape(button)}</a></p><p>{_escape(expiry)}</p>'
    )
    return OutgoingEmail(
        message_id=f"<signin.{secrets.token_hex(12)}@{policy.domain}>",
        from_address=policy.from_address,
        from_name=policy.from_name,
        to_address=issued.contact.email,
        to_name=issued.contact.name,
        subject=customer_text(language, "sign_in_link.subject"),
        text=text,
        html=html,
        auto_submitted="auto-generated",
    )


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
