"""Sending webhook deliveries: the ``webhooks.deliver`` task, one job per attempt
(docs/webhooks.md).

An attempt reads its delivery in one transaction, sends outside any transaction (a slow
receiver holds no database connection), and records the outcome in a second one: the attempt,
the delivery's state, the webhook's run of failures and, when the delivery is not done, the
job of its next attempt after the back-off (domain/webhooks.py). A webhook that fails
``webhooks.disable_after_failures`` attempts in a row is disabled, its admins are notified,
and its pending deliveries are cancelled as their jobs come up.

At least once: a worker that dies after the receiver answered and before the outcome was
stored sends again when the job's lease runs out; receivers tell repeats by the ``id`` of the
event (the same for every attempt) or the ``Tierdesk-Delivery`` header.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Role, SystemActor
from tierdesk.domain.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    DeliveryAttempt,
    DeliveryStatus,
    Webhook,
    describe_failure,
    signature,
)
from tierdesk.errors import ConfigurationError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.webhooks import SendResult
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS
from tierdesk.services.notifications import notify_agents
from tierdesk.services.webhooks import DELIVER_TASK, schedule_attempt

logger = logging.getLogger(__name__)

WEBHOOKS = SystemActor(name="webhooks")


@dataclass(frozen=True)
class _Planned:
    delivery_id: int
    number: int
    url: str
    secret: str
    kind: str
    body: bytes


def _plan(desk: Desk, delivery_id: int) -> _Planned | None:
    """What to send, or None when there is nothing (delivered, gone, or its webhook is off)."""
    with desk.uow() as uow:
        delivery = uow.webhooks.get_delivery(delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.PENDING:
            return None
        webhook = uow.webhooks.get(delivery.webhook_id)
        if webhook is None or not webhook.active:
            delivery.cancel(desk.clock.now(), "the webhook was disabled")
            uow.commit()
            return None
        return _Planned(
            delivery_id,
            delivery.attempts + 1,
            webhook.url,
            webhook.secret,
            delivery.kind,
            delivery.body.encode(),
        )


@TASKS.task(DELIVER_TASK, max_attempts=3, lease=timedelta(minutes=2))
def deliver(desk: Desk, payload: dict[str, Any]) -> None:
    """One attempt of one delivery. The task itself fails only when the desk cannot send at
    all (then the job's own retry applies); the receiver's failures are the delivery's."""
    out = desk.webhooks
    if out is None:
        raise ConfigurationError("this desk sends no webhooks (no sender is wired)")
    planned = _plan(desk, int(payload["delivery_id"]))
    if planned is None:
        return
    timestamp = int(desk.clock.now().timestamp())
    headers = {
        SIGNATURE_HEADER: signature(planned.secret, timestamp, planned.body),
        EVENT_HEADER: planned.kind,
        DELIVERY_HEADER: str(planned.delivery_id),
    }
    result = out.sender.send(planned.url, planned.body, headers)
    _record(desk, planned, result, out.disable_after)


def _record(desk: Desk, planned: _Planned, result: SendResult, disable_after: int) -> None:
    with desk.uow() as uow:
        delivery = uow.webhooks.get_delivery(planned.delivery_id)
        if delivery is None or delivery.attempts >= planned.number:
            return  # deleted meanwhile, or another worker recorded this attempt already
        webhook = uow.webhooks.get(delivery.webhook_id)
        assert webhook is not None  # deleting a webhook deletes its deliveries
        now = desk.clock.now()
        error = None if result.status_code is not None else result.error
        attempt = DeliveryAttempt(
            planned.delivery_id,
            planned.number,
            now,
            result.status_code,
            error,
            result.duration_ms,
        )
        uow.webhooks.add_attempt(attempt)
        delivery.record(attempt)
        if attempt.succeeded:
            webhook.record_success()
        else:
            failure = describe_failure(result.status_code, error)
            delivery.last_error = failure
            if webhook.record_failure(now, disable_after):
                _tell_admins(uow, webhook, failure)
            if delivery.status is DeliveryStatus.PENDING:
                if webhook.active:
                    assert delivery.next_attempt_at is not None
                    schedule_attempt(
                        uow, delivery, planned.number + 1, at=now, run_at=delivery.next_attempt_at
                    )
                else:
                    delivery.cancel(now, f"{failure}; the webhook was disabled")
            logger.warning(
                "webhook %s delivery %s attempt %s failed: %s",
                webhook.id,
                delivery.id,
                planned.number,
                failure,
            )
        uow.commit()


def _tell_admins(uow: UnitOfWork, webhook: Webhook, failure: str) -> None:
    now = webhook.disabled_at
    assert now is not None
    assert webhook.id is not None
    admins = [a.id for a in uow.agents.all() if a.active and a.role is Role.ADMIN]
    notify_agents(
        uow,
        admins,
        kind="webhook.disabled",
        text=f"Webhook {webhook.url} was disabled after {webhook.failures} failed attempts in "
        f"a row (last: {failure}). Enable it again on the admin page once the receiver works.",
        at=now,
        details={"webhook_id": webhook.id, "url": webhook.url, "last_error": failure},
    )
    uow.audit.add(
        audit_event(
            "webhook",
            "webhook.disabled",
            WEBHOOKS,
            now,
            subject_id=webhook.id,
            changes={"url": webhook.url, "failures": webhook.failures, "last_error": failure},
            reason=webhook.disabled_reason,
        )
    )
    logger.warning("webhook %s disabled: %s", webhook.id, webhook.disabled_reason)
