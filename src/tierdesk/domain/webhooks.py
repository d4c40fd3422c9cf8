"""Outbound webhooks as values: what an admin subscribes to, what one delivery carries, how it
is signed, when it is tried again and when a subscription is switched off (docs/webhooks.md).

The signature follows Stripe's scheme: ``Tierdesk-Signature: t=<unix seconds>,v1=<hex>``, where
``<hex>`` is the HMAC-SHA256, keyed with the subscription's secret, of ``"<t>.<body>"``. The
timestamp inside the signed text lets a receiver refuse a replayed delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.jobs import retry_delay
from tierdesk.errors import InvalidInputError

SIGNATURE_HEADER = "Tierdesk-Signature"
EVENT_HEADER = "Tierdesk-Event"
DELIVERY_HEADER = "Tierdesk-Delivery"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that makes a leaked secret recognisable

# Back-off of one delivery: 1 minute after the first failure, doubling, at most 12 hours apart,
# 10 attempts in all (the last about 8.5 hours after the first).
DELIVERY_ATTEMPTS = 10
RETRY_BASE = timedelta(minutes=1)
RETRY_CEILING = timedelta(hours=12)
SIGNATURE_TOLERANCE = timedelta(minutes=5)  # what docs/webhooks.md suggests receivers accept
MAX_URL_LENGTH = 2000
ERROR_LIMIT = 500  # characters of a failure kept on an attempt


class EventKind(StrEnum):
    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"  # status, priority, fields, assignee, queue
    TICKET_ESCALATED = "ticket.escalated"  # up or down a level
    TICKET_SOLVED = "ticket.solved"
    MESSAGE_ADDED = "message.added"
    SLA_BREACHED = "sla.breached"
    INCIDENT_UPDATED = "incident.updated"  # an update posted, or the incident resolved
    PING = "ping"  # "send test": never subscribed to, always deliverable

    @classmethod
    def subscribable(cls) -> list[EventKind]:
        return [kind for kind in cls if kind is not cls.PING]


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # a 2xx answer
    FAILED = "failed"  # out of attempts
    CANCELLED = "cancelled"  # its webhook was disabled or deleted before it got through


# Audit actions on a ticket → the kind of webhook event they are. Actions not listed (links,
# merges, SLA warnings, imported history…) raise no webhook event.
_TICKET_ACTIONS: dict[str, EventKind] = {
    "ticket.opened": EventKind.TICKET_CREATED,
    "ticket.updated": EventKind.TICKET_UPDATED,
    "ticket.priority_changed": EventKind.TICKET_UPDATED,
    "ticket.assigned": EventKind.TICKET_UPDATED,
    "ticket.routed": EventKind.TICKET_UPDATED,
    "ticket.escalated": EventKind.TICKET_ESCALATED,
    "ticket.de_escalated": EventKind.TICKET_ESCALATED,
    "message.added": EventKind.MESSAGE_ADDED,
    "sla.breached": EventKind.SLA_BREACHED,
}
_INCIDENT_ACTIONS = ("incident.update_posted", "incident.resolved")


def event_kind_of(event: AuditEvent) -> EventKind | None:
    """The webhook event an audit event is, if any: a status change to ``solved`` is
    ``ticket.solved``, any other status change ``ticket.updated``."""
    if event.action == "ticket.status_changed":
        after = event.changes.get("status", [None, None])[-1]
        return EventKind.TICKET_SOLVED if after == "solved" else EventKind.TICKET_UPDATED
    if event.subject_type == "incident" and event.action in _INCIDENT_ACTIONS:
        return EventKind.INCIDENT_UPDATED
    return _TICKET_ACTIONS.get(event.action)


def parse_kinds(values: list[str]) -> list[EventKind]:
    """The subscribed kinds, checked: at least one, each one known (``*`` is every kind)."""
    words = [v.strip() for v in values if v.strip()]
    if "*" in words:
        return EventKind.subscribable()
    kinds: list[EventKind] = []
    for word in words:
        try:
            kind = EventKind(word)
        except ValueError as exc:
            known = ", ".join(EventKind.subscribable())
            raise InvalidInputError(
                f"unknown event kind {word!r}; known: {known}", field="events"
            ) from exc
        if kind is EventKind.PING:
            raise InvalidInputError("ping is sent by 'send test' only", field="events")
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise InvalidInputError("subscribe to at least one event kind", field="events")
    return kinds


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """False for loopback, private, link-local (cloud metadata), multicast and reserved
    addresses: a webhook must not make the desk call into its own network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str, *, allow_private: bool) -> str:
    """An http(s) URL with a host; a literal private or loopback address (or ``localhost``) is
    refused unless ``allow_private``. Host names are checked again when they are resolved, at
    each delivery (adapters/webhooks/http.py)."""
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise InvalidInputError(f"a URL of 1 to {MAX_URL_LENGTH} characters", field="url")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise InvalidInputError(f"not a URL: {exc}", field="url") from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidInputError("the URL must start with http:// or https://", field="url")
    if not host:
        raise InvalidInputError("the URL has no host", field="url")
    if parts.username or parts.password:
        raise InvalidInputError("credentials do not belong in the URL", field="url")
    if allow_private:
        return url
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise InvalidInputError(f"{host} is a local address", field="url")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url  # a name: checked when it is resolved
    if not is_public_address(address):
        raise InvalidInputError(f"{host} is not a public address", field="url")
    return url


def new_secret(random_token: str) -> str:
    return f"{SECRET_PREFIX}{random_token}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Tierdesk-Signature`` header value for ``body`` sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    now: datetime,
    tolerance: timedelta = SIGNATURE_TOLERANCE,
) -> bool:
    """What a receiver does (docs/webhooks.md has the same in a dozen lines): a matching v1
    signature of a timestamp no further than ``tolerance`` from ``now``."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def next_attempt_delay(attempt: int) -> timedelta | None:
    """How long after failed attempt number ``attempt`` the next one is due; None when that
    was the last."""
    if attempt >= DELIVERY_ATTEMPTS:
        return None
    return retry_delay(attempt, RETRY_BASE, RETRY_CEILING)


@dataclass
class Webhook:
    """A subscription. ``secret`` signs every delivery; it is shown once, when created.
    ``failures`` counts failed attempts in a row (any delivery); a success resets it."""

    url: str
    events: list[str]
    secret: str
    created_at: datetime
    created_by: str
    description: str = ""
    active: bool = True
    failures: int = 0
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    id: int | None = None

    def wants(self, kind: EventKind) -> bool:
        return self.active and (kind is EventKind.PING or str(kind) in self.events)

    def record_success(self) -> None:
        self.failures = 0

    def record_failure(self, at: datetime, disable_after: int) -> bool:
        """Count a failed attempt; True when this one switches the webhook off."""
        self.failures += 1
        if self.active and self.failures >= disable_after:
            self.disable(at, f"{self.failures} failed attempts in a row")
            return True
        return False

    def disable(self, at: datetime, reason: str) -> None:
        self.active = False
        self.disabled_at = at
        self.disabled_reason = reason

    def enable(self) -> None:
        self.active = True
        self.failures = 0
        self.disabled_at = None
        self.disabled_reason = None


@dataclass
class DeliveryAttempt:
    """One try: the HTTP status when there was an answer, else the error (timeout, refused…)."""

    delivery_id: int
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    id: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class Delivery:
    """One event for one webhook. ``body`` is the JSON sent, fixed when the event happened, so
    every attempt sends (and signs) the same bytes."""

    webhook_id: int
    event_id: str
    kind: str
    body: str
    created_at: datetime
    ticket_id: int | None = None
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    finished_at: datetime | None = None
    id: int | None = None

    def record(self, attempt: DeliveryAttempt) -> None:
        """The attempt's outcome: delivered, due again after the back-off, or failed."""
        self.attempts = attempt.number
        self.last_status_code = attempt.status_code
        self.last_error = attempt.error
        if attempt.succeeded:
            self.status, self.finished_at, self.next_attempt_at = (
                DeliveryStatus.DELIVERED,
                attempt.at,
                None,
            )
            return
        delay = next_attempt_delay(attempt.number)
        if delay is None:
            self.status, self.finished_at, self.next_attempt_at = (
                DeliveryStatus.FAILED,
                attempt.at,
                None,
            )
        else:
            self.next_attempt_at = attempt.at + delay

    def cancel(self, at: datetime, reason: str) -> None:
        self.status = DeliveryStatus.CANCELLED
        self.finished_at = at
        self.next_attempt_at = None
        self.last_error = reason


def describe_failure(status_code: int | None, error: str | None) -> str:
    if status_code is not None:
        return f"HTTP {status_code}"
    return (error or "no answer")[:ERROR_LIMIT]


def envelope(
    event_id: str, kind: EventKind, occurred_at: datetime, data: dict[str, Any]
) -> dict[str, Any]:
    """The JSON every delivery sends (docs/webhooks.md)."""
    return {"id": event_id, "kind": str(kind), "occurred_at": occurred_at.isoformat(), **data}
