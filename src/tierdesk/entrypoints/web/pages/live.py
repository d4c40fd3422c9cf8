"""Live updates in the workspace: one Server-Sent Events stream per open page (``live.js``
listens), and the ticket page's heartbeat that says who else is on the ticket.

The stream carries no ticket's content: an event names a ticket the agent may open now, what
happened to it and who did it; the page fetches what it shows through its usual routes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from tierdesk.config import LiveSettings
from tierdesk.domain.live import Collision, PresenceState, notifications_for, visible_changes
from tierdesk.domain.people import Agent
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.live_hub import LiveHub, TooManyStreamsError
from tierdesk.entrypoints.web.pages.rendering import is_htmx, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent, session_id
from tierdesk.services import live
from tierdesk.services.desk import Desk
from tierdesk.services.web_sessions import Audience, signed_in_person

router = APIRouter(include_in_schema=False)

SESSION_CHECK_SECONDS = 30.0  # a signed-out or deactivated agent's stream ends within this


def live_settings(request: Request) -> LiveSettings:
    application = getattr(request.app.state, "tierdesk", None)
    return application.settings.live if application is not None else LiveSettings()


def presence_ttl(request: Request) -> timedelta:
    return timedelta(seconds=live_settings(request).presence_seconds)


def _hub(request: Request, desk: Desk) -> LiveHub:
    hub: LiveHub | None = getattr(request.app.state, "live_hub", None)
    if hub is None:
        hub = LiveHub(desk, live_settings(request))
        request.app.state.live_hub = hub
    return hub


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@router.get("/live/events")
async def live_events(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    """``text/event-stream``: ``ticket`` (a change to a ticket the agent may open),
    ``notification`` (one of theirs), ``reload`` (fell behind: refresh everything)."""
    settings = live_settings(request)
    hub = _hub(request, desk)
    try:
        listener = await hub.open(agent)
    except TooManyStreamsError:
        return Response(
            "too many live streams on this server; try again shortly",
            status_code=503,
            headers={"Retry-After": "30"},
            media_type="text/plain",
        )
    token = session_id(request)

    def still_signed_in() -> Agent | None:
        person = signed_in_person(desk, Audience.AGENT, token) if token else None
        return person if isinstance(person, Agent) else None

    async def stream() -> AsyncIterator[str]:
        started = last_sent = last_check = time.monotonic()
        try:
            # Reconnect after 5 s if the connection drops; the page reloads what it shows then.
            yield "retry: 5000\n" + _event("hello", {"agent": listener.agent.id})
            while True:
                try:
                    batch = await asyncio.wait_for(listener.batches.get(), timeout=1.0)
                except TimeoutError:
                    batch = None
                now = time.monotonic()
                if await request.is_disconnected():
                    return
                if now - started > settings.stream_minutes * 60:
                    return  # the browser reconnects; a stopping server is not held up long
                if now - last_check > SESSION_CHECK_SECONDS:
                    last_check = now
                    fresh = await run_in_threadpool(still_signed_in)
                    if fresh is None:
                        yield _event("signed-out", {})
                        return
                    listener.agent = fresh  # levels and queues as they are now
                if listener.overflowed:
                    listener.overflowed = False
                    yield _event("reload", {})
                    last_sent = now
                if batch is not None:
                    for text in _messages(listener.agent, batch):
                        yield text
                        last_sent = now
                if now - last_sent >= settings.keepalive_seconds:
                    yield ": keep-alive\n\n"
                    last_sent = now
        finally:
            hub.close(listener)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _messages(agent: Agent, batch: Any) -> list[str]:
    out = []
    for change, ticket in visible_changes(agent, batch):
        mine = change.actor_kind == "agent" and change.actor_id == agent.id
        out.append(
            _event(
                "ticket",
                {
                    "event": change.event_id,
                    "ticket": ticket.number,
                    "action": change.action,
                    "by": change.actor_name,
                    "mine": mine,
                },
            )
        )
    for note in notifications_for(agent, batch):
        out.append(_event("notification", {"id": note.id, "kind": note.kind}))
    return out


@router.post("/tickets/{reference}/presence", dependencies=[Csrf])
def presence(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    state: Annotated[str, Form()] = "viewing",
) -> Response:
    """The ticket page's heartbeat (every few seconds, and at once when its agent starts or
    stops typing a reply); answered with who else is on the ticket. ``state=gone``: the page
    closed."""
    if state == "gone":
        live.leave_ticket(desk, agent, reference)
        return Response(status_code=204)
    others = live.heartbeat(
        desk, agent, reference, PresenceState.parse(state), presence_ttl(request)
    )
    return render(request, "_presence.html", {"user": agent, "others": others})


def collision_answer(request: Request, reference: str, collision: Collision) -> Response:
    """A public reply held back: the warning with "Send anyway" goes into the composer (HTMX
    swaps it into ``#collision-slot``, the page's URL and what was typed stay); without HTMX
    the same warning is the answer, 409."""
    context = {"user": None, "collision": collision, "reference": reference}
    if not is_htmx(request):
        return render(request, "_collision.html", context, status=409)
    answer = render(request, "_collision.html", context)
    answer.headers.update(
        {"HX-Retarget": "#collision-slot", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}
    )
    return answer
