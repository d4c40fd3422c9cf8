"""Threading mail into tickets, in storage (``services/mail_threading.py``): the Message-IDs of
every mail on a ticket, received ("in") or sent ("out"), where a reply's In-Reply-To and
References are looked up."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, ForeignKey, Integer, String, Table, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata

mail_message_ids = Table(
    "mail_message_ids",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("header_id", String(512), nullable=False, index=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("message_id", ForeignKey("messages.id")),
    Column("direction", String(8), nullable=False),
)


class SqlMailThreadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def remember_message_id(
        self, header_id: str, ticket_id: int, message_id: int | None, direction: str
    ) -> None:
        if not header_id:
            return
        self.session.execute(
            mail_message_ids.insert().values(
                header_id=header_id, ticket_id=ticket_id, message_id=message_id, direction=direction
            )
        )

    def ticket_for_message_ids(self, header_ids: Sequence[str]) -> int | None:
        """The ticket of the first id (in the given order of preference) the desk knows."""
        if not header_ids:
            return None
        t = mail_message_ids.c
        rows = self.session.execute(
            select(t.header_id, t.ticket_id).where(t.header_id.in_(list(header_ids))).order_by(t.id)
        )
        found: dict[str, int] = {}
        for header_id, ticket_id in rows:
            found[header_id] = ticket_id  # the newest mapping wins (a follow-up's, say)
        return next((found[h] for h in header_ids if h in found), None)

    def thread_of(self, ticket_id: int) -> list[str]:
        t = mail_message_ids.c
        rows = self.session.scalars(
            select(t.header_id).where(t.ticket_id == ticket_id).order_by(t.id)
        )
        return list(rows)
