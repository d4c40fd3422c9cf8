"""Outbound webhooks: where subscriptions and deliveries are kept (``adapters/db/webhooks.py``)
and what sends one delivery over HTTP (``adapters/webhooks/http.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from tierdesk.domain.webhooks import Delivery, DeliveryAttempt, Webhook


class WebhookRepository(Protocol):
    def add(self, webhook: Webhook) -> None: ...
    def get(self, webhook_id: int) -> Webhook | None: ...
    def all(self) -> list[Webhook]: ...
    def active(self) -> list[Webhook]: ...
    def delete(self, webhook: Webhook) -> None:
        """The webhook, its deliveries and their attempts."""
        ...

    def add_delivery(self, delivery: Delivery) -> None: ...
    def get_delivery(self, delivery_id: int) -> Delivery | None: ...
    def deliveries(self, webhook_id: int, limit: int) -> list[Delivery]:
        """Newest first."""
        ...

    def add_attempt(self, attempt: DeliveryAttempt) -> None: ...
    def attempts(self, delivery_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
        """Each delivery's attempts, oldest first."""
        ...


@dataclass(frozen=True)
class SendResult:
    """The receiver's HTTP status, or why there was none."""

    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookSender(Protocol):
    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        """POST ``body``; never raises for the receiver's failures (they are the result)."""
        ...
