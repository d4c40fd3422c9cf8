"""The routers of workflow part 2 (what levels 3 and 4 decide, and the metrics), for
``create_app`` to include in one line."""

from __future__ import annotations

from fastapi import APIRouter

from tierdesk.entrypoints.web.api import (
    articles,
    defects,
    enhancements,
    incidents,
    known_issues,
    metrics,
    reports,
)

WORKFLOW_ROUTERS: tuple[APIRouter, ...] = (
    known_issues.router,
    defects.router,
    incidents.router,
    enhancements.router,
    metrics.router,
    reports.router,
    articles.router,
)
