"""The escalate form is written from the packet's parts (PACKET_PARTS): every part it sends is
stored as the packet says it, and what the desk drafts comes back in the fields it would send."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.handoff import (
    PACKET_PARTS,
    PacketContent,
    PacketPart,
    PacketStatus,
    TriedStep,
    Widget,
)
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import escalation, tickets
from tierdesk.services.conversation import NewAttachment, add_message

SignIn = Callable[[Agent | Contact], Browser]


def _typed(part: PacketPart, attachment_id: int) -> tuple[Any, Any]:
    """What an engineer types into ``part``'s field, and what the packet then says."""
    text = f"said in {part.name}"
    match part.widget:
        case Widget.TEXT | Widget.LINE:
            return f"  {text} ", text
        case Widget.LINES:
            return f"{text}, first\n\n  {text}, second ", [f"{text}, first", f"{text}, second"]
        case Widget.STEPS:
            return f"{text} => no change\n{text}, again", [
                TriedStep(text, "no change"),
                TriedStep(f"{text}, again"),
            ]
        case Widget.ATTACHMENTS:
            return [str(attachment_id)], [attachment_id]


def test_every_part_typed_into_the_escalate_form_is_stored_as_the_packet_says_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    ticket = open_at_l1(web, "Echo on calls")
    number = ticket.number or ""
    _, trace = add_message(
        desk,
        web.l1,
        number,
        MessageKind.INTERNAL_NOTE,
        text="The trace.",
        attachments=[NewAttachment("trace.txt", b"INVITE sip:echo")],
    )
    [attachment_id] = [a.id for a in trace.attachments if a.id is not None]
    typed = {part.name: _typed(part, attachment_id) for part in PACKET_PARTS}

    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")
    sent = l1.post(
        f"/tickets/{number}/escalate",
        {"to_level": "2", "reason": "stuck", **{name: form for name, (form, _) in typed.items()}},
    )

    assert sent.status_code == 200, sent.text[:500]
    [packet] = escalation.list_packets(desk, web.lead, number)
    assert packet.content == PacketContent(**{name: said for name, (_, said) in typed.items()})
    assert tickets.get_ticket(desk, web.lead, number).escalation_state is PacketStatus.AWAITING


def test_what_the_desk_drafts_comes_back_unchanged_through_the_form(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    ticket = open_at_l1(web, "Echo on calls", "Callers hear their own voice on 10.0.0.7.")
    number = ticket.number or ""
    add_message(desk, web.l1, number, MessageKind.PUBLIC_REPLY, text="1. Restart the phone")
    add_message(desk, web.acme_contact, number, MessageKind.CUSTOMER, text="No change.")
    add_message(desk, web.l1, number, MessageKind.INTERNAL_NOTE, text="Probably the codec.")
    draft = escalation.draft_packet_for(desk, web.l1, number)

    l1 = signed_in(web.l1)
    dialog = l1.get(f"/tickets/{number}/escalate").text
    fields = _fields(dialog)
    sent = l1.post(f"/tickets/{number}/escalate", {"to_level": "2", "reason": "stuck", **fields})

    assert sent.status_code == 200, sent.text[:500]
    assert set(fields) == {p.name for p in PACKET_PARTS if p.widget is not Widget.ATTACHMENTS}
    [packet] = escalation.list_packets(desk, web.lead, number)
    assert packet.content == draft
    assert draft.steps_tried and draft.hypotheses  # the thread gave something to carry over


def _fields(page: str) -> dict[str, str]:
    """What the escalate dialog's packet fields hold (a textarea's text, an input's value)."""
    found = {}
    for part in PACKET_PARTS:
        area = re.search(rf'<textarea id="[^"]+" name="{part.name}"[^>]*>([^<]*)</textarea>', page)
        line = re.search(rf'<input id="[^"]+" name="{part.name}" type="text" value="([^"]*)"', page)
        if area or line:
            found[part.name] = html.unescape((area or line).group(1))  # type: ignore[union-attr]
    return found
