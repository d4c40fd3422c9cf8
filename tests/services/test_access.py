"""The one door to a ticket: missing and not-yours look alike; customers cannot do agents' work."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_ticket
from tests.services.support import Unchanged, case
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Role, Tier
from tierdesk.domain.tickets import LinkKind, Priority, Status
from tierdesk.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TicketNotFoundError,
)
from tierdesk.ports import TicketFilter
from tierdesk.services import catalog, escalation, people, tickets
from tierdesk.services.auth import issue_token
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk

Call = Callable[[Desk, Actor, Any], object]

# Every use case that takes a ticket reference, called as a contact may call it.
READS_AND_CUSTOMER_WRITES: dict[str, Call] = {
    "get": lambda d, a, ref: tickets.get_ticket(d, a, ref),
    "events": lambda d, a, ref: tickets.ticket_events(d, a, ref),
    "related": lambda d, a, ref: tickets.related_tickets(d, a, ref),
    "reply": lambda d, a, ref: add_message(d, a, ref, MessageKind.CUSTOMER, text="hi"),
    "reopen": lambda d, a, ref: tickets.reopen_ticket(d, a, ref, "again"),
}

# Use cases that are agents' work, whatever the ticket.
AGENT_WORK: dict[str, Call] = {
    "assign": lambda d, a, ref: tickets.assign_ticket(d, a, ref, None),
    "change status": lambda d, a, ref: tickets.change_status(d, a, ref, Status.OPEN),
    "change priority": lambda d, a, ref: tickets.change_priority(d, a, ref, Priority.P1),
    "solve": lambda d, a, ref: tickets.solve_ticket(d, a, ref, "done"),
    "close": lambda d, a, ref: tickets.close_ticket(d, a, ref, "spam"),
    "escalate": lambda d, a, ref: escalation.escalate_ticket(
        d, a, ref, Tier.L2, "r", full_packet("n")
    ),
    "de-escalate": lambda d, a, ref: tickets.de_escalate_ticket(d, a, ref, Tier.L0, "r", "n"),
    "link": lambda d, a, ref: tickets.link_tickets(d, a, ref, ref, LinkKind.RELATED),
    "merge": lambda d, a, ref: tickets.merge_tickets(d, a, ref, ref, None),
    "update": lambda d, a, ref: tickets.update_ticket(d, a, ref, subject="mine now"),
    "apply changes": lambda d, a, ref: tickets.apply_changes(
        d, a, ref, tickets.TicketChanges(priority=Priority.P1)
    ),
}

DESK_WORK: dict[str, Callable[[Desk, Actor], object]] = {
    "list agents": lambda d, a: people.list_agents(d, a),
    "create a contact": lambda d, a: people.create_contact(
        d, a, people.NewContact("new@x.example", "New", "Whatever", create_organisation=True)
    ),
    "create an agent": lambda d, a: people.create_agent(
        d, a, people.NewAgent("new@kestrel.example", "New", [1])
    ),
    "create an organisation": lambda d, a: people.create_organisation(
        d, a, people.NewOrganisation("Evil Corp")
    ),
    "create a product": lambda d, a: catalog.create_product(d, a, catalog.NewProduct("Fax")),
    "issue a token": lambda d, a: issue_token(d, a, "new@x.example"),
}

LEAD_WORK = {k: v for k, v in DESK_WORK.items() if k not in ("list agents", "create a contact")}


def test_another_organisations_ticket_looks_exactly_like_a_missing_one(
    desk: Desk, unchanged: Unchanged
) -> None:
    ticket = make_ticket(desk)
    outsider = make_contact(desk)
    assert ticket.id is not None and ticket.number is not None
    pairs = {
        "by id": (str(ticket.id), str(ticket.id + 1000)),
        "by number": (ticket.number, "TD-99"),
    }

    for (name, call), (by, (real, missing)) in itertools.product(
        READS_AND_CUSTOMER_WRITES.items(), pairs.items()
    ):
        with case(f"{name} {by}"):
            with unchanged(), pytest.raises(TicketNotFoundError) as not_yours:
                call(desk, outsider, real)
            with unchanged(), pytest.raises(TicketNotFoundError) as not_there:
                call(desk, outsider, missing)
            assert type(not_yours.value) is type(not_there.value)
            assert not_yours.value.to_dict().keys() == not_there.value.to_dict().keys()
            assert not_yours.value.to_dict()["message"] == f"ticket {real} not found"


def test_a_contact_doing_agents_work_on_their_own_ticket_is_denied(
    desk: Desk, unchanged: Unchanged
) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)

    for name, call in AGENT_WORK.items():
        with case(name), unchanged(), pytest.raises(PermissionDeniedError):
            call(desk, contact, ticket.id)


def test_a_contact_doing_the_desks_work_is_denied(desk: Desk, unchanged: Unchanged) -> None:
    contact = make_contact(desk)

    for name, call in DESK_WORK.items():
        with case(name), unchanged(), pytest.raises(PermissionDeniedError):
            call(desk, contact)


def test_an_agent_who_is_not_a_lead_cannot_do_a_leads_work(
    desk: Desk, unchanged: Unchanged
) -> None:
    agent = make_agent(desk, tiers=[1, 2, 3, 4])

    for name, call in LEAD_WORK.items():
        with case(name), unchanged(), pytest.raises(PermissionDeniedError):
            call(desk, agent)


def test_a_lead_may_do_a_leads_work(desk: Desk) -> None:
    people.create_contact(
        desk,
        make_agent(desk),
        people.NewContact("new@x.example", "New", "Acme", create_organisation=True),
    )
    lead = make_agent(desk, role=Role.LEAD)

    for name, call in LEAD_WORK.items():
        with case(name):
            call(desk, lead)


def test_an_agent_below_the_tickets_level_gets_not_found(desk: Desk) -> None:
    lead = make_agent(desk, role=Role.LEAD)
    junior = make_agent(desk, tiers=[0])
    ticket = make_ticket(desk)
    escalation.escalate_ticket(desk, lead, ticket.id or 0, Tier.L2, "why", full_packet("note"))

    for call in (*READS_AND_CUSTOMER_WRITES.values(), *AGENT_WORK.values()):
        with pytest.raises(TicketNotFoundError):
            call(desk, junior, ticket.id)


def test_an_inactive_agent_sees_no_ticket(app: Tierdesk, desk: Desk) -> None:
    agent = make_agent(desk, role=Role.LEAD)
    ticket = make_ticket(desk)
    with app.desk.uow() as uow:
        stored = uow.agents.get(agent.id or 0)
        assert stored is not None
        stored.active = False
        uow.commit()
        inactive = stored

    with pytest.raises(TicketNotFoundError):
        tickets.get_ticket(desk, inactive, ticket.id or 0)
    assert tickets.list_tickets(desk, inactive, TicketFilter(), limit=10).tickets == []


def test_a_malformed_reference_is_invalid_input(desk: Desk) -> None:
    agent = make_agent(desk)

    for reference in ["", "garbage", "TD-", "XX-1001", "TD-1001x", "²", "TD-1O01"]:
        with case(reference), pytest.raises(InvalidInputError):
            tickets.get_ticket(desk, agent, reference)


def test_a_reference_to_an_impossible_ticket_is_simply_not_found(desk: Desk) -> None:
    agent = make_agent(desk, role=Role.LEAD)

    for reference in ["0", "99999999999999999999", "TD-99999999999999999999"]:
        with case(reference):
            with pytest.raises(TicketNotFoundError):
                tickets.get_ticket(desk, agent, reference)
            with pytest.raises(TicketNotFoundError):
                tickets.get_ticket(desk, agent, int(reference.removeprefix("TD-")))


HUGE = 10**20


def test_ids_beyond_what_the_database_holds_find_nothing_instead_of_failing(
    desk: Desk, unchanged: Unchanged
) -> None:
    lead = make_agent(desk, role=Role.LEAD)
    ticket = make_ticket(desk)

    everything = tickets.list_tickets(desk, lead, TicketFilter(), 10, before_id=HUGE)
    assert [t.id for t in everything.tickets] == [ticket.id]
    assert tickets.list_tickets(desk, lead, TicketFilter(), 10, before_id=-HUGE).tickets == []
    for filters in (
        TicketFilter(assignee_id=HUGE),
        TicketFilter(organisation_id=-HUGE),
        TicketFilter(requester_id=HUGE),
        TicketFilter(product_id=HUGE),
    ):
        assert tickets.list_tickets(desk, lead, filters, 10).total == 0
    assert people.list_contacts(desk, lead, organisation_id=HUGE) == []
    with unchanged(), pytest.raises(NotFoundError):
        tickets.assign_ticket(desk, lead, ticket.id or 0, HUGE)
    with unchanged(), pytest.raises(InvalidInputError):
        tickets.open_ticket(desk, lead, tickets.NewTicket(subject="x", requester_id=HUGE))
