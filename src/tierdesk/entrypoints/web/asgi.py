"""The web application built from the environment's settings, for an ASGI server's worker
processes: ``tierdesk serve --workers N`` starts N of them, and any ASGI server can too::

    uvicorn --factory tierdesk.entrypoints.web.asgi:create_web_app --workers 4

Each process assembles its own desk (engine, pool, models) and runs no background jobs: those
run in exactly one place, ``tierdesk serve``'s own process or ``tierdesk worker``. When ``serve``
runs the jobs it says where it listens for job notices (``TIERDESK_JOB_WAKEUP``), and each
process tells it the moment a commit enqueued one (``adapters/wakeup_channel.py``)."""

from __future__ import annotations

import os

from fastapi import FastAPI

from tierdesk.bootstrap import JOB_NOTICES_VARIABLE, bootstrap
from tierdesk.config import Settings
from tierdesk.entrypoints.heap import settle_heap
from tierdesk.entrypoints.logs import configure_logging
from tierdesk.entrypoints.web.app import create_app
from tierdesk.errors import ConfigurationError


def create_web_app() -> FastAPI:
    """One web process's application. Links in mail lead to ``TIERDESK_PUBLIC_URL`` (``tierdesk
    serve --workers`` sets it to where it listens when it is not set)."""
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)  # each process logs alike
    application = bootstrap(settings)
    if application.needs_upgrade():
        application.close()
        raise ConfigurationError(
            f"the database {application.database_label} needs migrating; run `tierdesk db upgrade`"
        )
    notices = os.environ.get(JOB_NOTICES_VARIABLE)
    if notices:
        try:
            application.forward_job_notices(notices)
        except ConfigurationError:
            application.close()
            raise
    application.warm_up()
    web_app = create_app(application)
    settle_heap()  # after the routes and their validators exist: they live as long
    return web_app
