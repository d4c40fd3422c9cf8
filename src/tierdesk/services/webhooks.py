"""Outbound webhooks for admins (docs/webhooks.md): subscribe a URL to event kinds, see its
deliveries and their attempts, switch it off and on, send a test.

Events reach webhooks in one place each: ticket events through the event-handler table
(``queue_ticket_event`` runs for every event, services/handlers.py) and incident updates
through the records' audit (``queue_record_event``, services/linked_records.py). Each makes
one delivery row per subscribed webhook and schedules its first attempt as a job, inside the
transaction of the change, so a delivery exists if and only if the change committed, and
both survive a restart. Sending is services/webhook_delivery.py.

Webhooks are desk-wide, like the admins who own them: a webhook sees every organisation's
events.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.webhook_events import incident_event_data, ping_data, ticket_event_data
from tierdesk.domain.webhooks import (
    Delivery,
    DeliveryAttempt,
    EventKind,
    Webhook,
    check_url,
    envelope,
    event_kind_of,
    new_secret,
    parse_kinds,
)
from tierdesk.errors import InvalidInputError, InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import enqueue
from tierdesk.services.mail_admin import require_admin

DELIVER_TASK = "webhooks.deliver"
MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class CreatedWebhook:
    """A new webhook and its signing secret, which is shown this once."""

    webhook: Webhook
    secret: str


@dataclass(frozen=True)
class WebhookChanges:
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class DeliveryView:
    delivery: Delivery
    attempts: list[DeliveryAttempt]


def _allow_private(desk: Desk) -> bool:
    return desk.webhooks is not None and desk.webhooks.allow_private


def _description(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInputError(
            f"a description has at most {MAX_DESCRIPTION} characters", field="description"
        )
    return text


def _audit(uow: UnitOfWork, actor: Actor, action: str, webhook: Webhook, at: datetime) -> None:
    changes = {"url": webhook.url, "events": list(webhook.events), "active": webhook.active}
    uow.audit.add(audit_event("webhook", action, actor, at, subject_id=webhook.id, changes=changes))


def _load(uow: UnitOfWork, webhook_id: int) -> Webhook:
    webhook = uow.webhooks.get(webhook_id)
    if webhook is None:
        raise NotFoundError(f"no webhook {webhook_id}", webhook_id=webhook_id)
    return webhook


def create_webhook(
    desk: Desk, actor: Actor, url: str, events: list[str], description: str = ""
) -> CreatedWebhook:
    require_admin(actor, "manage webhooks")
    checked = check_url(url, allow_private=_allow_private(desk))
    kinds = parse_kinds(events)
    secret = new_secret(secrets.token_urlsafe(32))
    with desk.uow() as uow:
        now = desk.clock.now()
        webhook = Webhook(
            url=checked,
            events=[str(k) for k in kinds],
            secret=secret,
            created_at=now,
            created_by=actor.name,
            description=_description(description),
        )
        uow.webhooks.add(webhook)
        _audit(uow, actor, "webhook.created", webhook, now)
        uow.commit()
    return CreatedWebhook(webhook, secret)


def list_webhooks(desk: Desk, actor: Actor) -> list[Webhook]:
    require_admin(actor, "see webhooks")
    with desk.uow() as uow:
        return uow.webhooks.all()


def get_webhook(desk: Desk, actor: Actor, webhook_id: int) -> Webhook:
    require_admin(actor, "see webhooks")
    with desk.uow() as uow:
        return _load(uow, webhook_id)


def update_webhook(desk: Desk, actor: Actor, webhook_id: int, changes: WebhookChanges) -> Webhook:
    """Change what was given. Enabling a disabled webhook forgets its failures; deliveries it
    cancelled when it was disabled stay cancelled."""
    require_admin(actor, "manage webhooks")
    with desk.uow() as uow:
        webhook = _load(uow, webhook_id)
        now = desk.clock.now()
        if changes.url is not None:
            webhook.url = check_url(changes.url, allow_private=_allow_private(desk))
        if changes.events is not None:
            webhook.events = [str(k) for k in parse_kinds(changes.events)]
        if changes.description is not None:
            webhook.description = _description(changes.description)
        if changes.active is True and not webhook.active:
            webhook.enable()
        elif changes.active is False and webhook.active:
            webhook.disable(now, f"disabled by {actor.name}")
        _audit(uow, actor, "webhook.updated", webhook, now)
        uow.commit()
        return webhook


def delete_webhook(desk: Desk, actor: Actor, webhook_id: int) -> None:
    """The webhook and its delivery history; jobs still queued for it find nothing to send."""
    require_admin(actor, "manage webhooks")
    with desk.uow() as uow:
        webhook = _load(uow, webhook_id)
        _audit(uow, actor, "webhook.deleted", webhook, desk.clock.now())
        uow.webhooks.delete(webhook)
        uow.commit()


def send_test(desk: Desk, actor: Actor, webhook_id: int) -> Delivery:
    """Queue a ``ping`` delivery, signed and retried like any other."""
    require_admin(actor, "manage webhooks")
    with desk.uow() as uow:
        webhook = _load(uow, webhook_id)
        if not webhook.active:
            raise InvalidTransitionError("the webhook is disabled: enable it first")
        assert webhook.id is not None
        now = desk.clock.now()
        data = ping_data(webhook.id)
        delivery = _queue(uow, webhook, _event_id(), EventKind.PING, now, data, None)
        uow.commit()
        return delivery


MAX_DELIVERIES = 1000  # read at once for one page of the API's list (paged by position)


def list_deliveries(
    desk: Desk, actor: Actor, webhook_id: int, limit: int = 20
) -> list[DeliveryView]:
    """The webhook's newest deliveries, each with its attempts."""
    require_admin(actor, "see webhooks")
    if not 1 <= limit <= MAX_DELIVERIES:
        raise InvalidInputError(f"limit must be between 1 and {MAX_DELIVERIES}", field="limit")
    with desk.uow() as uow:
        _load(uow, webhook_id)
        deliveries = uow.webhooks.deliveries(webhook_id, limit)
        attempts = uow.webhooks.attempts([d.id for d in deliveries if d.id is not None])
        return [DeliveryView(d, attempts.get(d.id or 0, [])) for d in deliveries]


# -- fan-out: events into deliveries ---------------------------------------------------------


def _event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def _queue(
    uow: UnitOfWork,
    webhook: Webhook,
    event_id: str,
    kind: EventKind,
    at: datetime,
    data: dict[str, Any],
    ticket_id: int | None,
) -> Delivery:
    assert webhook.id is not None
    body = json.dumps(envelope(event_id, kind, at, data), ensure_ascii=False, sort_keys=True)
    delivery = Delivery(
        webhook_id=webhook.id,
        event_id=event_id,
        kind=str(kind),
        body=body,
        created_at=at,
        ticket_id=ticket_id,
        next_attempt_at=at,
    )
    uow.webhooks.add_delivery(delivery)
    schedule_attempt(uow, delivery, 1, at=at, run_at=at)
    return delivery


def schedule_attempt(
    uow: UnitOfWork, delivery: Delivery, number: int, *, at: datetime, run_at: datetime
) -> None:
    """Attempt ``number`` of the delivery as a job of its own (keyed: never scheduled twice)."""
    enqueue(
        uow,
        DELIVER_TASK,
        {"delivery_id": delivery.id},
        at=at,
        key=f"{DELIVER_TASK}:{delivery.id}:{number}",
        run_at=run_at,
    )


def _fan_out(
    uow: UnitOfWork, kind: EventKind, at: datetime, data: dict[str, Any], ticket_id: int | None
) -> None:
    subscribed = [w for w in uow.webhooks.active() if w.wants(kind)]
    if not subscribed:
        return
    event_id = _event_id()  # the same for every webhook: receivers can tell a repeat
    for webhook in subscribed:
        _queue(uow, webhook, event_id, kind, at, data, ticket_id)


def read_ahead_subscribers(
    uow: UnitOfWork, _desk: Desk, _ticket: Ticket, event: AuditEvent
) -> None:
    """The active webhooks, read before the first write (handlers.READ_AHEAD)."""
    if event_kind_of(event) is not None:
        uow.webhooks.active()


def queue_ticket_event(uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """Event handler for every ticket event: a delivery to every webhook subscribed to it."""
    kind = event_kind_of(event)
    if kind is None:
        return
    _fan_out(uow, kind, event.at, ticket_event_data(kind, ticket, event), ticket.id)


def queue_record_event(uow: UnitOfWork, event: AuditEvent) -> None:
    """For a record's audit event (an incident's update or resolution)."""
    kind = event_kind_of(event)
    if kind is None:
        return
    _fan_out(uow, kind, event.at, incident_event_data(event), None)
