"""Webhook deliveries against a real local HTTP server, on both engines: signed, retried with
back-off as the clock moves, disabled after repeated failure with a notice to the admins, and
kept across a restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.factories import make_agent, make_ticket
from tests.webhooks.conftest import DISABLE_AFTER, Receiver
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Role
from tierdesk.domain.webhooks import DeliveryStatus, verify_signature
from tierdesk.services import conversation, notifications, webhooks
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import run_pending_jobs


def _admin(desk: Desk) -> Agent:
    return make_agent(desk, tiers=[1], role=Role.ADMIN)


def test_a_new_ticket_is_posted_to_a_subscribed_url_signed_with_its_secret(
    desk: Desk, clock: FixedClock, receiver: Receiver
) -> None:
    admin = _admin(desk)
    created = webhooks.create_webhook(desk, admin, receiver.url, ["ticket.created"])

    ticket = make_ticket(desk, subject="The trunk is down")
    run_pending_jobs(desk, "test")

    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    assert sent.path == "/hooks/desk"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Tierdesk-Event"] == "ticket.created"
    assert verify_signature(
        created.secret, sent.headers["Tierdesk-Signature"], sent.body, clock.now()
    )
    assert not verify_signature(
        "whsec_other", sent.headers["Tierdesk-Signature"], sent.body, clock.now()
    )
    assert not verify_signature(
        created.secret, sent.headers["Tierdesk-Signature"], sent.body + b" ", clock.now()
    )
    payload = json.loads(sent.body)
    assert payload["kind"] == "ticket.created"
    assert payload["id"].startswith("evt_")
    assert payload["occurred_at"] == ticket.created_at.isoformat()
    assert payload["ticket"]["number"] == ticket.number
    assert payload["ticket"]["subject"] == "The trunk is down"
    [view] = webhooks.list_deliveries(desk, admin, created.webhook.id or 0)
    assert view.delivery.status is DeliveryStatus.DELIVERED
    assert [(a.number, a.status_code) for a in view.attempts] == [(1, 200)]


def test_an_old_signature_is_refused_by_the_documented_check(
    desk: Desk, clock: FixedClock, receiver: Receiver
) -> None:
    created = webhooks.create_webhook(desk, _admin(desk), receiver.url, ["ticket.created"])
    make_ticket(desk)
    run_pending_jobs(desk, "test")
    sent = receiver.requests[0]

    later = clock.now() + timedelta(minutes=6)

    assert not verify_signature(
        created.secret, sent.headers["Tierdesk-Signature"], sent.body, later
    )


def test_a_failing_receiver_is_retried_with_back_off_then_disabled_with_a_notice(
    desk: Desk, clock: FixedClock, receiver: Receiver
) -> None:
    admin = _admin(desk)
    receiver.status = 500
    hook = webhooks.create_webhook(desk, admin, receiver.url, ["ticket.created"]).webhook
    assert hook.id is not None
    make_ticket(desk)

    run_pending_jobs(desk, "test")
    assert len(receiver.requests) == 1
    [view] = webhooks.list_deliveries(desk, admin, hook.id)
    assert view.delivery.status is DeliveryStatus.PENDING
    assert view.delivery.last_status_code == 500
    assert view.delivery.next_attempt_at == clock.now() + timedelta(minutes=1)

    clock.advance(timedelta(seconds=59))
    run_pending_jobs(desk, "test")
    assert len(receiver.requests) == 1  # not due yet

    clock.advance(timedelta(seconds=1))
    run_pending_jobs(desk, "test")
    assert len(receiver.requests) == 2
    [view] = webhooks.list_deliveries(desk, admin, hook.id)
    assert view.delivery.next_attempt_at == clock.now() + timedelta(minutes=2)  # doubled

    clock.advance(timedelta(minutes=2))
    run_pending_jobs(desk, "test")

    assert len(receiver.requests) == DISABLE_AFTER
    disabled = webhooks.get_webhook(desk, admin, hook.id)
    assert not disabled.active
    assert disabled.disabled_reason == f"{DISABLE_AFTER} failed attempts in a row"
    [view] = webhooks.list_deliveries(desk, admin, hook.id)
    assert view.delivery.status is DeliveryStatus.CANCELLED
    assert [a.status_code for a in view.attempts] == [500, 500, 500]
    [notice] = notifications.list_notifications(desk, admin)
    assert notice.kind == "webhook.disabled"
    assert receiver.url in notice.text

    make_ticket(desk)  # a disabled webhook gets nothing
    clock.advance(timedelta(hours=1))
    run_pending_jobs(desk, "test")
    assert len(receiver.requests) == DISABLE_AFTER


def test_a_redirect_is_not_followed_and_counts_as_a_failure(desk: Desk, receiver: Receiver) -> None:
    admin = _admin(desk)
    receiver.status, receiver.location = 302, "http://127.0.0.1:9/elsewhere"
    hook = webhooks.create_webhook(desk, admin, receiver.url, ["ticket.created"]).webhook
    make_ticket(desk)

    run_pending_jobs(desk, "test")

    [view] = webhooks.list_deliveries(desk, admin, hook.id or 0)
    assert view.delivery.status is DeliveryStatus.PENDING
    assert view.delivery.last_status_code == 302
    assert view.delivery.last_error == "HTTP 302"


def test_an_unreachable_receiver_is_an_attempt_with_its_error(desk: Desk) -> None:
    admin = _admin(desk)
    hook = webhooks.create_webhook(
        desk, admin, "http://127.0.0.1:9/nobody", ["ticket.created"]
    ).webhook
    make_ticket(desk)

    run_pending_jobs(desk, "test")

    [view] = webhooks.list_deliveries(desk, admin, hook.id or 0)
    assert view.attempts[0].status_code is None
    assert "ConnectError" in (view.attempts[0].error or "")


def test_an_internal_note_reaches_a_webhook_without_its_text(
    desk: Desk, receiver: Receiver
) -> None:
    admin = _admin(desk)
    webhooks.create_webhook(desk, admin, receiver.url, ["message.added"])
    ticket = make_ticket(desk, body="Customer words")
    agent = make_agent(desk, tiers=[0, 1])
    conversation.add_message(
        desk, agent, ticket.id or 0, MessageKind.INTERNAL_NOTE, text="root password is hunter2"
    )
    run_pending_jobs(desk, "test")

    bodies = [json.loads(r.body) for r in receiver.requests]
    messages = [b["message"] for b in bodies]
    note = next(m for m in messages if m["kind"] == "internal-note")
    assert note["public"] is False
    assert "text" not in note
    assert all("hunter2" not in r.body.decode() for r in receiver.requests)
    opening = next(m for m in messages if m["kind"] == "customer")
    assert opening["text"] == "Customer words"


def test_a_delivery_waiting_when_the_desk_stops_is_sent_after_it_starts_again(
    app: Tierdesk, settings: Settings, clock: FixedClock, receiver: Receiver
) -> None:
    admin = _admin(app.desk)
    webhooks.create_webhook(app.desk, admin, receiver.url, ["ticket.created"])
    make_ticket(app.desk)
    app.close()  # stopped before any worker ran

    restarted = bootstrap(settings, clock=clock)
    try:
        run_pending_jobs(restarted.desk, "test")
    finally:
        restarted.close()

    assert [json.loads(r.body)["kind"] for r in receiver.requests] == ["ticket.created"]


def test_send_test_posts_a_signed_ping(desk: Desk, clock: FixedClock, receiver: Receiver) -> None:
    admin = _admin(desk)
    created = webhooks.create_webhook(desk, admin, receiver.url, ["sla.breached"])

    webhooks.send_test(desk, admin, created.webhook.id or 0)
    run_pending_jobs(desk, "test")

    [sent] = receiver.requests
    assert json.loads(sent.body)["kind"] == "ping"
    assert verify_signature(
        created.secret, sent.headers["Tierdesk-Signature"], sent.body, clock.now()
    )


def test_the_check_in_docs_webhooks_md_accepts_a_real_delivery_and_refuses_a_changed_one(
    desk: Desk, clock: FixedClock, receiver: Receiver
) -> None:
    docs = Path(__file__).parents[2] / "docs" / "webhooks.md"
    snippet = docs.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(docs), "exec"), namespace)  # noqa: S102 - our own documentation
    verify = namespace["verify"]
    clock.at = datetime.now(UTC)  # the snippet checks against the real time, as a receiver does
    created = webhooks.create_webhook(desk, _admin(desk), receiver.url, ["ticket.created"])
    make_ticket(desk)
    run_pending_jobs(desk, "test")
    sent = receiver.requests[0]

    assert verify(created.secret, sent.headers["Tierdesk-Signature"], sent.body)
    assert not verify(created.secret, sent.headers["Tierdesk-Signature"], sent.body[:-1] + b" ")
