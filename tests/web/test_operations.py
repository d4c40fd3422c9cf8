"""Running the desk as an operator does: liveness and readiness, /metrics, structured logs with
request and job ids, and no bare text 500 whatever fails. Nothing is mocked: the database is
taken away for real (tests/web/test_server_errors.py), scrapes are parsed with
prometheus_client's own parser, log lines are read as JSON from the handler's stream."""

from __future__ import annotations

import base64
import io
import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from tests.email.servers import free_port
from tests.factories import make_ticket, token_for
from tests.web.conftest import WebDesk
from tests.web.test_server_errors import _take_the_database_away
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.logs import configure_logging
from tierdesk.entrypoints.web.pages.sessions import session_secret
from tierdesk.entrypoints.web.server import server_config
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TaskRegistry, enqueue, run_next_job

LOOPBACK = ("127.0.0.1", 50000)


def _loopback(app: FastAPI) -> TestClient:
    return TestClient(app, client=LOOPBACK, raise_server_exceptions=False)


# -- health ---------------------------------------------------------------------------------


def test_liveness_answers_without_the_database(web: WebDesk, web_app: FastAPI) -> None:
    client = TestClient(web_app, raise_server_exceptions=False)
    _take_the_database_away(web)
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_readiness_lists_each_check_when_the_desk_is_ready(web_app: FastAPI) -> None:
    answer = TestClient(web_app).get("/api/v1/health/ready")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "models", "jobs", "mail"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readiness_is_a_503_in_the_error_envelope_when_the_database_is_gone(
    web: WebDesk, web_app: FastAPI
) -> None:
    client = TestClient(web_app, raise_server_exceptions=False)
    _take_the_database_away(web)
    answer = client.get("/api/v1/health/ready")
    assert answer.status_code == 503
    error = answer.json()["error"]
    assert error["code"] == "not_ready"
    assert "database" in error["message"]
    assert error["checks"]["database"]["ok"] is False


def test_readiness_reports_a_due_job_that_waited_past_the_limit(
    app: Tierdesk, web_app: FastAPI, clock: FixedClock
) -> None:
    app.settings.ready_max_job_age_seconds = 300
    with app.desk.uow() as uow:
        enqueue(uow, "sla.sweep", {}, at=clock.now(), run_at=clock.now() - timedelta(minutes=20))
        uow.commit()
    answer = TestClient(web_app).get("/api/v1/health/ready")
    assert answer.status_code == 503
    jobs = answer.json()["error"]["checks"]["jobs"]
    assert jobs["ok"] is False
    assert "1200 s" in jobs["detail"]


def test_a_database_killed_under_a_running_server_makes_it_not_ready_but_alive(
    web: WebDesk,
) -> None:
    with _running_server(web.app) as base:
        assert httpx.get(f"{base}/api/v1/health/ready").status_code == 200
        _take_the_database_away(web)
        ready = httpx.get(f"{base}/api/v1/health/ready")
        alive = httpx.get(f"{base}/api/v1/health")
    assert ready.status_code == 503
    assert ready.json()["error"]["code"] == "not_ready"
    assert alive.status_code == 200


def test_a_failure_outside_the_routes_is_answered_in_the_callers_shape_not_bare_text(
    app: Tierdesk, web_app: FastAPI
) -> None:
    # A session cookie signed with the desk's secret whose content is not JSON: Starlette's
    # session middleware, which wraps the desk's own error answers, fails on it.
    signer = TimestampSigner(session_secret(app.settings))
    cookie = signer.sign(base64.b64encode(b"{not json")).decode()
    client = TestClient(
        web_app, raise_server_exceptions=False, cookies={"tierdesk_session": cookie}
    )

    api = client.get("/api/v1/health")
    page = client.get("/queue")

    assert api.status_code == 500
    assert api.json()["error"]["code"] == "internal_error"
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert page.text != "Internal Server Error"


# -- metrics --------------------------------------------------------------------------------


def _families(text: str) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _samples(family: Any) -> list[tuple[str, dict[str, str], float]]:
    return [(s.name, s.labels, s.value) for s in family.samples]


def test_a_scrape_counts_requests_by_route_template_and_reads_jobs_and_tickets(
    app: Tierdesk, web: WebDesk, web_app: FastAPI
) -> None:
    ticket = make_ticket(app.desk, contact=web.acme_contact)
    bearer = {"Authorization": f"Bearer {token_for(app.desk, web.l1)}"}
    client = _loopback(web_app)
    assert client.get(f"/api/v1/tickets/{ticket.number}", headers=bearer).status_code == 200
    _run_one_job(app.desk)

    scrape = client.get("/metrics")

    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    families = _families(scrape.text)
    assert all(name.startswith("tierdesk_") for name in families if "tierdesk" in name)
    requests = _samples(families["tierdesk_http_requests"])
    routes = {labels["route"] for _, labels, _ in requests}
    assert "/api/v1/tickets/{ticket_ref}" in routes
    assert not any(ticket.number in route for route in routes if ticket.number)  # no raw paths
    assert any(
        labels["method"] == "GET" and labels["status"] == "200" and "{" in labels["route"]
        for _, labels, _ in requests
    )
    assert "tierdesk_http_request_duration_seconds" in families
    jobs = _samples(families["tierdesk_jobs"])
    assert ("tierdesk_jobs", {"kind": "test.noted", "state": "done"}, 1.0) in jobs
    tickets = _samples(families["tierdesk_tickets"])
    level, status = str(int(ticket.tier)), str(ticket.status)
    assert ("tierdesk_tickets", {"level": level, "status": status}, 1.0) in tickets
    for name in (
        "tierdesk_job_queue_depth",
        "tierdesk_job_oldest_age_seconds",
        "tierdesk_mail_inbound_messages",
        "tierdesk_mail_quarantined_messages",
        "tierdesk_mail_backlog",
        "tierdesk_mail_backlog_oldest_age_seconds",
        "tierdesk_mail_outbound_messages",
        "tierdesk_sla_warnings",
        "tierdesk_sla_breaches",
        "tierdesk_auto_answers",
        "tierdesk_database_up",
    ):
        assert name in families, name


def test_a_search_is_timed_in_the_search_latency_histogram(
    app: Tierdesk, web: WebDesk, web_app: FastAPI
) -> None:
    bearer = {"Authorization": f"Bearer {token_for(app.desk, web.l1)}"}
    client = _loopback(web_app)
    before = _histogram_count(client, "tierdesk_search_duration_seconds")
    ticket = make_ticket(app.desk, contact=web.acme_contact, subject="SIP trunk drops calls")
    answer = client.get(f"/api/v1/tickets/{ticket.number}/similar", headers=bearer)
    assert answer.status_code == 200, answer.text
    assert _histogram_count(client, "tierdesk_search_duration_seconds") > before
    assert _histogram_count(client, "tierdesk_embedding_duration_seconds") > 0


def _histogram_count(client: TestClient, name: str) -> float:
    families = _families(client.get("/metrics").text)
    if name not in families:
        return 0.0
    return sum(v for n, _, v in _samples(families[name]) if n.endswith("_count"))


def test_metrics_refuse_a_client_that_is_not_loopback_without_the_token(
    app: Tierdesk, web_app: FastAPI
) -> None:
    remote = TestClient(web_app)  # its client address is "testclient", not loopback
    refused = remote.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"

    app.settings.metrics_token = SecretStr("scrape-me-please")
    missing = remote.get("/metrics")
    wrong = remote.get("/metrics", headers={"Authorization": "Bearer guess"})
    right = remote.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthenticated"
    assert wrong.status_code == 403
    assert right.status_code == 200
    assert "tierdesk_tickets" in right.text

    app.settings.metrics_on_loopback = False
    assert _loopback(web_app).get("/metrics").status_code == 401


# -- logs -----------------------------------------------------------------------------------


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The desk's JSON log set-up on a stream of its own, undone afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_request_logs_a_json_line_with_its_request_id(
    web_app: FastAPI, json_log: io.StringIO
) -> None:
    answer = TestClient(web_app).get("/api/v1/health", headers={"X-Request-ID": "lb-0042-abcd"})
    assert answer.headers["x-request-id"] == "lb-0042-abcd"
    access = [line for line in _lines(json_log) if line["logger"] == "tierdesk.access"]
    assert access, json_log.getvalue()
    line = access[-1]
    assert line["request_id"] == "lb-0042-abcd"
    assert {"time", "level", "logger", "message"} <= set(line)
    assert "GET /api/v1/health 200" in line["message"]
    assert "lb-0042-abcd" in line["request_id"]


def test_a_request_id_that_is_not_sane_is_replaced(web_app: FastAPI) -> None:
    answer = TestClient(web_app).get("/api/v1/health", headers={"X-Request-ID": 'x"; drop'})
    assert answer.headers["x-request-id"] != 'x"; drop'
    assert len(answer.headers["x-request-id"]) == 32


def test_a_job_logs_its_job_id_and_ticket(desk: Desk, json_log: io.StringIO) -> None:
    job_id = _run_one_job(desk, ticket_id=7)
    lines = [line for line in _lines(json_log) if line.get("job_id") == job_id]
    assert any("done" in line["message"] for line in lines), json_log.getvalue()
    assert any(line["message"] == "noting 7" and line["ticket"] == "#7" for line in lines)


# -- helpers --------------------------------------------------------------------------------


def _run_one_job(desk: Desk, ticket_id: int = 1) -> int:
    registry = TaskRegistry()

    @registry.task("test.noted")
    def noted(_desk: Desk, payload: dict[str, Any]) -> None:
        logging.getLogger("tierdesk.test").info("noting %s", payload["ticket_id"])

    with desk.uow() as uow:
        job_id = enqueue(
            uow, "test.noted", {"ticket_id": ticket_id}, at=desk.clock.now(), registry=registry
        )
        uow.commit()
    claimed = run_next_job(desk, "test-worker", registry=registry)
    assert claimed is not None and claimed.id == job_id
    return claimed.id


@contextmanager
def _running_server(app: Tierdesk) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_log_follows_standard_error_when_a_runner_swaps_and_closes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A command configured at one point (a CLI test, `tierdesk serve` in-process) must not keep
    # writing to the stderr of that moment: once closed, every later record became a "Logging
    # error" mixed into the next command's output (a CLI test read it as its JSON last line).
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    try:
        configure_logging("text", "INFO")
        first.close()
        later = io.StringIO()
        monkeypatch.setattr(sys, "stderr", later)
        logging.getLogger("tierdesk.test").info("written after the first stderr closed")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert "written after the first stderr closed" in later.getvalue()
    assert "Logging error" not in later.getvalue()
