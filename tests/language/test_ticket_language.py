"""A new ticket opens in the language its customer wrote in, a contact who stated none takes it,
nothing anybody chose is overwritten, and routing reads it: the German ticket reaches the German
intake and a German speaker, whichever door it came in by (API here; portal and mail intake in
tests/web/test_portal_language.py and tests/email/test_mail_language.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.factories import make_contact, token_for
from tests.follow_ups import run_follow_ups
from tests.language.support import ENGLISH, GERMAN, language_desk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk


def test_a_contact_created_without_a_language_states_none(desk: Desk, client: TestClient) -> None:
    organisation = language_desk(desk).organisation

    by_service = make_contact(desk, organisation=organisation, language=None)
    lead = people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(email="lead@kestrel.example", name="L", tiers=[1], role="lead"),
    )
    created = client.post(
        "/api/v1/contacts",
        json={"email": "ines@customer.example", "name": "Ines", "organisation": organisation.name},
        headers=bearer(token_for(desk, lead)),
    )

    assert by_service.language is None
    assert created.status_code == 201, created.text
    assert created.json()["language"] is None


def test_a_german_first_message_makes_a_german_ticket_and_a_german_contact(desk: Desk) -> None:
    world = language_desk(desk)
    contact = make_contact(desk, organisation=world.organisation, language=None)

    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Kein Ton", body_text=GERMAN)
    )

    assert ticket.language == "de"
    stored = people.list_contacts(desk, SYSTEM, world.organisation.id)
    assert [c.language for c in stored if c.id == contact.id] == ["de"]
    trail = [
        e
        for e in tickets.ticket_events(desk, world.lead, ticket.number or "")
        if e.action == "ticket.routed"
    ]
    assert [e.changes["queue"] for e in trail] == [[None, "intake-de"]]


def test_routing_sends_the_german_ticket_of_a_contact_with_a_default_language_to_german_intake(
    desk: Desk, client: TestClient
) -> None:
    world = language_desk(desk)
    contact = make_contact(desk, organisation=world.organisation, language=None)

    response = client.post(
        "/api/v1/tickets",
        json={"subject": "Kein Ton nach dem Update", "body": GERMAN},
        headers=bearer(token_for(desk, contact)),
    )

    assert response.status_code == 201, response.text
    ticket = tickets.get_ticket(desk, world.lead, response.json()["number"])
    assert (ticket.language, ticket.tier, ticket.queue) == ("de", Tier.L1, "intake-de")
    assert ticket.assignee_id == world.greta.id  # speaks German; Eddie does not


def test_the_ticket_follows_what_was_written_while_the_contacts_stated_language_stays(
    desk: Desk,
) -> None:
    world = language_desk(desk)
    stated_english = make_contact(desk, organisation=world.organisation, language="en")

    german = tickets.open_ticket(
        desk, stated_english, tickets.NewTicket(subject="Kein Ton", body_text=GERMAN)
    )
    short = tickets.open_ticket(
        desk, stated_english, tickets.NewTicket(subject="Fax", body_text="Fax down.")
    )

    assert (german.language, german.queue, german.assignee_id) == (
        "de",
        "intake-de",
        world.greta.id,
    )
    assert short.language == "en"  # too short to tell: the stated language holds
    [kept] = [c for c in people.list_contacts(desk, SYSTEM) if c.id == stated_english.id]
    assert kept.language == "en"


def test_a_language_chosen_for_the_ticket_is_never_overwritten_by_detection(
    desk: Desk,
) -> None:
    world = language_desk(desk)
    contact = make_contact(desk, organisation=world.organisation, language=None)

    chosen = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Kein Ton", body_text=GERMAN, language="en")
    )
    tickets.update_ticket(desk, world.lead, chosen.number or "", language="fr")
    add_message(desk, contact, chosen.number or "", MessageKind.CUSTOMER, text=GERMAN)

    assert chosen.queue == "intake-en"
    assert tickets.get_ticket(desk, world.lead, chosen.number or "").language == "fr"


def test_a_later_message_gives_a_ticket_without_language_one_and_its_author_too(
    desk: Desk,
) -> None:
    world = language_desk(desk)
    contact = make_contact(desk, organisation=world.organisation, language=None)
    opened = tickets.open_ticket(
        desk, world.lead, tickets.NewTicket(subject="Call back", requester_id=contact.id)
    )
    assert opened.language is None
    add_message(desk, contact, opened.number or "", MessageKind.CUSTOMER, text=ENGLISH)
    run_follow_ups(desk)  # enrichment reads the message

    assert tickets.get_ticket(desk, world.lead, opened.number or "").language == "en"
    [now_stated] = [c for c in people.list_contacts(desk, SYSTEM) if c.id == contact.id]
    assert now_stated.language == "en"
