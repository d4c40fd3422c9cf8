"""Outbound webhooks in storage (``services/webhooks.py``): subscriptions, one row per delivery
(an event for a webhook) and one per attempt. The tables, their mapping and the repository."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.webhooks import Delivery, DeliveryAttempt, DeliveryStatus, Webhook

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("events", json_list(), nullable=False),
    # Stored as it is: signing needs it (like tracker.webhook_secret, but per subscription).
    Column("secret", String(100), nullable=False),
    Column("description", String(200), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("disabled_at", UtcDateTime, nullable=True),
    Column("disabled_reason", String(200), nullable=True),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("webhook_id", ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("ticket_id", Integer, nullable=True),  # no foreign key: history outlives a merge
    Column("status", EnumText(DeliveryStatus, length=16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "delivery_id",
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("number", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=False),
)

_w = webhooks.c
_d = webhook_deliveries.c
_a = webhook_attempts.c


def map_webhooks(reg: registry) -> None:
    reg.map_imperatively(Webhook, webhooks)
    reg.map_imperatively(Delivery, webhook_deliveries)
    reg.map_imperatively(DeliveryAttempt, webhook_attempts)


class SqlWebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        # A new ticket raises three events (opened, routed, its message), each looking up the
        # subscriptions: read once per transaction. Any transaction that adds, fetches (to
        # change) or deletes a subscription forgets them.
        self._memo = TransactionMemo(session)

    def add(self, webhook: Webhook) -> None:
        self._memo.forget()
        self.session.add(webhook)
        self.session.flush()

    def get(self, webhook_id: int) -> Webhook | None:
        self._memo.forget()
        return self.session.get(Webhook, webhook_id)

    def all(self) -> list[Webhook]:
        return list(self.session.scalars(select(Webhook).order_by(_w.id)))

    def active(self) -> list[Webhook]:
        query = select(Webhook).where(_w.active.is_(True)).order_by(_w.id)
        remembered = self._memo.get("active", lambda: list(self.session.scalars(query)))
        return [webhook for webhook in remembered if webhook.active]  # one switched off since

    def delete(self, webhook: Webhook) -> None:
        self._memo.forget()
        # Explicit, not left to ON DELETE CASCADE: SQLite enforces foreign keys only when asked.
        deliveries = select(_d.id).where(_d.webhook_id == webhook.id).scalar_subquery()
        self.session.execute(delete(webhook_attempts).where(_a.delivery_id.in_(deliveries)))
        self.session.execute(delete(webhook_deliveries).where(_d.webhook_id == webhook.id))
        self.session.delete(webhook)
        self.session.flush()

    def add_delivery(self, delivery: Delivery) -> None:
        self.session.add(delivery)
        self.session.flush()

    def get_delivery(self, delivery_id: int) -> Delivery | None:
        return self.session.get(Delivery, delivery_id)

    def deliveries(self, webhook_id: int, limit: int) -> list[Delivery]:
        query = (
            select(Delivery).where(_d.webhook_id == webhook_id).order_by(_d.id.desc()).limit(limit)
        )
        return list(self.session.scalars(query))

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self.session.add(attempt)
        self.session.flush()

    def attempts(self, delivery_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
        found: dict[int, list[DeliveryAttempt]] = {i: [] for i in delivery_ids}
        if not delivery_ids:
            return found
        query = (
            select(DeliveryAttempt)
            .where(_a.delivery_id.in_(delivery_ids))
            .order_by(_a.delivery_id, _a.number, _a.id)
        )
        for attempt in self.session.scalars(query):
            found[attempt.delivery_id].append(attempt)
        return found
