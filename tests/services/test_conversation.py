"""Messages on a ticket: who sees what, side effects, HTML, attachments on disk."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta

import pytest

from tests.factories import make_agent, make_contact, make_ticket
from tests.services.support import Unchanged, case, tiny_png
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.tickets import Status
from tierdesk.errors import InvalidInputError, InvalidTransitionError, TooLargeError
from tierdesk.services import tickets
from tierdesk.services.conversation import NewAttachment, add_message
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import NewTicket


def test_an_internal_note_never_reaches_the_contact(desk: Desk) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)
    ref = ticket.number or ""

    add_message(desk, agent, ref, MessageKind.INTERNAL_NOTE, text="Customer runs 3.9; EOL.")
    add_message(desk, agent, ref, MessageKind.PUBLIC_REPLY, text="Please upgrade to 4.2.")

    seen_by_contact = tickets.get_ticket(desk, contact, ref)
    thread = tickets.visible_thread(contact, seen_by_contact)
    assert [m.kind for m in thread] == [MessageKind.CUSTOMER, MessageKind.PUBLIC_REPLY]
    events = tickets.ticket_events(desk, contact, ref)
    assert "EOL" not in repr([e.changes for e in events])
    assert all(e.public for e in events)
    assert [e.changes.get("kind") for e in events if e.action == "message.added"] == [
        "customer",
        "public-reply",
    ]

    seen_by_agent = tickets.get_ticket(desk, agent, ref)
    assert len(tickets.visible_thread(agent, seen_by_agent)) == 3
    agent_events = tickets.ticket_events(desk, agent, ref)
    assert any(e.changes.get("kind") == "internal-note" and not e.public for e in agent_events)


def test_the_first_public_reply_is_stored_as_the_first_response_and_opens_the_ticket(
    desk: Desk, clock: FixedClock
) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    opened_at = clock.now()
    clock.advance(timedelta(minutes=42))

    add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Looking into it.")
    clock.advance(timedelta(minutes=5))
    add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Found it.")

    stored = tickets.get_ticket(desk, agent, ticket.id or 0)
    assert stored.first_response_at == opened_at + timedelta(minutes=42)
    assert stored.status is Status.OPEN
    assert stored.updated_at == opened_at + timedelta(minutes=47)


def test_a_contact_replying_to_a_solved_ticket_reopens_it(desk: Desk) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)
    tickets.solve_ticket(desk, agent, ticket.id or 0, "Reboot the gateway.")

    add_message(desk, contact, ticket.id or 0, MessageKind.CUSTOMER, text="Still broken.")

    stored = tickets.get_ticket(desk, agent, ticket.id or 0)
    assert stored.status is Status.OPEN
    assert stored.solved_at is None
    last = tickets.ticket_events(desk, contact, ticket.id or 0)[-1]
    assert last.changes == {"status": ["solved", "open"]}


def test_a_contact_replying_wakes_a_ticket_pending_on_them(desk: Desk) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)
    tickets.change_status(desk, agent, ticket.id or 0, Status.PENDING_CUSTOMER, "need logs")

    add_message(desk, contact, ticket.id or 0, MessageKind.CUSTOMER, text="Logs attached.")

    assert tickets.get_ticket(desk, agent, ticket.id or 0).status is Status.OPEN


def test_an_agent_logging_a_phone_call_records_the_customers_words_in_their_name(
    desk: Desk,
) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)

    _, message = add_message(
        desk, agent, ticket.id or 0, MessageKind.CUSTOMER, text="(phone) it works now"
    )

    assert (message.author_kind, message.author_id, message.author_name) == (
        "contact",
        contact.id,
        contact.name,
    )
    event = tickets.ticket_events(desk, agent, ticket.id or 0)[-1]
    assert (event.actor_kind, event.actor_id) == ("agent", agent.id)


def test_a_contact_cannot_write_notes_or_agent_replies(desk: Desk, unchanged: Unchanged) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)

    for kind in (MessageKind.INTERNAL_NOTE, MessageKind.PUBLIC_REPLY):
        with case(kind), unchanged(), pytest.raises(InvalidInputError):
            add_message(desk, contact, ticket.id or 0, kind, text="let me in")


def test_a_closed_ticket_refuses_messages_and_stores_nothing(
    desk: Desk, unchanged: Unchanged
) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)
    tickets.close_ticket(desk, agent, ticket.id or 0, "spam")

    with unchanged(), pytest.raises(InvalidTransitionError):
        add_message(desk, contact, ticket.id or 0, MessageKind.CUSTOMER, text="hello?")


def test_a_message_with_no_words_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    wordless: dict[str, tuple[str | None, str | None]] = {
        "nothing": (None, None),
        "empty": ("", None),
        "blank": ("  \n ", None),
        "only a script": (None, "<script>alert(1)</script>"),
        "empty paragraph": (None, "<p> </p>"),
        "blank text and empty html": (" ", "<div></div>"),
    }

    for name, (text, html) in wordless.items():
        with case(name), unchanged(), pytest.raises(InvalidInputError):
            add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text=text, html=html)


def test_html_is_sanitised_and_the_plain_text_is_derived_from_it(desk: Desk) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    html = (
        '<p onclick="steal()">Hello <b>there</b></p><script>alert("x")</script>'
        '<img src="http://evil.example/x.png" onerror="alert(1)">'
        '<p><a href="javascript:alert(1)">bad</a> <a href="https://kestrel.example/kb/12">KB-12</a></p>'
        "<ul><li>one</li><li>two</li></ul>"
    )

    _, message = add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, html=html)

    stored = tickets.get_ticket(desk, agent, ticket.id or 0).messages[-1]
    assert stored.id == message.id
    safe = stored.body_html or ""
    for forbidden in ("<script", "alert", "onerror", "onclick", "<img", "javascript:"):
        assert forbidden not in safe.lower()
    assert '<a href="https://kestrel.example/kb/12"' in safe
    assert 'rel="noopener noreferrer nofollow"' in safe
    assert [line for line in stored.body_text.splitlines() if line] == [
        "Hello there",
        "bad KB-12",
        "- one",
        "- two",
    ]


def test_given_plain_text_is_kept_beside_sanitised_html(desk: Desk) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)

    _, message = add_message(
        desk,
        agent,
        ticket.id or 0,
        MessageKind.PUBLIC_REPLY,
        text="Plain version",
        html="<p>Rich <em>version</em></p>",
    )

    assert message.body_text == "Plain version"
    assert message.body_html == "<p>Rich <em>version</em></p>"


def test_an_attachment_is_stored_on_disk_with_a_sniffed_type_and_a_clean_name(
    app: Tierdesk, desk: Desk
) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    png = tiny_png()

    _, message = add_message(
        desk,
        agent,
        ticket.id or 0,
        MessageKind.PUBLIC_REPLY,
        text="Screenshot attached.",
        attachments=[NewAttachment("../../etc/screen shot.png", png, "text/plain")],
    )

    [stored] = tickets.get_ticket(desk, agent, ticket.id or 0).messages[-1].attachments
    assert stored.id == message.attachments[0].id
    assert stored.content_type == "image/png"
    assert stored.filename == "screen shot.png"
    assert stored.size == len(png)
    assert stored.sha256 == hashlib.sha256(png).hexdigest()
    assert desk.files.open(stored.storage_key) == png
    on_disk = list(app.settings.attachments_dir.rglob(stored.storage_key))
    assert [p.read_bytes() for p in on_disk] == [png]


def test_html_declared_as_an_image_is_stored_as_html(desk: Desk) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)

    _, message = add_message(
        desk,
        contact,
        ticket.id or 0,
        MessageKind.CUSTOMER,
        text="see attached",
        attachments=[NewAttachment("cat.png", b"<html><script>x</script></html>", "image/png")],
    )

    assert message.attachments[0].content_type == "text/html"


def test_the_same_file_twice_is_stored_once_on_disk(app: Tierdesk, desk: Desk) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)
    log = b"Mar 2 09:00:01 gw sipd[42]: 408 Request Timeout\n"

    for name in ("a.log", "b.log"):
        add_message(
            desk,
            contact,
            ticket.id or 0,
            MessageKind.CUSTOMER,
            text="log",
            attachments=[NewAttachment(name, log)],
        )

    messages = tickets.get_ticket(desk, contact, ticket.id or 0).messages
    keys = {a.storage_key for m in messages for a in m.attachments}
    assert len(keys) == 1
    files = [p for p in app.settings.attachments_dir.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert messages[-1].attachments[0].content_type == "text/plain"


def test_an_oversize_attachment_is_refused_and_nothing_is_stored(
    desk: Desk, unchanged: Unchanged
) -> None:
    small_desk = dataclasses.replace(desk, max_attachment_bytes=1024)
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)

    with unchanged(), pytest.raises(TooLargeError):
        add_message(
            small_desk,
            contact,
            ticket.id or 0,
            MessageKind.CUSTOMER,
            text="dump",
            attachments=[NewAttachment("core.dump", b"\x00" * 1025)],
        )


def test_one_oversize_attachment_among_several_stores_none_of_them(
    desk: Desk, unchanged: Unchanged
) -> None:
    small_desk = dataclasses.replace(desk, max_attachment_bytes=1024)
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)

    with unchanged(), pytest.raises(TooLargeError):
        add_message(
            small_desk,
            contact,
            ticket.id or 0,
            MessageKind.CUSTOMER,
            text="two files",
            attachments=[
                NewAttachment("small.txt", b"fits"),
                NewAttachment("big.bin", b"\x01" * 2048),
            ],
        )


def test_an_empty_attachment_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)

    with unchanged(), pytest.raises(InvalidInputError):
        add_message(
            desk,
            contact,
            ticket.id or 0,
            MessageKind.CUSTOMER,
            text="empty",
            attachments=[NewAttachment("empty.txt", b"")],
        )


def test_a_ticket_can_be_opened_with_attachments_but_not_attachments_alone(
    desk: Desk, unchanged: Unchanged
) -> None:
    contact = make_contact(desk)
    png = tiny_png()

    opened = tickets.open_ticket(
        desk,
        contact,
        NewTicket(subject="x", body_text="see", attachments=[NewAttachment("s.png", png)]),
    )
    assert opened.messages[0].attachments[0].content_type == "image/png"

    with unchanged(), pytest.raises(InvalidInputError):
        tickets.open_ticket(
            desk, contact, NewTicket(subject="x", attachments=[NewAttachment("s.png", png)])
        )
