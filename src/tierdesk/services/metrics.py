"""Escalation-quality metrics per level (definitions in ``domain/metrics.py``): the one service
behind ``GET /api/v1/metrics`` and ``tierdesk report``."""

from __future__ import annotations

from datetime import datetime, timedelta

from tierdesk.domain.metrics import MetricsReport, compute_metrics
from tierdesk.domain.people import Actor, Tier
from tierdesk.errors import InvalidInputError
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.workflow_records import product_id_for

DEFAULT_PERIOD = timedelta(days=30)


def escalation_metrics(
    desk: Desk,
    actor: Actor,
    since: datetime | None = None,
    until: datetime | None = None,
    product: str | None = None,
    level: Tier | None = None,
) -> MetricsReport:
    """The report for ``[since, until)`` (default: the last 30 days), for one product or all,
    for one level or all."""
    require_lead(actor, "read the escalation metrics")
    until = until or desk.clock.now()
    since = since or until - DEFAULT_PERIOD
    if since.tzinfo is None or until.tzinfo is None:
        raise InvalidInputError("give since and until with a time zone (e.g. 2026-03-01T00:00Z)")
    if since >= until:
        raise InvalidInputError("since must be before until", field="since")
    with desk.uow() as uow:
        product_id = product_id_for(uow, product)
        trails = uow.metrics.trails(since, until, product_id)
        clocks = uow.metrics.clock_verdicts(since, until, product_id)
        outcomes = uow.metrics.outcomes(since, until, product_id)
    report = compute_metrics(trails, clocks, outcomes, since, until)
    if level is not None:
        report.levels = [m for m in report.levels if m.level == int(level)]
    return report
