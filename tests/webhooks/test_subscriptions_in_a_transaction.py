"""The active subscriptions a transaction reads once (a new ticket raises three events) still
follow what the same transaction changes."""

from __future__ import annotations

from datetime import UTC, datetime

from tierdesk.domain.webhooks import Webhook
from tierdesk.services.desk import Desk


def _hook(url: str) -> Webhook:
    return Webhook(
        url=url,
        events=["ticket.opened"],
        secret="s" * 32,
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
        created_by="admin@example.com",
    )


def test_a_subscription_added_or_switched_off_in_the_transaction_counts_at_once(
    desk: Desk,
) -> None:
    with desk.uow() as uow:
        first = _hook("https://one.example/hook")
        uow.webhooks.add(first)
        assert [w.url for w in uow.webhooks.active()] == ["https://one.example/hook"]
        uow.webhooks.add(_hook("https://two.example/hook"))
        assert len(uow.webhooks.active()) == 2  # read again after the add
        first.active = False
        assert [w.url for w in uow.webhooks.active()] == ["https://two.example/hook"]
        uow.commit()
    with desk.uow() as uow:
        assert [w.url for w in uow.webhooks.active()] == ["https://two.example/hook"]
