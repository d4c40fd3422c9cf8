"""Queues in storage (``services/queues.py``): configuration rows read whole and written whole
through SQLAlchemy Core, turned into ``domain.routing.Queue`` here.

Routing a new ticket takes the list from the process's reference cache (``services/
reference_data.py``); routing between levels and other readers read it here, where the list is
remembered for one database transaction, in the memo it shares with the routing rules
(``memo.TransactionMemo.shared``), so a change committed by one request applies to the very next
ticket and a write through either repository forgets what both read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Row, String, Table, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime, json_array_contains
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.people import Agent
from tierdesk.domain.routing import Queue

queues = Table(
    "queues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(120), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("tier", TierNumber, nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("component_id", ForeignKey("components.id")),
    Column("languages", json_list(), nullable=False),
    Column("active", Boolean, nullable=False),
    # What the answerer does on this queue's new tickets (domain/answers.py; issue 17).
    Column("answers", EnumText(AnswerPolicy, length=16), nullable=False, server_default="off"),
    Column("created_at", UtcDateTime, nullable=False),
)

_q = queues.c
ROUTING_MEMO = "routing"  # the memo queues share with the routing rules


def _queue(row: Row[Any]) -> Queue:
    return Queue(
        key=row.key,
        name=row.name,
        tier=row.tier,
        product_id=row.product_id,
        component_id=row.component_id,
        languages=list(row.languages),
        active=row.active,
        answers=row.answers,
        id=row.id,
    )


class SqlQueueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo.shared(session, ROUTING_MEMO)

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _queue_values(self, queue: Queue) -> dict[str, Any]:
        return {
            "key": queue.key,
            "name": queue.name,
            "tier": queue.tier,
            "product_id": queue.product_id,
            "component_id": queue.component_id,
            "languages": list(queue.languages),
            "active": queue.active,
            "answers": queue.answers,
        }

    def add(self, queue: Queue, at: datetime) -> None:
        self._memo.forget()
        values = self._queue_values(queue) | {"created_at": at}
        queue.id = self.session.execute(
            queues.insert().values(**values).returning(_q.id)
        ).scalar_one()

    def get(self, key: str) -> Queue | None:
        row = self.session.execute(select(queues).where(_q.key == key)).first()
        return _queue(row) if row else None

    def all(self) -> list[Queue]:
        return list(self._memo.get("queues", self._read_all))

    def _read_all(self) -> list[Queue]:
        rows = self.session.execute(select(queues).order_by(_q.tier, _q.key))
        return [_queue(row) for row in rows]

    def update(self, queue: Queue) -> None:
        self._memo.forget()
        self.session.execute(
            queues.update().where(_q.id == queue.id).values(**self._queue_values(queue))
        )

    def members(self, queue_key: str) -> list[Agent]:
        agents = tables.agents.c
        query = (
            select(Agent)
            .where(json_array_contains(agents.queues, queue_key, self._dialect))
            .order_by(agents.id)
        )
        return list(self.session.scalars(query))
