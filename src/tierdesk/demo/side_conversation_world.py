"""The demo's side conversation: on an open ticket, the lead asks the phone vendor by e-mail
whether they know the problem; the desk's mail goes out with the side conversation's own
reference, and the vendor's reply is threaded back by it (the same matching intake uses), so
the ticket page shows a side conversation that is answered, and the customer sees none of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.inbound import InboundEmail
from tierdesk.domain.outbound import OutboundPolicy, OutboxStatus, OutgoingKind
from tierdesk.domain.people import Agent
from tierdesk.ports import TicketFilter
from tierdesk.services import side_conversations as sides
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.side_conversation_mail import compose_side_mail, receive_side_reply

VENDOR = "escalations@handset-vendor.example"
DEMO_POLICY = OutboundPolicy(from_address="support@kestrel.example", from_name="Kestrel Support")


def talk_to_vendor(desk: Desk, clock: FixedClock, lead: Agent, end: datetime) -> str | None:
    """Start the vendor conversation on the newest open ticket; returns its number."""
    found = tickets.list_tickets(desk, SYSTEM, TicketFilter(), 20).tickets
    ticket = next((t for t in found if t.status.is_active and t.messages), None)
    if ticket is None or ticket.number is None:
        return None
    back_to = clock.now()
    clock.at = end - timedelta(hours=5)
    side = sides.start_side_conversation(
        desk,
        lead,
        ticket.number,
        sides.NewSideConversation(
            subject=f"Seen this before? {ticket.subject}"[:200],
            message="Hello, one of our customers reports the problem quoted below. Is this a "
            "known issue on your side, and is there a fixed firmware?",
            to=[VENDOR],
            include_message_ids=[ticket.messages[0].id or 0],
        ),
    )
    header = _mark_sent(desk, ticket.id or 0, clock.now())
    clock.at = end - timedelta(hours=2)
    with desk.uow() as uow:
        receive_side_reply(
            uow,
            desk,
            InboundEmail(
                message_id="<reply.4711@handset-vendor.example>",
                subject=f"Re: {side.subject} [#side-{side.token}]",
                from_address=VENDOR,
                from_name="Handset vendor escalations",
                text="Yes, this is a known firmware issue (VEN-2291). Firmware 4.2.2 fixes it; "
                "until then, disabling power saving on the handsets avoids it.",
                to=(f"support+side-{side.token}@kestrel.example",),
                in_reply_to=(header,) if header else (),
            ),
            clock.now(),
        )
        uow.commit()
    clock.at = max(back_to, clock.now())
    return ticket.number


def _mark_sent(desk: Desk, ticket_id: int, at: datetime) -> str | None:
    """The demo has no mail relay: compose the vendor's mail (fixing its Message-ID) and record
    it as sent, so nothing waits in the outbox for a relay that is never configured."""
    header = None
    with desk.uow() as uow:
        for item in uow.mail_outbox.find([OutboxStatus.PENDING], ticket_id):
            if item.kind is OutgoingKind.SIDE_CONVERSATION:
                mail = compose_side_mail(uow, desk, DEMO_POLICY, item)
                header = mail.message_id if mail else header
                uow.mail_outbox.finish(item.id, OutboxStatus.SENT, sent_at=at)
        uow.commit()
    return header
