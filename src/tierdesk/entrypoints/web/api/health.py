"""Liveness and readiness for load balancers and orchestrators (``services/health.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.errors import error_response
from tierdesk.services.health import check_liveness, check_readiness

router = APIRouter(tags=["operations"])


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness: the process answers. Reads nothing, the database included (a database that
    is down makes the desk not ready, not dead: restarting it would not help)."""
    return check_liveness()


@router.get(
    "/health/ready",
    responses={503: {"description": "Not ready: `error.checks` says which part and why."}},
)
def ready(request: Request) -> Any:
    """Readiness: the database answers, its schema is current, the embedder is loaded, no
    due background job has waited longer than `ready_max_job_age_seconds` and no mail the SMTP
    listener acknowledged has waited for processing longer than `ready_max_mail_age_seconds`."""
    application: Tierdesk = request.app.state.tierdesk
    readiness = check_readiness(
        application.desk,
        application.needs_upgrade,
        timedelta(seconds=application.settings.ready_max_job_age_seconds),
        timedelta(seconds=application.settings.ready_max_mail_age_seconds),
    )
    if not readiness.ready:
        return error_response(
            503, "not_ready", f"not ready: {readiness.reason}", {"checks": readiness.as_dict()}
        )
    return JSONResponse({"status": "ready", "checks": readiness.as_dict()})
