"""When something really breaks under a running desk: an unexpected error is logged with a
request id and answered in the shape the caller reads (the API's error envelope, a page, or text
for HTMX), and a database that is gone is a 503 with Retry-After, not a bare 500.

Nothing is mocked: an attachment's file is replaced by a directory on disk, and the database is
taken away (the SQLite file replaced by a directory, the PostgreSQL database dropped WITH
(FORCE))."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.factories import token_for
from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import tickets
from tierdesk.services.conversation import NewAttachment

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def _lenient(browser: Browser, app: FastAPI) -> Browser:
    """The same signed-in person, on a client that hands back a 5xx instead of raising it."""
    browser.client = TestClient(app, raise_server_exceptions=False, cookies=browser.client.cookies)
    return browser


def _broken_attachment(web: WebDesk) -> tuple[str, int]:
    """A ticket whose attachment's file has become a directory on disk (a restore gone wrong):
    the store finds something at the path and cannot read it."""
    ticket = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(
            subject="Logs",
            body_text="Attached.",
            attachments=[NewAttachment("boot.log", b"reboot\n", "text/plain")],
        ),
    )
    attachment = ticket.messages[0].attachments[0]
    assert attachment.id is not None
    stored = [p for p in web.app.settings.attachments_dir.rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        path.unlink()
        path.mkdir()
    return ticket.number or "", attachment.id


def test_an_unexpected_error_is_logged_with_a_request_id_and_answered_in_the_callers_shape(
    web: WebDesk, web_app: FastAPI, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    number, attachment_id = _broken_attachment(web)
    api = TestClient(web_app, raise_server_exceptions=False)
    bearer = {"Authorization": f"Bearer {token_for(web.app.desk, web.l1)}"}
    agent = _lenient(signed_in(web.l1), web_app)

    with caplog.at_level(logging.ERROR):
        answer = api.get(f"/api/v1/tickets/{number}/attachments/{attachment_id}", headers=bearer)
        page = agent.get(f"/tickets/{number}/attachments/{attachment_id}")
        fragment = agent.get(f"/tickets/{number}/attachments/{attachment_id}", headers=HTMX)

    assert answer.status_code == 500
    error = answer.json()["error"]
    assert error["code"] == "internal_error"
    request_id = error["request_id"]
    assert answer.headers["x-request-id"] == request_id
    assert "boot.log" not in error["message"]  # no internals in the answer
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback, under the same id

    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-request-id"] in page.text
    assert "<h1>" in page.text

    assert fragment.status_code == 500
    assert fragment.headers["content-type"].startswith("text/plain")
    assert fragment.headers["x-request-id"] in fragment.text


def _take_the_database_away(web: WebDesk) -> None:
    url = web.app.engine.url
    web.app.engine.dispose()
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        path.mkdir()  # nothing can open a directory as a database, root included
        return
    admin = create_engine(
        make_url(url.render_as_string(hide_password=False)).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_a_database_that_is_gone_is_a_503_with_retry_after_everywhere(
    web: WebDesk, web_app: FastAPI, signed_in: SignIn
) -> None:
    bearer = {"Authorization": f"Bearer {token_for(web.app.desk, web.l1)}"}
    agent = _lenient(signed_in(web.l1), web_app)
    api = TestClient(web_app, raise_server_exceptions=False)
    assert api.get("/api/v1/tickets", headers=bearer).status_code == 200

    _take_the_database_away(web)
    answers: dict[str, httpx.Response] = {
        "api": api.get("/api/v1/tickets", headers=bearer),
        "page": agent.get("/queue"),
        "htmx": agent.get("/queue", headers=HTMX),
    }

    assert {k: r.status_code for k, r in answers.items()} == dict.fromkeys(answers, 503)
    assert all(int(r.headers["retry-after"]) > 0 for r in answers.values())
    error = answers["api"].json()["error"]
    assert error["code"] == "database_unavailable"
    assert error["retry_after"] == int(answers["api"].headers["retry-after"])
    assert error["request_id"] == answers["api"].headers["x-request-id"]
    assert answers["page"].headers["content-type"].startswith("text/html")
    assert answers["htmx"].headers["content-type"].startswith("text/plain")
