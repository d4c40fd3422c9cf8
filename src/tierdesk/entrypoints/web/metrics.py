"""``GET /metrics``: the desk in the Prometheus text format, names prefixed ``tierdesk_``.

Two kinds of metric. What happens in this process (requests and their latency here; search
and embedding latency in ``adapters/timings.py``) is counted as it happens, in
``prometheus_client``'s registry, which with ``PROMETHEUS_MULTIPROC_DIR`` set (several web
processes) lives in files that every process's scrape adds up (``MultiProcessCollector``).
What the database holds (jobs, tickets, mail, SLA marks, automatic answers) is read when
scraped (``DeskCollector``), so work done by any process, workers included, is seen once.

Who may scrape: loopback clients (setting ``metrics_on_loopback``), and anyone sending
``Authorization: Bearer <TIERDESK_METRICS_TOKEN>``."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.errors import error_response
from tierdesk.services.operations import OperationsSnapshot, read_operations

log = logging.getLogger(__name__)
router = APIRouter()

_REQUESTS = Counter(
    "tierdesk_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
_LATENCY = Histogram(
    "tierdesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    _REQUESTS.labels(method, route, str(status)).inc()
    _LATENCY.labels(method, route, str(status)).observe(seconds)


class DeskCollector(Collector):
    """The database's state at scrape time: a handful of grouped counts."""

    def __init__(self, application: Tierdesk) -> None:
        self.application = application

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            snapshot = read_operations(self.application.desk)
        except Exception:  # the database is gone: the other metrics still say so much
            log.exception("/metrics could not read the database")
            snapshot = None
        yield GaugeMetricFamily(
            "tierdesk_database_up",
            "Whether this scrape could read the database (1) or not (0).",
            value=0 if snapshot is None else 1,
        )
        if snapshot is not None:
            yield from snapshot_metrics(snapshot)


def snapshot_metrics(snap: OperationsSnapshot) -> Iterator[GaugeMetricFamily]:
    jobs = GaugeMetricFamily(
        "tierdesk_jobs",
        "Background jobs in the job table, by task and state.",
        labels=["kind", "state"],
    )
    for (kind, state), n in sorted(snap.jobs.items()):
        jobs.add_metric([kind, state], n)
    yield jobs
    yield GaugeMetricFamily(
        "tierdesk_job_queue_depth", "Queued jobs that are due now.", value=snap.queue_depth
    )
    yield GaugeMetricFamily(
        "tierdesk_job_oldest_age_seconds",
        "How long the longest-waiting due job has waited (0: none waits).",
        value=snap.oldest_job_age_seconds,
    )
    tickets = GaugeMetricFamily(
        "tierdesk_tickets", "Tickets by support level and status.", labels=["level", "status"]
    )
    for (level, status), n in sorted(snap.tickets.items()):
        tickets.add_metric([str(level), status], n)
    yield tickets
    inbound = GaugeMetricFamily(
        "tierdesk_mail_inbound_messages",
        "Received e-mail by what became of it (quarantined: waiting for an admin).",
        labels=["outcome"],
    )
    for outcome, n in sorted(snap.mail_in.items()):
        inbound.add_metric([outcome], n)
    yield inbound
    yield GaugeMetricFamily(
        "tierdesk_mail_quarantined_messages",
        "Received e-mail in quarantine.",
        value=snap.mail_in.get("quarantined", 0),
    )
    yield GaugeMetricFamily(
        "tierdesk_mail_backlog",
        "E-mail the SMTP listener acknowledged and has not processed yet.",
        value=snap.mail_backlog,
    )
    yield GaugeMetricFamily(
        "tierdesk_mail_backlog_oldest_age_seconds",
        "How long the oldest acknowledged, unprocessed e-mail has waited (0: none waits).",
        value=snap.mail_backlog_oldest_age_seconds,
    )
    outbound = GaugeMetricFamily(
        "tierdesk_mail_outbound_messages", "Outgoing e-mail by state.", labels=["status"]
    )
    for status, n in sorted(snap.mail_out.items()):
        outbound.add_metric([status], n)
    yield outbound
    warnings = GaugeMetricFamily(
        "tierdesk_sla_warnings", "SLA clocks that warned, by clock kind.", labels=["clock"]
    )
    breaches = GaugeMetricFamily(
        "tierdesk_sla_breaches", "SLA clocks that breached, by clock kind.", labels=["clock"]
    )
    for clock, (warned, breached) in sorted(snap.sla.items()):
        warnings.add_metric([clock], warned)
        breaches.add_metric([clock], breached)
    yield warnings
    yield breaches
    answers = GaugeMetricFamily(
        "tierdesk_auto_answers", "Automatic answers by outcome.", labels=["outcome"]
    )
    for outcome, n in sorted(snap.answers.items()):
        answers.add_metric([outcome], n)
    yield answers


def scrape(application: Tierdesk) -> bytes:
    """The text a scraper gets: this process's (or all processes') live metrics and the
    database's counts."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # A fresh registry that reads every process's files (the library's documented way);
        # the default registry would report this process alone.
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
        live = generate_latest(registry)
    else:
        live = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DeskCollector(application))
    return live + generate_latest(database)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    application: Tierdesk = request.app.state.tierdesk
    refused = metrics_refusal(request, application)
    if refused is not None:
        status, message = refused
        code = "unauthenticated" if status == 401 else "permission_denied"
        return error_response(status, code, message)
    return Response(scrape(application), media_type=CONTENT_TYPE_LATEST)


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def metrics_refusal(request: Request, application: Tierdesk) -> tuple[int, str] | None:
    """Why this client may not scrape (an HTTP status and a message), or None."""
    settings = application.settings
    if settings.metrics_on_loopback and _is_loopback(request):
        return None
    expected = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if expected is None:
        return 403, "/metrics answers loopback clients only; set TIERDESK_METRICS_TOKEN"
    if scheme.lower() != "bearer" or not given:
        return 401, "send Authorization: Bearer <TIERDESK_METRICS_TOKEN>"
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return 403, "that is not the metrics token"
    return None
