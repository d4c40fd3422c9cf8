"""/admin/webhooks: admins subscribe URLs to the desk's events, see recent deliveries with their
attempts, disable, enable, delete, and send a test (docs/webhooks.md). The signing secret is
shown on the page that answers "Add webhook", and never again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.people import Agent
from tierdesk.domain.webhooks import EventKind
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, is_htmx, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import webhooks
from tierdesk.services.desk import Desk
from tierdesk.services.mail_admin import require_admin

router = APIRouter(prefix="/admin/webhooks", include_in_schema=False)

RECENT = 10  # deliveries shown per webhook


def _admin(agent: Agent) -> Agent:
    require_admin(agent, "manage webhooks")
    return agent


def _context(desk: Desk, agent: Agent, **extra: Any) -> dict[str, Any]:
    hooks = webhooks.list_webhooks(desk, agent)
    return {
        "user": agent,
        "webhooks": hooks,
        "deliveries": {
            h.id: webhooks.list_deliveries(desk, agent, h.id or 0, RECENT) for h in hooks
        },
        "event_kinds": [str(k) for k in EventKind.subscribable()],
        "typed": {"url": "", "description": "", "events": []},
        "error": None,
        "secret": None,
        **extra,
    }


@router.get("")
def webhooks_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    _admin(agent)
    return render(request, "webhooks.html", _context(desk, agent))


@router.post("", dependencies=[Csrf])
def create_webhook(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    url: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
    description: Annotated[str, Form()] = "",
) -> Response:
    """Answers with the page itself (not a redirect) so that the secret is on it, once. A
    mistake shows the form again, filled in, with the reason next to its field."""
    _admin(agent)
    try:
        created = webhooks.create_webhook(desk, agent, url, events or [], description)
    except InvalidInputError as error:
        if is_htmx(request):
            raise
        typed = {"url": url, "description": description, "events": events or []}
        context = _context(desk, agent, typed=typed, error=error)
        return render(request, "webhooks.html", context, STATUS_BY_CODE[error.code])
    context = _context(desk, agent, secret=created.secret, created=created.webhook)
    return render(request, "webhooks.html", context, 201)


@router.post("/{webhook_id}/active", dependencies=[Csrf])
def set_active(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    webhook_id: RecordId,
    active: Annotated[str, Form()],
) -> Response:
    on = active == "true"
    webhooks.update_webhook(desk, _admin(agent), webhook_id, webhooks.WebhookChanges(active=on))
    notice = "Webhook+enabled" if on else "Webhook+disabled"
    return go(request, f"/admin/webhooks?notice={notice}#webhook-{webhook_id}")


@router.post("/{webhook_id}/test", dependencies=[Csrf])
def send_test(request: Request, desk: DeskDep, agent: WebAgent, webhook_id: RecordId) -> Response:
    webhooks.send_test(desk, _admin(agent), webhook_id)
    return go(request, f"/admin/webhooks?notice=Test+queued#webhook-{webhook_id}")


@router.post("/{webhook_id}/delete", dependencies=[Csrf])
def delete_webhook(
    request: Request, desk: DeskDep, agent: WebAgent, webhook_id: RecordId
) -> Response:
    webhooks.delete_webhook(desk, _admin(agent), webhook_id)
    return go(request, "/admin/webhooks?notice=Webhook+deleted")
