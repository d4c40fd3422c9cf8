"""Side conversations by mail: queueing each message in the outbox (one mail per address),
composing it with the conversation's own reference, and taking a reply back into the
conversation, ahead of ticket threading, so that it never reaches the customer's thread or
opens a ticket."""

from __future__ import annotations

import secrets
from datetime import datetime

from tierdesk.domain.inbound import (
    InboundEmail,
    InboundOutcome,
    InboundResult,
    sender_name,
    split_reply,
    thread_keys,
)
from tierdesk.domain.messages import clean_filename
from tierdesk.domain.outbound import (
    OutboundPolicy,
    OutboxItem,
    OutgoingAttachment,
    OutgoingEmail,
    OutgoingKind,
)
from tierdesk.domain.side_conversations import (
    SideAttachment,
    SideChannel,
    SideConversation,
    SideDirection,
    SideMessage,
    side_mail,
    side_message_id,
    token_in,
)
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import desk_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import enqueue
from tierdesk.services.notifications import notify_agents

SEND_TASK = "mail.send"  # services/mail_outbox.py's task (imported there, not here: a cycle)
SIDE_REPLY = "side_conversation.reply"


def queue_side_mail(
    uow: UnitOfWork,
    desk: Desk,
    side: SideConversation,
    message: SideMessage,
    address: str,
    at: datetime,
) -> None:
    assert side.id is not None
    assert message.id is not None
    outbox_id = uow.mail_outbox.add(
        side.ticket_id, OutgoingKind.SIDE_CONVERSATION, address, "en", at
    )
    uow.side_conversations.add_mail(side.id, message.id, outbox_id=outbox_id)
    if desk.mail_out is not None:
        enqueue(uow, SEND_TASK, at=at)


def compose_side_mail(
    uow: UnitOfWork, desk: Desk, policy: OutboundPolicy, item: OutboxItem
) -> OutgoingEmail | None:
    """The mail an outbox row of a side conversation carries; None when there is nothing left
    to send. Restricted diagnostics of quoted ticket messages stay in the desk, as they do in
    the customer's mail."""
    carried = uow.side_conversations.mail_for_outbox(item.id)
    if carried is None:
        return None
    side = uow.side_conversations.get(carried[0])
    message = uow.side_conversations.message(carried[1])
    if side is None or message is None:
        return None
    assert side.id is not None
    header = item.message_id_header
    if header is None:  # fixed before the first attempt, so every retry carries the same id
        header = side_message_id(side.token, item.id, secrets.token_hex(6), policy.domain)
        uow.mail_outbox.set_header(item.id, header)
        uow.side_conversations.set_header(item.id, header)
    attachments: tuple[OutgoingAttachment, ...] = ()
    if message.included_message_ids:
        ticket = desk_ticket(uow, side.ticket_id, why="side conversation mail")
        wanted = set(message.included_message_ids)
        attachments = tuple(
            OutgoingAttachment(a.filename, a.content_type, desk.files.open(a.storage_key))
            for m in (ticket.messages if ticket else [])
            if m.id in wanted
            for a in m.attachments
            if not a.restricted
        )
    thread = uow.side_conversations.headers_of(side.id)
    earlier = thread[: thread.index(header)] if header in thread else thread
    return side_mail(
        message_id=header,
        from_address=policy.from_address,
        from_name=policy.from_name,
        to_address=item.to_address,
        token=side.token,
        subject=side.subject,
        text=message.body_text,
        author_name=message.author_name,
        thread=earlier,
        attachments=attachments,
    )


def find_side_conversation(uow: UnitOfWork, email: InboundEmail) -> SideConversation | None:
    """The side conversation a received mail answers: by the Message-IDs it refers to, else by
    the token in the address it was sent to or in its subject."""
    side_id = uow.side_conversations.for_headers(thread_keys(email))
    side = uow.side_conversations.get(side_id) if side_id is not None else None
    if side is None:
        token = token_in([*email.to, *email.cc], email.subject)
        side = uow.side_conversations.by_token(token) if token else None
    return side if side is not None and side.channel is SideChannel.EMAIL else None


def receive_side_reply(
    uow: UnitOfWork, desk: Desk, email: InboundEmail, now: datetime
) -> InboundResult | None:
    """Put a reply to a side conversation into it (None: the mail answers none). The ticket's
    thread, its customer and its clocks are not touched."""
    side = find_side_conversation(uow, email)
    if side is None:
        return None
    assert side.id is not None
    parts = split_reply(email.text, subject=email.subject)
    body = (parts.new_text or email.text).strip() or "(no text; see the attachments)"
    stored = []
    for a in email.attachments:
        saved = desk.files.put(a.data, a.content_type, a.filename)
        stored.append(
            SideAttachment(
                clean_filename(a.filename), saved.content_type, saved.size, saved.storage_key
            )
        )
    message = SideMessage(
        side_conversation_id=side.id,
        direction=SideDirection.IN,
        author_name=sender_name(email),
        author_address=email.from_address.lower(),
        body_text=body,
        created_at=now,
        attachments=stored,
    )
    uow.side_conversations.add_message(message)
    assert message.id is not None
    uow.side_conversations.add_mail(side.id, message.id, header_id=email.message_id or None)
    side.record_message(SideDirection.IN, now)
    uow.side_conversations.save(side)
    ticket = desk_ticket(uow, side.ticket_id, why="side conversation mail")
    number = ticket.number if ticket else str(side.ticket_id)
    notify_agents(
        uow,
        [side.created_by_id, ticket.assignee_id if ticket else None],
        kind=SIDE_REPLY,
        text=f"{number} side conversation “{side.subject}”: {message.author_name} replied",
        at=now,
        ticket_id=side.ticket_id,
        details={"number": number, "side_conversation": side.id},
    )
    return InboundResult(
        InboundOutcome.STORED,
        detail=f"a reply in side conversation {side.id} of {number}",
        from_address=email.from_address,
        subject=email.subject,
        ticket_id=side.ticket_id,
    )
