"""/api/v1/webhooks: outbound webhooks, for admins (docs/webhooks.md). The signing secret is in
the answer to the POST that creates a webhook and nowhere else."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from tierdesk.domain.webhooks import DeliveryAttempt, DeliveryStatus, Webhook
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate, paginate_fetched
from tierdesk.services import webhooks
from tierdesk.services.webhooks import MAX_DELIVERIES, DeliveryView

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class WebhookIn(BaseModel):
    url: str = Field(description="http:// or https:// URL the desk POSTs each event to.")
    events: list[str] = Field(
        description="Event kinds to send (ticket.created, ticket.updated, ticket.escalated, "
        'ticket.solved, message.added, sla.breached, incident.updated), or ["*"] for all.'
    )
    description: str = ""


class WebhookPatch(BaseModel):
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    active: bool | None = Field(
        default=None, description="false disables it; true enables it and forgets its failures."
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    failures: int = Field(description="Failed attempts in a row (a success resets it).")
    created_at: datetime
    created_by: str
    disabled_at: datetime | None
    disabled_reason: str | None

    @classmethod
    def of(cls, w: Webhook) -> WebhookOut:
        assert w.id is not None
        return cls(
            id=w.id,
            url=w.url,
            events=list(w.events),
            description=w.description,
            active=w.active,
            failures=w.failures,
            created_at=w.created_at,
            created_by=w.created_by,
            disabled_at=w.disabled_at,
            disabled_reason=w.disabled_reason,
        )


class CreatedWebhookOut(WebhookOut):
    secret: str = Field(description="Signs every delivery. Shown this once: store it now.")


class AttemptOut(BaseModel):
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int

    @classmethod
    def of(cls, a: DeliveryAttempt) -> AttemptOut:
        return cls(
            number=a.number,
            at=a.at,
            status_code=a.status_code,
            error=a.error,
            duration_ms=a.duration_ms,
        )


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    kind: str
    ticket_id: int | None
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    finished_at: datetime | None
    tries: list[AttemptOut]

    @classmethod
    def of(cls, view: DeliveryView) -> DeliveryOut:
        d = view.delivery
        assert d.id is not None
        return cls(
            id=d.id,
            event_id=d.event_id,
            kind=d.kind,
            ticket_id=d.ticket_id,
            status=d.status,
            attempts=d.attempts,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            finished_at=d.finished_at,
            tries=[AttemptOut.of(a) for a in view.attempts],
        )


@router.get("", response_model=Page[WebhookOut])
def list_webhooks(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[WebhookOut]:
    """Every webhook of the desk (webhooks are desk-wide: they see every organisation)."""
    return paginate([WebhookOut.of(w) for w in webhooks.list_webhooks(desk, actor)], page)


@router.post("", response_model=CreatedWebhookOut, status_code=status.HTTP_201_CREATED)
def create_webhook(body: WebhookIn, desk: DeskDep, actor: CurrentActor) -> CreatedWebhookOut:
    """Subscribe a URL; the answer holds the signing secret, which is never shown again."""
    created = webhooks.create_webhook(desk, actor, body.url, body.events, body.description)
    return CreatedWebhookOut(**WebhookOut.of(created.webhook).model_dump(), secret=created.secret)


@router.get("/{webhook_id}", response_model=WebhookOut)
def show_webhook(webhook_id: RecordId, desk: DeskDep, actor: CurrentActor) -> WebhookOut:
    """One webhook: its URL, event kinds, state and failures in a row (never its secret)."""
    return WebhookOut.of(webhooks.get_webhook(desk, actor, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookOut)
def update_webhook(
    webhook_id: RecordId, body: WebhookPatch, desk: DeskDep, actor: CurrentActor
) -> WebhookOut:
    """Change the URL, event kinds or description, or disable/enable it (`active`); enabling
    clears its failures in a row."""
    changes = webhooks.WebhookChanges(body.url, body.events, body.description, body.active)
    return WebhookOut.of(webhooks.update_webhook(desk, actor, webhook_id, changes))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: RecordId, desk: DeskDep, actor: CurrentActor) -> Response:
    """The webhook and its delivery history."""
    webhooks.delete_webhook(desk, actor, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryOut])
def list_deliveries(
    webhook_id: RecordId, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[DeliveryOut]:
    """The newest deliveries, each with every attempt (status code or error, duration)."""

    def fetch(count: int) -> list[DeliveryOut]:
        views = webhooks.list_deliveries(desk, actor, webhook_id, min(count, MAX_DELIVERIES))
        return [DeliveryOut.of(v) for v in views]

    return paginate_fetched(fetch, page)


@router.post("/{webhook_id}/test", response_model=DeliveryOut, status_code=status.HTTP_202_ACCEPTED)
def send_test(webhook_id: RecordId, desk: DeskDep, actor: CurrentActor) -> DeliveryOut:
    """Queue a signed ``ping`` delivery; its attempts show under the deliveries."""
    delivery = webhooks.send_test(desk, actor, webhook_id)
    return DeliveryOut.of(DeliveryView(delivery, []))
