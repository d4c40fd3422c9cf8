"""Opening tickets: by a contact, by an agent for a contact, with catalogue names."""

from __future__ import annotations

import pytest

from tests.factories import make_agent, make_contact, make_organisation, make_ticket
from tests.services.support import Unchanged, case, make_product
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.errors import InvalidInputError
from tierdesk.services import tickets
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import CatalogRef, NewTicket


def test_a_contact_opens_a_ticket_in_their_own_name_and_organisation(
    desk: Desk, clock: FixedClock
) -> None:
    contact = make_contact(desk, language="de")

    opened = tickets.open_ticket(
        desk,
        contact,
        NewTicket(
            subject="  Calls drop after 30 s  ",
            body_text="Seit dem Upgrade bricht jeder Anruf nach 30 Sekunden ab.",
            type=TicketType.PROBLEM,
            priority=Priority.P2,
            channel=Channel.PORTAL,
        ),
    )

    assert opened.id is not None
    ticket = tickets.get_ticket(desk, contact, opened.number or "")
    assert ticket.id == opened.id
    assert ticket.number == f"TD-{opened.id + 1000}"
    assert (ticket.subject, ticket.type, ticket.priority) == (
        "Calls drop after 30 s",
        TicketType.PROBLEM,
        Priority.P2,
    )
    assert (ticket.status, ticket.tier, ticket.channel) == (Status.NEW, Tier.L0, Channel.PORTAL)
    assert (ticket.requester_id, ticket.organisation_id) == (contact.id, contact.organisation_id)
    assert ticket.language == "de"
    assert ticket.created_at == ticket.updated_at == clock.now()
    [message] = ticket.messages
    assert message.kind is MessageKind.CUSTOMER
    assert (message.author_kind, message.author_id) == ("contact", contact.id)
    assert message.body_text == "Seit dem Upgrade bricht jeder Anruf nach 30 Sekunden ab."
    events = tickets.ticket_events(desk, contact, ticket.id or 0)
    assert [e.action for e in events] == ["ticket.opened", "message.added"]
    assert all((e.actor_kind, e.actor_id) == ("contact", contact.id) for e in events)
    assert events[0].changes["subject"] == "Calls drop after 30 s"


def test_an_agent_opens_a_ticket_on_behalf_of_a_contact(desk: Desk) -> None:
    contact = make_contact(desk)
    agent = make_agent(desk)

    ticket = tickets.open_ticket(
        desk,
        agent,
        NewTicket(
            subject="Phoned in", body_text="Customer called about fax.", requester_id=contact.id
        ),
    )

    assert (ticket.requester_id, ticket.organisation_id) == (contact.id, contact.organisation_id)
    [message] = tickets.get_ticket(desk, contact, ticket.id or 0).messages
    assert (message.author_kind, message.author_id, message.author_name) == (
        "contact",
        contact.id,
        contact.name,
    )
    events = tickets.ticket_events(desk, agent, ticket.id or 0)
    assert events[0].actor_kind == "agent"
    assert events[0].actor_id == agent.id


def test_an_agent_must_name_an_existing_active_contact(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk)
    with unchanged(), pytest.raises(InvalidInputError):
        tickets.open_ticket(desk, agent, NewTicket(subject="x", body_text="y"))
    with unchanged(), pytest.raises(InvalidInputError):
        tickets.open_ticket(desk, agent, NewTicket(subject="x", body_text="y", requester_id=99999))


def test_a_contact_cannot_open_a_ticket_in_someone_elses_name(
    desk: Desk, unchanged: Unchanged
) -> None:
    contact, colleague = make_contact(desk), make_contact(desk)

    with unchanged(), pytest.raises(InvalidInputError):
        tickets.open_ticket(
            desk, contact, NewTicket(subject="x", body_text="y", requester_id=colleague.id)
        )


def test_a_ticket_names_its_product_component_and_version_by_key_or_name(desk: Desk) -> None:
    product = make_product(desk)
    contact = make_contact(desk)

    by_key = tickets.open_ticket(
        desk,
        contact,
        NewTicket(
            subject="Voicemail lost",
            body_text="...",
            catalog=CatalogRef(product="kestrel-pbx", component="voicemail", version="4.2"),
        ),
    )
    by_name = tickets.open_ticket(
        desk,
        contact,
        NewTicket(subject="Trunk", body_text="...", catalog=CatalogRef(product="Kestrel PBX")),
    )

    voicemail = product.component_named("Voicemail")
    release = product.version_named("4.2")
    assert voicemail is not None
    assert release is not None
    stored = tickets.get_ticket(desk, contact, by_key.id or 0)
    assert (stored.product_id, stored.component_id, stored.version_id) == (
        product.id,
        voicemail.id,
        release.id,
    )
    assert (by_name.product_id, by_name.component_id, by_name.version_id) == (
        product.id,
        None,
        None,
    )


def test_an_unknown_catalogue_name_is_refused_and_nothing_is_stored(
    desk: Desk, unchanged: Unchanged
) -> None:
    make_product(desk)
    contact = make_contact(desk)
    refs = {
        "unknown product": CatalogRef(product="no-such-product"),
        "unknown component": CatalogRef(product="kestrel-pbx", component="fax"),
        "unknown version": CatalogRef(product="kestrel-pbx", version="9.9"),
        "component without product": CatalogRef(component="voicemail"),
        "version without product": CatalogRef(version="4.2"),
    }

    for name, ref in refs.items():
        with case(name), unchanged(), pytest.raises(InvalidInputError):
            tickets.open_ticket(desk, contact, NewTicket(subject="x", body_text="y", catalog=ref))


def test_a_blank_or_overlong_subject_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    contact = make_contact(desk)

    for subject in ("", "   ", "x" * 501):
        with case(repr(subject[:5])), unchanged(), pytest.raises(InvalidInputError):
            tickets.open_ticket(desk, contact, NewTicket(subject=subject, body_text="y"))


def test_tags_and_custom_fields_are_stored_normalised(desk: Desk) -> None:
    contact = make_contact(desk)

    opened = tickets.open_ticket(
        desk,
        contact,
        NewTicket(
            subject="x",
            body_text="y",
            tags=["SIP Trunk", "sip-trunk", " Firmware "],
            custom_fields={"serial": "KX-0042", "ports": 24, "nested": {"a": [1, 2]}},
            queue="voip",
        ),
    )

    ticket = tickets.get_ticket(desk, contact, opened.id or 0)
    assert ticket.tags == ["sip-trunk", "firmware"]
    assert ticket.custom_fields == {"serial": "KX-0042", "ports": 24, "nested": {"a": [1, 2]}}
    assert ticket.queue == "voip"


def test_a_ticket_may_be_opened_without_a_message(desk: Desk) -> None:
    contact = make_contact(desk)

    ticket = tickets.open_ticket(desk, contact, NewTicket(subject="Subject only"))

    assert tickets.get_ticket(desk, contact, ticket.id or 0).messages == []
    assert [e.action for e in tickets.ticket_events(desk, contact, ticket.id or 0)] == [
        "ticket.opened"
    ]


def test_every_ticket_gets_its_own_number_usable_in_any_case(desk: Desk) -> None:
    organisation = make_organisation(desk)
    contact = make_contact(desk, organisation=organisation)

    opened = [make_ticket(desk, contact=contact) for _ in range(3)]

    numbers = [t.number or "" for t in opened]
    assert len(set(numbers)) == 3
    for ticket in opened:
        assert tickets.get_ticket(desk, contact, (ticket.number or "").lower()).id == ticket.id
        assert tickets.get_ticket(desk, contact, str(ticket.id)).id == ticket.id
