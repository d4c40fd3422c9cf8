"""What a message does to its ticket, and the rules for attachments and texts."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.objects import a_contact, a_message, a_ticket, an_agent, at, snapshot
from tierdesk.domain.messages import (
    MessageKind,
    check_attachment_size,
    clean_filename,
    require_text,
)
from tierdesk.domain.tickets import Status
from tierdesk.errors import InvalidInputError, InvalidTransitionError, TooLargeError


def test_a_customer_reply_reopens_a_solved_ticket_and_forgets_when_it_was_solved() -> None:
    ticket = a_ticket(status=Status.SOLVED)
    contact = a_contact()

    ticket.add_message(a_message(MessageKind.CUSTOMER, contact, at(3)), contact)

    assert ticket.status is Status.OPEN
    assert ticket.solved_at is None
    assert [e.action for e in ticket.pending_events] == ["message.added", "ticket.status_changed"]
    assert ticket.pending_events[-1].changes == {"status": ["solved", "open"]}


def test_a_customer_reply_wakes_a_ticket_waiting_on_the_customer() -> None:
    ticket = a_ticket(status=Status.PENDING_CUSTOMER)
    contact = a_contact()

    ticket.add_message(a_message(MessageKind.CUSTOMER, contact, at(3)), contact)

    assert ticket.status is Status.OPEN
    assert ticket.pending_events[-1].reason == "customer replied"


@pytest.mark.parametrize(
    "status", [Status.NEW, Status.OPEN, Status.PENDING_INTERNAL, Status.ON_HOLD], ids=str
)
def test_a_customer_reply_leaves_other_statuses_alone(status: Status) -> None:
    ticket = a_ticket(status=status)
    contact = a_contact()

    ticket.add_message(a_message(MessageKind.CUSTOMER, contact, at(3)), contact)

    assert ticket.status is status
    assert [e.action for e in ticket.pending_events] == ["message.added"]


def test_the_first_public_reply_sets_first_response_and_opens_a_new_ticket() -> None:
    ticket = a_ticket(status=Status.NEW)
    agent = an_agent()

    ticket.add_message(a_message(MessageKind.PUBLIC_REPLY, agent, at(4)), agent)
    ticket.add_message(a_message(MessageKind.PUBLIC_REPLY, agent, at(9)), agent)

    assert ticket.first_response_at == at(4)
    assert ticket.status is Status.OPEN


def test_an_internal_note_is_no_response_and_is_audited_as_private() -> None:
    ticket = a_ticket(status=Status.NEW)
    agent = an_agent()

    ticket.add_message(a_message(MessageKind.INTERNAL_NOTE, agent, at(4)), agent)

    assert ticket.first_response_at is None
    assert ticket.status is Status.NEW
    [event] = ticket.pending_events
    assert event.public is False
    assert event.changes["kind"] == "internal-note"


def test_a_public_message_is_audited_as_public_with_an_excerpt() -> None:
    ticket = a_ticket(status=Status.OPEN)
    agent = an_agent()

    ticket.add_message(a_message(MessageKind.PUBLIC_REPLY, agent, at(4), text="x" * 500), agent)

    [event] = ticket.pending_events
    assert event.public is True
    assert event.changes["excerpt"] == "x" * 160
    assert ticket.updated_at == at(4)


@pytest.mark.parametrize("kind", [MessageKind.PUBLIC_REPLY, MessageKind.INTERNAL_NOTE], ids=str)
def test_a_contact_cannot_write_replies_or_notes(kind: MessageKind) -> None:
    ticket = a_ticket(status=Status.OPEN)
    contact = a_contact()
    before = snapshot(ticket)

    with pytest.raises(InvalidInputError):
        ticket.add_message(a_message(kind, contact, at(4)), contact)

    assert snapshot(ticket) == before


def test_a_closed_ticket_refuses_messages() -> None:
    ticket = a_ticket(status=Status.CLOSED)
    contact = a_contact()
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.add_message(a_message(MessageKind.CUSTOMER, contact, at(4)), contact)

    assert snapshot(ticket) == before


def test_only_internal_notes_are_private() -> None:
    assert {k for k in MessageKind if not k.is_public} == {MessageKind.INTERNAL_NOTE}


# -- file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/absolute/path/trace.pcap", "trace.pcap"),
        ("dir/", "attachment"),
        ("..", "attachment"),
        ("", "attachment"),
        ("   ", "attachment"),
        (".htaccess", "htaccess"),
        ("evil\x00.txt", "evil_.txt"),
        ("line\r\nbreak.txt", "line__break.txt"),
        ("rtl\u202egnp.exe", "rtl_gnp.exe"),
        ("Überweisung (1).pdf", "Überweisung (1).pdf"),
        ("a<b>c:d|e?.txt", "a_b_c_d_e_.txt"),
    ],
)
def test_clean_filename_keeps_only_a_safe_base_name(given_name: str, expected: str) -> None:
    assert clean_filename(given_name) == expected


def test_clean_filename_caps_the_length() -> None:
    assert len(clean_filename("a" * 1000 + ".txt")) == 200


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_filename_never_returns_a_path_a_dot_name_or_a_control_character(
    name: str,
) -> None:
    cleaned = clean_filename(name)

    assert cleaned
    assert len(cleaned) <= 200
    assert "/" not in cleaned
    assert "\\" not in cleaned
    assert not cleaned.startswith(".")
    assert cleaned not in {".", ".."}
    assert all(ch.isprintable() for ch in cleaned)
    assert not set(cleaned) & set(string.whitespace.replace(" ", ""))


def test_clean_filename_is_idempotent() -> None:
    for name in ["../a b/../c.txt", "\x01x", "..."]:
        once = clean_filename(name)
        assert clean_filename(once) == once


# -- sizes and texts ----------------------------------------------------------------------


def test_an_attachment_at_the_limit_is_accepted() -> None:
    check_attachment_size(1024, 1024)


def test_an_attachment_over_the_limit_is_too_large_and_says_both_sizes() -> None:
    with pytest.raises(TooLargeError) as refused:
        check_attachment_size(1025, 1024)

    assert refused.value.data == {"size": 1025, "limit": 1024}


@pytest.mark.parametrize("size", [0, -1])
def test_an_empty_attachment_is_refused(size: int) -> None:
    with pytest.raises(InvalidInputError):
        check_attachment_size(size, 1024)


def test_require_text_trims_and_refuses_blank_and_overlong_text() -> None:
    assert require_text("  hello \n", "body") == "hello"
    with pytest.raises(InvalidInputError):
        require_text(" \t\n", "body")
    with pytest.raises(TooLargeError):
        require_text("x" * 11, "body", max_length=10)
