"""Linking tickets to each other and folding one ticket into another."""

from __future__ import annotations

import pytest

from tests.domain.objects import a_ticket, an_agent, at, snapshot
from tierdesk.domain.tickets import LinkKind, Status
from tierdesk.errors import InvalidInputError, InvalidTransitionError


@pytest.mark.parametrize("kind", [LinkKind.RELATED, LinkKind.DUPLICATE_OF], ids=str)
def test_linking_records_the_link_and_an_internal_event(kind: LinkKind) -> None:
    ticket, other = a_ticket(id=1), a_ticket(id=2)

    link = ticket.link_to(other, kind, an_agent(name="Ada"), at(1))

    assert (link.kind, link.target_ticket_id, link.created_by) == (kind, 2, "Ada")
    assert ticket.links == [link]
    [event] = ticket.pending_events
    assert event.action == "ticket.linked"
    assert event.changes == {"kind": str(kind), "target": "TD-1002"}
    assert other.pending_events == []


def test_a_ticket_cannot_be_linked_to_itself() -> None:
    ticket = a_ticket(id=1)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.link_to(a_ticket(id=1), LinkKind.RELATED, an_agent(), at(1))

    assert snapshot(ticket) == before


def test_the_same_link_twice_is_refused_but_another_kind_is_allowed() -> None:
    ticket, other = a_ticket(id=1), a_ticket(id=2)
    ticket.link_to(other, LinkKind.RELATED, an_agent(), at(1))
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.link_to(other, LinkKind.RELATED, an_agent(), at(2))
    assert snapshot(ticket) == before

    ticket.link_to(other, LinkKind.DUPLICATE_OF, an_agent(), at(3))
    assert len(ticket.links) == 2


def test_a_merged_into_link_can_only_be_made_by_merging() -> None:
    ticket = a_ticket(id=1)
    before = snapshot(ticket)

    with pytest.raises(InvalidInputError):
        ticket.link_to(a_ticket(id=2), LinkKind.MERGED_INTO, an_agent(), at(1))

    assert snapshot(ticket) == before


def test_tickets_of_different_organisations_may_be_linked() -> None:
    ticket, other = a_ticket(id=1, organisation_id=1), a_ticket(id=2, organisation_id=2)

    ticket.link_to(other, LinkKind.RELATED, an_agent(), at(1))

    assert len(ticket.links) == 1


def test_an_unsaved_ticket_cannot_be_linked() -> None:
    ticket, unsaved = a_ticket(id=1), a_ticket()
    unsaved.id = None

    with pytest.raises(InvalidInputError):
        ticket.link_to(unsaved, LinkKind.RELATED, an_agent(), at(1))


def test_merging_closes_the_source_with_a_link_and_tells_the_target() -> None:
    source = a_ticket(id=1, status=Status.OPEN)
    target = a_ticket(id=2, status=Status.PENDING_CUSTOMER)

    source.merge_into(target, an_agent(), at(5), "same outage")

    assert source.status is Status.CLOSED
    assert source.closed_at == at(5)
    assert [(lk.kind, lk.target_ticket_id) for lk in source.links] == [(LinkKind.MERGED_INTO, 2)]
    [closed] = source.pending_events
    assert closed.action == "ticket.merged_into"
    assert closed.changes == {"target": "TD-1002", "status": ["open", "closed"]}
    assert closed.reason == "same outage"
    [absorbed] = target.pending_events
    assert absorbed.action == "ticket.merged_from"
    assert absorbed.changes == {"source": "TD-1001", "messages": 0}
    assert target.status is Status.PENDING_CUSTOMER
    assert target.updated_at == at(5)


def test_merging_tickets_of_different_organisations_is_refused() -> None:
    source = a_ticket(id=1, organisation_id=1, status=Status.OPEN)
    target = a_ticket(id=2, organisation_id=2, status=Status.OPEN)
    before_source, before_target = snapshot(source), snapshot(target)

    with pytest.raises(InvalidTransitionError):
        source.merge_into(target, an_agent(), at(5), None)

    assert (snapshot(source), snapshot(target)) == (before_source, before_target)


def test_a_ticket_cannot_be_merged_into_itself() -> None:
    ticket = a_ticket(id=1, status=Status.OPEN)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.merge_into(ticket, an_agent(), at(5), None)

    assert snapshot(ticket) == before


def test_merging_into_a_closed_ticket_is_refused() -> None:
    source = a_ticket(id=1, status=Status.OPEN)
    target = a_ticket(id=2, status=Status.CLOSED)
    before_source, before_target = snapshot(source), snapshot(target)

    with pytest.raises(InvalidTransitionError):
        source.merge_into(target, an_agent(), at(5), None)

    assert (snapshot(source), snapshot(target)) == (before_source, before_target)


def test_a_merged_ticket_cannot_be_merged_again() -> None:
    source = a_ticket(id=1, status=Status.OPEN)
    source.merge_into(a_ticket(id=2, status=Status.OPEN), an_agent(), at(5), None)
    before = snapshot(source)

    with pytest.raises(InvalidTransitionError):
        source.merge_into(a_ticket(id=3, status=Status.OPEN), an_agent(), at(6), None)

    assert snapshot(source) == before
