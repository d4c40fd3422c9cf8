"""Side conversations from a ticket: who may see them, colleagues asked in, their states, and a
public reply made from one only when the agent posts it."""

from __future__ import annotations

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_ticket
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.outbound import OutboxStatus
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.side_conversations import SideChannel, SideState
from tierdesk.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TicketNotFoundError,
)
from tierdesk.services import escalation, tickets
from tierdesk.services import side_conversations as sides
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.notifications import list_notifications

VENDOR_ASK = sides.NewSideConversation(
    subject="Known defect?", message="Seen this on 4.2.1?", to=["vera@vendor.example"]
)


def test_only_agents_who_may_open_the_ticket_see_its_side_conversations(desk: Desk) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)
    number = ticket.number or ""
    engineer = make_agent(desk, tiers=[1, 2])
    side = sides.start_side_conversation(desk, engineer, number, VENDOR_ASK)
    escalation.escalate_ticket(desk, engineer, number, Tier(2), "needs level 2", full_packet())
    first_line = make_agent(desk, tiers=[1])
    other_customer = make_contact(desk)

    assert [s.id for s in sides.list_side_conversations(desk, engineer, number)] == [side.id]
    with pytest.raises(TicketNotFoundError):
        sides.list_side_conversations(desk, first_line, number)
    with pytest.raises(TicketNotFoundError):
        sides.side_thread(desk, first_line, number, side.id or 0)
    for customer in (contact, other_customer):
        with pytest.raises(PermissionDeniedError):
            sides.list_side_conversations(desk, customer, number)
        with pytest.raises(PermissionDeniedError):
            sides.side_thread(desk, customer, number, side.id or 0)
    other_ticket = make_ticket(desk, contact=contact)
    with pytest.raises(NotFoundError):  # a side conversation is read through its own ticket
        sides.side_thread(desk, engineer, other_ticket.number or "", side.id or 0)
    shown = tickets.get_ticket(desk, contact, number)
    assert all("4.2.1" not in m.body_text for m in shown.messages)


def test_a_colleague_asked_in_is_notified_and_their_answer_marks_it_answered(desk: Desk) -> None:
    number = make_ticket(desk).number or ""
    engineer, expert = make_agent(desk), make_agent(desk, tiers=[1, 3])
    side = sides.start_side_conversation(
        desk,
        engineer,
        number,
        sides.NewSideConversation(
            subject="Codec question",
            message="Is G.722 supported here?",
            channel=SideChannel.INTERNAL,
            agent_ids=[expert.id or 0],
        ),
    )
    assert side.state is SideState.WAITING
    assert [n.kind for n in list_notifications(desk, expert)] == ["side_conversation.message"]

    sides.reply_in_side_conversation(desk, expert, number, side.id or 0, "Yes, since 4.0.")

    thread = sides.side_thread(desk, engineer, number, side.id or 0)
    assert thread.conversation.state is SideState.ANSWERED
    assert thread.participants == [expert.name]
    assert "side_conversation.message" in [n.kind for n in list_notifications(desk, engineer)]
    with desk.uow() as uow:  # internal: nothing goes out by mail
        assert uow.mail_outbox.find(list(OutboxStatus), limit=10) == []
    assert len(tickets.get_ticket(desk, SYSTEM, number).messages) == 1


def test_a_colleague_who_cannot_open_the_ticket_cannot_be_asked_in(desk: Desk) -> None:
    engineer = make_agent(desk, tiers=[1, 2])
    number = make_ticket(desk).number or ""
    escalation.escalate_ticket(desk, engineer, number, Tier(2), "level 2", full_packet())
    first_line = make_agent(desk, tiers=[1])
    ask = sides.NewSideConversation(
        subject="Help?", message="?", channel=SideChannel.INTERNAL, agent_ids=[first_line.id or 0]
    )
    with pytest.raises(InvalidInputError) as refused:
        sides.start_side_conversation(desk, engineer, number, ask)
    assert refused.value.data["field"] == "agents"


def test_closing_and_reopening_and_a_late_message_reopens_a_closed_one(desk: Desk) -> None:
    number = make_ticket(desk).number or ""
    engineer = make_agent(desk)
    side = sides.start_side_conversation(desk, engineer, number, VENDOR_ASK)
    closed = sides.close_side_conversation(desk, engineer, number, side.id or 0)
    assert closed.state is SideState.CLOSED
    assert sides.close_side_conversation(
        desk, engineer, number, side.id or 0, reopen=True
    ).state is (SideState.OPEN)
    sides.close_side_conversation(desk, engineer, number, side.id or 0)
    sides.reply_in_side_conversation(desk, engineer, number, side.id or 0, "One more thing.")
    assert sides.side_thread(desk, engineer, number, side.id or 0).conversation.state is (
        SideState.WAITING
    )


def test_a_summary_becomes_a_public_reply_only_when_the_agent_posts_it(desk: Desk) -> None:
    contact = make_contact(desk)
    number = make_ticket(desk, contact=contact).number or ""
    engineer, expert = make_agent(desk), make_agent(desk, role=Role.LEAD)
    side = sides.start_side_conversation(
        desk,
        engineer,
        number,
        sides.NewSideConversation(
            subject="Trunk drops",
            message="Known?",
            channel=SideChannel.INTERNAL,
            agent_ids=[expert.id or 0],
        ),
    )
    sides.reply_in_side_conversation(
        desk, expert, number, side.id or 0, "It is defect 118. Upgrading to 4.2.2 fixes it."
    )

    draft = sides.draft_public_reply(desk, engineer, number, side.id or 0)

    assert "4.2.2" in draft
    assert [m.kind for m in tickets.get_ticket(desk, contact, number).messages] == [
        MessageKind.CUSTOMER
    ]
    edited = draft.replace("defect 118", "a known defect")
    sides.post_public_reply(desk, engineer, number, side.id or 0, edited)
    seen = tickets.get_ticket(desk, contact, number).messages
    assert [m.kind for m in seen] == [MessageKind.CUSTOMER, MessageKind.PUBLIC_REPLY]
    assert "a known defect" in seen[-1].body_text
    assert "defect 118" not in seen[-1].body_text
    with pytest.raises(PermissionDeniedError):
        sides.post_public_reply(desk, contact, number, side.id or 0, "sneaky")
