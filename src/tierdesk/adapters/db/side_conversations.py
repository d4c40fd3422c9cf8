"""Side conversations in storage (``services/side_conversations.py``): the conversations, their
messages, and their own mail references (``side_mail``: the Message-ID of every mail sent or
received in one, and the outbox row that carries each mail the desk sends). Never the ticket's
``messages`` or ``mail_message_ids``: nothing that reads a ticket's thread can meet them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.side_conversations import (
    SideAttachment,
    SideChannel,
    SideConversation,
    SideDirection,
    SideMessage,
    SideState,
)

side_conversations = Table(
    "side_conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("channel", EnumText(SideChannel), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("participants", json_value(), nullable=False),
    Column("token", String(16), nullable=False, unique=True),
    Column("state", EnumText(SideState), nullable=False),
    Column("created_by_id", ForeignKey("agents.id"), nullable=False),
    Column("created_by_name", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_activity_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
)

side_messages = Table(
    "side_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("side_conversation_id", ForeignKey("side_conversations.id"), nullable=False, index=True),
    Column("direction", EnumText(SideDirection), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("author_agent_id", ForeignKey("agents.id")),
    Column("author_address", String(320)),
    Column("body_text", Text, nullable=False),
    Column("included_message_ids", json_value(), nullable=False),
    Column("attachments", json_value(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

side_mail = Table(
    "side_mail",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("side_conversation_id", ForeignKey("side_conversations.id"), nullable=False, index=True),
    Column("side_message_id", ForeignKey("side_messages.id"), nullable=False),
    Column("outbox_id", ForeignKey("mail_outbox.id"), unique=True),  # mail the desk sends
    Column("header_id", String(512), index=True),  # fixed when sent, or as received
)

_sc, _sm, _mail = side_conversations.c, side_messages.c, side_mail.c


def _conversation(row: Row[Any]) -> SideConversation:
    return SideConversation(
        id=row.id,
        ticket_id=row.ticket_id,
        channel=row.channel,
        subject=row.subject,
        participants=list(row.participants),
        token=row.token,
        state=row.state,
        created_by_id=row.created_by_id,
        created_by_name=row.created_by_name,
        created_at=row.created_at,
        last_activity_at=row.last_activity_at,
        closed_at=row.closed_at,
    )


def _message(row: Row[Any]) -> SideMessage:
    return SideMessage(
        id=row.id,
        side_conversation_id=row.side_conversation_id,
        direction=row.direction,
        author_name=row.author_name,
        author_agent_id=row.author_agent_id,
        author_address=row.author_address,
        body_text=row.body_text,
        included_message_ids=[int(i) for i in row.included_message_ids],
        attachments=[SideAttachment(**a) for a in row.attachments],
        created_at=row.created_at,
    )


class SqlSideConversationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, conversation: SideConversation) -> int:
        query = side_conversations.insert().values(**_values(conversation)).returning(_sc.id)
        conversation.id = int(self.session.execute(query).scalar_one())
        return conversation.id

    def save(self, conversation: SideConversation) -> None:
        """Store the conversation's state and last activity (all that changes)."""
        self.session.execute(
            update(side_conversations)
            .where(_sc.id == conversation.id)
            .values(
                state=conversation.state,
                last_activity_at=conversation.last_activity_at,
                closed_at=conversation.closed_at,
            )
        )

    def get(self, side_id: int) -> SideConversation | None:
        row = self.session.execute(select(side_conversations).where(_sc.id == side_id)).first()
        return _conversation(row) if row else None

    def by_token(self, token: str) -> SideConversation | None:
        row = self.session.execute(select(side_conversations).where(_sc.token == token)).first()
        return _conversation(row) if row else None

    def of_ticket(
        self, ticket_id: int, limit: int, after_id: int | None = None
    ) -> list[SideConversation]:
        query = select(side_conversations).where(_sc.ticket_id == ticket_id)
        if after_id is not None:
            query = query.where(_sc.id < after_id)
        rows = self.session.execute(query.order_by(_sc.id.desc()).limit(limit))
        return [_conversation(r) for r in rows]

    def add_message(self, message: SideMessage) -> int:
        query = (
            side_messages.insert()
            .values(
                side_conversation_id=message.side_conversation_id,
                direction=message.direction,
                author_name=message.author_name,
                author_agent_id=message.author_agent_id,
                author_address=message.author_address,
                body_text=message.body_text,
                included_message_ids=list(message.included_message_ids),
                attachments=[vars(a) for a in message.attachments],
                created_at=message.created_at,
            )
            .returning(_sm.id)
        )
        message.id = int(self.session.execute(query).scalar_one())
        return message.id

    def messages(self, side_id: int) -> list[SideMessage]:
        query = select(side_messages).where(_sm.side_conversation_id == side_id).order_by(_sm.id)
        return [_message(r) for r in self.session.execute(query)]

    def message(self, message_id: int) -> SideMessage | None:
        row = self.session.execute(select(side_messages).where(_sm.id == message_id)).first()
        return _message(row) if row else None

    # -- mail references --------------------------------------------------------------------

    def add_mail(
        self,
        side_id: int,
        side_message_id: int,
        *,
        outbox_id: int | None = None,
        header_id: str | None = None,
    ) -> None:
        self.session.execute(
            side_mail.insert().values(
                side_conversation_id=side_id,
                side_message_id=side_message_id,
                outbox_id=outbox_id,
                header_id=header_id,
            )
        )

    def mail_for_outbox(self, outbox_id: int) -> tuple[int, int] | None:
        """The side conversation and message an outbox row carries, if it carries one."""
        row = self.session.execute(
            select(_mail.side_conversation_id, _mail.side_message_id).where(
                _mail.outbox_id == outbox_id
            )
        ).first()
        return (int(row[0]), int(row[1])) if row else None

    def set_header(self, outbox_id: int, header_id: str) -> None:
        self.session.execute(
            update(side_mail).where(_mail.outbox_id == outbox_id).values(header_id=header_id)
        )

    def for_headers(self, header_ids: Sequence[str]) -> int | None:
        """The side conversation of the first of these Message-IDs the desk sent or received
        in one (nearest first, as ``domain.inbound.thread_keys`` orders them)."""
        if not header_ids:
            return None
        rows = self.session.execute(
            select(_mail.header_id, _mail.side_conversation_id).where(
                _mail.header_id.in_(list(header_ids))
            )
        )
        found = {h: int(s) for h, s in rows}
        return next((found[h] for h in header_ids if h in found), None)

    def headers_of(self, side_id: int) -> list[str]:
        query = (
            select(_mail.header_id)
            .where(_mail.side_conversation_id == side_id, _mail.header_id.is_not(None))
            .order_by(_mail.id)
        )
        return [h for h in self.session.scalars(query) if h]


def _values(c: SideConversation) -> dict[str, Any]:
    return {
        "ticket_id": c.ticket_id,
        "channel": c.channel,
        "subject": c.subject,
        "participants": list(c.participants),
        "token": c.token,
        "state": c.state,
        "created_by_id": c.created_by_id,
        "created_by_name": c.created_by_name,
        "created_at": c.created_at,
        "last_activity_at": c.last_activity_at,
        "closed_at": c.closed_at,
    }
