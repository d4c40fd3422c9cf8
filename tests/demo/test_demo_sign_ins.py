"""The demo's published sign-ins: someone trying the portal in each of the desk's customer
languages finds a customer of that language who signs in with the demo password, and the
README lists every one of them."""

from __future__ import annotations

from pathlib import Path

from tierdesk.demo.cast import create_agents, create_customers
from tierdesk.demo.sign_ins import DEMO_PASSWORD, DEMO_SIGN_INS
from tierdesk.domain.customer_texts import LANGUAGES
from tierdesk.domain.people import Agent, Role
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.web_sessions import Audience, sign_in

README = Path(__file__).resolve().parents[2] / "README.md"


def test_a_portal_customer_of_every_language_signs_in_with_the_demo_password(desk: Desk) -> None:
    create_customers(desk)
    contacts = {c.email: c for c in people.list_contacts(desk, SYSTEM)}
    portal = [email for _, email, where in DEMO_SIGN_INS if where == "/portal"]

    assert {contacts[email].language for email in portal} == set(LANGUAGES)
    for email in portal:
        opened = sign_in(desk, Audience.CONTACT, email, DEMO_PASSWORD, "127.0.0.1")
        assert opened.person.email == email


def test_an_agent_of_every_level_up_to_l3_signs_in_with_the_demo_password(desk: Desk) -> None:
    # The levels' daily work is tried as an agent of each (the admin works L3 too, but an
    # admin sees and may do more than an L3 engineer).
    create_agents(desk)
    levels: set[int] = set()
    for _, email, where in DEMO_SIGN_INS:
        if where == "/signin":
            agent = sign_in(desk, Audience.AGENT, email, DEMO_PASSWORD, "127.0.0.1").person
            assert isinstance(agent, Agent)
            if agent.role is Role.AGENT:
                levels |= {int(t) for t in agent.tiers}

    assert levels >= {0, 1, 2, 3}


def test_the_readme_lists_every_demo_sign_in() -> None:
    readme = README.read_text()
    assert [email for _, email, _ in DEMO_SIGN_INS if f"`{email}`" not in readme] == []
