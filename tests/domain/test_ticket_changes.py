"""Priority, descriptive fields and assignment, and a closed ticket refusing all of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.domain.objects import a_contact, a_message, a_ticket, an_agent, at, snapshot
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.ticket_levels import de_escalate, escalate
from tierdesk.domain.tickets import LinkKind, Priority, Status, Ticket, TicketType
from tierdesk.errors import InvalidInputError, InvalidTransitionError


def test_changing_the_priority_is_audited_with_before_after_and_reason() -> None:
    ticket = a_ticket(status=Status.OPEN)

    ticket.change_priority(Priority.P1, an_agent(), at(1), "whole site down")

    assert ticket.priority is Priority.P1
    [event] = ticket.pending_events
    assert (event.action, event.changes, event.reason) == (
        "ticket.priority_changed",
        {"priority": ["P3", "P1"]},
        "whole site down",
    )


def test_setting_the_priority_it_already_has_is_refused() -> None:
    ticket = a_ticket(status=Status.OPEN)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.change_priority(Priority.P3, an_agent(), at(1), None)

    assert snapshot(ticket) == before


def test_updating_fields_records_only_what_really_changed() -> None:
    ticket = a_ticket(status=Status.OPEN)

    ticket.update_fields(
        an_agent(), at(4), subject=ticket.subject, type=TicketType.DEFECT, tags=["sip"]
    )

    [event] = ticket.pending_events
    assert event.action == "ticket.updated"
    assert event.changes == {"type": ["question", "defect"], "tags": [[], ["sip"]]}
    assert event.public is False


def test_updating_fields_to_the_same_values_records_nothing() -> None:
    ticket = a_ticket(status=Status.OPEN)

    ticket.update_fields(an_agent(), at(4), subject=ticket.subject, queue=None)

    assert ticket.pending_events == []
    assert ticket.updated_at != at(4)


@pytest.mark.parametrize("field", ["status", "tier", "assignee_id", "organisation_id", "number"])
def test_fields_with_their_own_rules_cannot_be_updated_as_plain_fields(field: str) -> None:
    ticket = a_ticket(status=Status.OPEN)
    before = snapshot(ticket)

    with pytest.raises(InvalidInputError):
        ticket.update_fields(an_agent(), at(4), **{field: None})

    assert snapshot(ticket) == before


def test_assigning_to_an_agent_who_works_the_level_is_audited() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L2)
    engineer = an_agent(id=22, tiers=[2, 3])

    ticket.assign(engineer, an_agent(), at(1))

    assert ticket.assignee_id == 22
    assert ticket.pending_events[-1].changes == {"assignee_id": [None, 22]}


def test_assigning_to_an_agent_who_does_not_work_the_level_is_refused() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L3)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.assign(an_agent(id=22, tiers=[1, 2]), an_agent(), at(1))

    assert snapshot(ticket) == before


def test_a_lead_may_take_a_ticket_at_any_level() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L4)

    ticket.assign(an_agent(id=5, tiers=[1], role=Role.LEAD), an_agent(), at(1))

    assert ticket.assignee_id == 5


def test_assigning_to_an_inactive_agent_is_refused() -> None:
    ticket = a_ticket(status=Status.OPEN)
    before = snapshot(ticket)

    with pytest.raises(InvalidInputError):
        ticket.assign(an_agent(id=22, active=False), an_agent(), at(1))

    assert snapshot(ticket) == before


def test_assigning_to_the_current_assignee_or_unassigning_twice_is_refused() -> None:
    ticket = a_ticket(status=Status.OPEN, assignee_id=22)
    with pytest.raises(InvalidTransitionError):
        ticket.assign(an_agent(id=22), an_agent(), at(1))

    ticket.assign(None, an_agent(), at(2))
    assert ticket.assignee_id is None
    with pytest.raises(InvalidTransitionError):
        ticket.assign(None, an_agent(), at(3))
    assert len(ticket.pending_events) == 1


def test_following_twice_keeps_one_entry() -> None:
    ticket = a_ticket()

    ticket.follow(7)
    ticket.follow(7)

    assert ticket.followers == [7]


CHANGES: dict[str, Callable[[Ticket], object]] = {
    "add a customer message": lambda t: t.add_message(
        a_message(MessageKind.CUSTOMER, a_contact(), at(1)), a_contact()
    ),
    "add a public reply": lambda t: t.add_message(
        a_message(MessageKind.PUBLIC_REPLY, an_agent(), at(1)), an_agent()
    ),
    "add an internal note": lambda t: t.add_message(
        a_message(MessageKind.INTERNAL_NOTE, an_agent(), at(1)), an_agent()
    ),
    "change the status": lambda t: t.change_status(Status.OPEN, an_agent(), at(1)),
    "solve": lambda t: t.solve("fixed", an_agent(), at(1)),
    "close": lambda t: t.close(an_agent(), at(1)),
    "reopen": lambda t: t.reopen(an_agent(), at(1), "again"),
    "change the priority": lambda t: t.change_priority(Priority.P1, an_agent(), at(1), None),
    "update a field": lambda t: t.update_fields(an_agent(), at(1), subject="New subject"),
    "assign": lambda t: t.assign(an_agent(id=30), an_agent(), at(1)),
    "escalate": lambda t: escalate(t, Tier.L2, "why", "what was tried", an_agent(), at(1)),
    "de-escalate": lambda t: de_escalate(t, Tier.L0, "why", "what to try", an_agent(), at(1)),
    "merge": lambda t: t.merge_into(a_ticket(id=2), an_agent(), at(1), None),
    "link": lambda t: t.link_to(a_ticket(id=2), LinkKind.RELATED, an_agent(), at(1)),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_closed_ticket_refuses_every_change(change: Callable[[Ticket], object]) -> None:
    ticket = a_ticket(status=Status.CLOSED)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        change(ticket)

    assert snapshot(ticket) == before
