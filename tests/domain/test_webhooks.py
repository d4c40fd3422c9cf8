"""The webhook rules without storage: which audit events are which webhook event, the URL
check, the signature a receiver verifies, the back-off of one delivery and the disable rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.webhooks import (
    DELIVERY_ATTEMPTS,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EventKind,
    Webhook,
    check_url,
    event_kind_of,
    signature,
    verify_signature,
)
from tierdesk.errors import InvalidInputError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _event(action: str, subject: str = "ticket", **changes: object) -> AuditEvent:
    return AuditEvent(subject, action, "agent", NOW, changes=dict(changes))


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (_event("ticket.opened"), EventKind.TICKET_CREATED),
        (_event("ticket.status_changed", status=["open", "solved"]), EventKind.TICKET_SOLVED),
        (_event("ticket.status_changed", status=["new", "open"]), EventKind.TICKET_UPDATED),
        (_event("ticket.escalated"), EventKind.TICKET_ESCALATED),
        (_event("ticket.de_escalated"), EventKind.TICKET_ESCALATED),
        (_event("message.added"), EventKind.MESSAGE_ADDED),
        (_event("sla.breached"), EventKind.SLA_BREACHED),
        (_event("incident.update_posted", "incident"), EventKind.INCIDENT_UPDATED),
        (_event("incident.resolved", "incident"), EventKind.INCIDENT_UPDATED),
        (_event("ticket.imported"), None),
        (_event("sla.warned"), None),
        (_event("defect.resolved", "defect"), None),
    ],
)
def test_audit_events_are_the_webhook_events_they_say(
    event: AuditEvent, kind: EventKind | None
) -> None:
    assert event_kind_of(event) == kind


def test_private_addresses_pass_only_when_allowed() -> None:
    with pytest.raises(InvalidInputError):
        check_url("http://192.168.1.10/hook", allow_private=False)
    with pytest.raises(InvalidInputError):
        check_url("http://[::ffff:127.0.0.1]/hook", allow_private=False)
    assert check_url("http://192.168.1.10/hook", allow_private=True) == "http://192.168.1.10/hook"
    assert check_url(" https://hooks.example.com/x ", allow_private=False) == (
        "https://hooks.example.com/x"
    )


def test_a_signature_is_of_the_timestamp_and_the_exact_body() -> None:
    header = signature("whsec_k", int(NOW.timestamp()), b'{"a":1}')

    assert header.startswith(f"t={int(NOW.timestamp())},v1=")
    assert verify_signature("whsec_k", header, b'{"a":1}', NOW + timedelta(minutes=4))
    assert not verify_signature("whsec_k", header, b'{"a":2}', NOW)
    assert not verify_signature("whsec_k", header, b'{"a":1}', NOW - timedelta(minutes=6))
    assert not verify_signature("whsec_k", "v1=abc", b'{"a":1}', NOW)


def test_a_delivery_backs_off_doubling_then_fails_after_its_last_attempt() -> None:
    delivery = Delivery(1, "evt_1", "ping", "{}", NOW, id=1)
    at = NOW
    delays = []
    for number in range(1, DELIVERY_ATTEMPTS + 1):
        delivery.record(DeliveryAttempt(1, number, at, 500, None, 3))
        if delivery.next_attempt_at is not None:
            delays.append(delivery.next_attempt_at - at)
            at = delivery.next_attempt_at

    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert len(delays) == DELIVERY_ATTEMPTS - 1
    assert delivery.status is DeliveryStatus.FAILED


def test_a_success_resets_the_run_of_failures_that_would_disable_a_webhook() -> None:
    hook = Webhook("https://h.example.com", ["*"], "whsec_k", NOW, "Ada")

    assert not hook.record_failure(NOW, disable_after=2)
    hook.record_success()
    assert not hook.record_failure(NOW, disable_after=2)
    assert hook.record_failure(NOW, disable_after=2)
    assert not hook.active
    hook.enable()
    assert (hook.active, hook.failures, hook.disabled_reason) == (True, 0, None)
