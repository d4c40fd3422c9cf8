"""A ticket's CCs: plain addresses, normalised and without repeats, never the requester, a
sane number of them, each change on the trail with before and after."""

from __future__ import annotations

import pytest

from tests.domain.objects import a_contact, a_ticket, an_agent, at
from tierdesk.domain.ticket_people import MAX_CCS, set_ccs, split_addresses
from tierdesk.domain.tickets import Status
from tierdesk.errors import InvalidInputError, InvalidTransitionError

REQUESTER = a_contact().email


def test_ccs_are_lower_cased_without_repeats_or_the_requester_and_audited() -> None:
    ticket = a_ticket()
    agent = an_agent()

    set_ccs(
        ticket,
        split_addresses(f"Ops@Customer.example, ops@customer.example\n{REQUESTER.upper()} b@x.io"),
        REQUESTER,
        agent,
        at(5),
    )

    assert ticket.ccs == ["ops@customer.example", "b@x.io"]
    [event] = ticket.pending_events
    assert event.action == "ticket.ccs_changed"
    assert event.changes == {"ccs": [[], ["ops@customer.example", "b@x.io"]]}


def test_setting_the_same_ccs_again_records_nothing() -> None:
    ticket = a_ticket()
    set_ccs(ticket, ["a@x.io"], REQUESTER, an_agent(), at(1))
    set_ccs(ticket, ["A@X.IO "], REQUESTER, an_agent(), at(2))
    assert len(ticket.pending_events) == 1


@pytest.mark.parametrize(
    "bad",
    [
        "not-an-address",
        "a@b",
        "a b@x.io",
        "<script>alert(1)</script>@x.io",
        "x@y.io\r\nBcc: z@z.io",
        '"q"@x.io',
        "a@b..io",
    ],
)
def test_what_is_not_one_plain_address_is_refused_and_named(bad: str) -> None:
    ticket = a_ticket()
    with pytest.raises(InvalidInputError) as refused:
        set_ccs(ticket, ["ok@x.io", bad], REQUESTER, an_agent(), at(1))
    assert refused.value.data["field"] == "ccs"
    assert repr(bad) in refused.value.message
    assert ticket.ccs == [] and ticket.pending_events == []


def test_at_most_twenty_addresses_are_copied() -> None:
    ticket = a_ticket()
    many = [f"person{i}@x.io" for i in range(MAX_CCS + 1)]
    with pytest.raises(InvalidInputError, match="at most 20"):
        set_ccs(ticket, many, REQUESTER, an_agent(), at(1))
    set_ccs(ticket, many[:MAX_CCS], REQUESTER, an_agent(), at(1))
    assert len(ticket.ccs) == MAX_CCS


def test_a_closed_ticket_keeps_its_ccs() -> None:
    ticket = a_ticket(status=Status.CLOSED)
    with pytest.raises(InvalidTransitionError):
        set_ccs(ticket, ["a@x.io"], REQUESTER, an_agent(), at(1))
