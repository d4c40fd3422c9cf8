"""create_app: the FastAPI application around an assembled ``Tierdesk``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI

import tierdesk
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.entrypoints.web import api_docs, metrics, openapi
from tierdesk.entrypoints.web.api import access_notes as access_notes_api
from tierdesk.entrypoints.web.api import advisories as advisories_api
from tierdesk.entrypoints.web.api import answers as answers_api
from tierdesk.entrypoints.web.api import audit as audit_api
from tierdesk.entrypoints.web.api import catalog, escalation, mail, people, routing, sla, tickets
from tierdesk.entrypoints.web.api import handovers as handovers_api
from tierdesk.entrypoints.web.api import health as health_api
from tierdesk.entrypoints.web.api import installed_base as installed_base_api
from tierdesk.entrypoints.web.api import knowledge_gaps as knowledge_gaps_api
from tierdesk.entrypoints.web.api import rmas as rmas_api
from tierdesk.entrypoints.web.api import search as search_api
from tierdesk.entrypoints.web.api import side_conversations as side_conversations_api
from tierdesk.entrypoints.web.api import time_entries as time_entries_api
from tierdesk.entrypoints.web.api import understanding as understanding_api
from tierdesk.entrypoints.web.api import webhooks as webhooks_api
from tierdesk.entrypoints.web.api.workflow import WORKFLOW_ROUTERS
from tierdesk.entrypoints.web.body_limit import BodyLimit
from tierdesk.entrypoints.web.errors import install_error_handlers
from tierdesk.entrypoints.web.headers import SecurityHeaders
from tierdesk.entrypoints.web.hosts import (
    DEFAULT_SERVED_AT,
    HostCheck,
    allowed_host_names,
    public_base_url,
)
from tierdesk.entrypoints.web.pages import install_pages
from tierdesk.entrypoints.web.requests import RequestContext
from tierdesk.entrypoints.web.strict_query import reject_unknown_query
from tierdesk.entrypoints.web.text_input import refuse_nul_characters


def request_threads(settings: Settings) -> int:
    """How many requests one web process works on at once."""
    return min(settings.server.threads, settings.db.pool_size)


def create_app(application: Tierdesk, *, served_at: str = DEFAULT_SERVED_AT) -> FastAPI:
    """``served_at``: where the server listens, the links' base when no public_url is set."""
    settings = application.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Handlers run on AnyIO's worker threads (40 by default) and each holds at most one
        # database connection: no more threads than the pool keeps connections means a request
        # waits for a thread (however long the queue) and never times out waiting for the
        # pool, which it would answer with a 500. Fewer still (server.threads): the handlers
        # are mostly Python, and twenty threads taking turns at one interpreter answered ~15 %
        # fewer reads than four (bench/README.md, 2026-12-06).
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = request_threads(application.settings)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="tierdesk",
        version=tierdesk.__version__,
        description="A tiered technical-support desk. Authenticate with "
        "`Authorization: Bearer <token>`; tokens come from `tierdesk token create`.",
        docs_url=None,  # ours is api_docs: FastAPI's loads Swagger UI from a CDN, inline
        redoc_url=None,
    )
    app.state.desk = application.desk
    app.state.tierdesk = application
    app.state.public_url = public_base_url(settings, served_at)
    install_error_handlers(app)

    app.openapi = openapi.desk_openapi(app)  # type: ignore[method-assign]
    # Every route added under it (now or by a later router) refuses unknown query parameters,
    # and text holding a NUL character (which PostgreSQL cannot store).
    api = APIRouter(dependencies=[Depends(reject_unknown_query), Depends(refuse_nul_characters)])
    api.include_router(tickets.router)
    api.include_router(escalation.router)
    api.include_router(people.router)
    api.include_router(catalog.router)
    api.include_router(mail.router)
    api.include_router(routing.router)
    api.include_router(sla.router)
    api.include_router(search_api.router)
    api.include_router(knowledge_gaps_api.router)
    api.include_router(understanding_api.router)
    api.include_router(answers_api.router)
    api.include_router(audit_api.router)
    api.include_router(webhooks_api.router)
    api.include_router(installed_base_api.router)
    api.include_router(side_conversations_api.router)
    api.include_router(time_entries_api.router)
    api.include_router(access_notes_api.router)
    api.include_router(advisories_api.router)
    api.include_router(rmas_api.router)
    for workflow_router in WORKFLOW_ROUTERS:
        api.include_router(workflow_router)

    api.include_router(handovers_api.regions_router)
    api.include_router(handovers_api.handovers_router)
    api.include_router(health_api.router)
    # The prefix given here rather than to the router: FastAPI checks an unprefixed router's
    # routes for empty paths by analysing every one of them (~0.2 s of CPU per app, paid again
    # by each of the test suite's ~1,000 apps); the routes and the OpenAPI document are the same.
    app.include_router(api, prefix="/api/v1")
    install_pages(app, application)  # the workspace ("/") and the portal ("/portal")
    app.include_router(api_docs.router)
    app.include_router(metrics.router)
    # The last added runs first: a wrong Host is refused before anything reads the request,
    # and every answer, that refusal included, carries the security headers.
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(HostCheck, hosts=allowed_host_names(settings, app.state.public_url))
    app.add_middleware(SecurityHeaders, hsts=settings.env == "prod")
    app.add_middleware(RequestContext)  # outermost: its id and timing cover all the others
    return app
