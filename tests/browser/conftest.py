"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``; `make test`
installs it with apt-get, a browser is never downloaded) against the real app served by uvicorn
in a background thread on a free loopback port, over a fresh SQLite database per test."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, sync_playwright
from pydantic import SecretStr
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORDS
from tests.factories import make_organisation
from tests.web.conftest import PASSWORD, agent_with_password, contact_with_password
from tierdesk.adapters.db.jobs import jobs
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import AnswersSettings, SearchSettings, Settings
from tierdesk.domain.people import Agent, Contact, Role, Tier
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import queues
from tierdesk.services.auth import SYSTEM
from tierdesk.services.follow_ups import FOLLOW_UP_TASK
from tierdesk.services.job_runner import follow_up_runner

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            "the browser tests need Debian's Chromium at /usr/bin/chromium: run `make browser` "
            "(apt-get install chromium) first"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveDesk:
    app: Tierdesk
    url: str
    l1: Agent
    l2: Agent
    lead: Agent
    customer: Contact
    stranger: Contact  # a contact of another organisation


def followed_up(desk: LiveDesk, timeout: float = 30) -> None:
    """Wait until the live desk's runner has run every follow-up that is due: a ticket page
    opened before its ticket's follow-up (matching, triage, indexing) ran is told, rightly, that
    the ticket changed since it was opened, a second notice beside the one a test awaits."""
    give_up = time.monotonic() + timeout
    waiting = select(func.count()).where(
        jobs.c.name == FOLLOW_UP_TASK, jobs.c.status.in_(["queued", "running"])
    )
    while True:
        with desk.app.engine.connect() as connection:
            if not connection.scalar(waiting):
                return
        if time.monotonic() > give_up:
            raise AssertionError("the live desk's follow-ups did not run")
        time.sleep(0.05)


@pytest.fixture
def live_desk(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveDesk]:
    database = tmp_path / "tierdesk.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{database}",
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),  # see tests/conftest.py
        # A threshold the word-hashing embedder's confidences reach for a matching known issue
        # in an index of one (tests/browser/test_answers_in_chromium.py); answers are off on
        # every queue unless a test turns them on.
        answers=AnswersSettings(min_confidence=0.1),
        access_notes_key=SecretStr(Fernet.generate_key().decode()),  # access notes can be read
    )
    app = bootstrap(settings, passwords=TEST_PASSWORDS)  # the real clock: countdowns count down
    acme = make_organisation(app.desk, name="Acme Telecom", plan="premium")
    globex = make_organisation(app.desk, name="Globex")
    queues.create_queue(app.desk, SYSTEM, queues.NewQueue(key="l1-all", name="L1", tier=Tier.L1))
    desk = LiveDesk(
        app=app,
        url="",
        l1=agent_with_password(app, [1], name="Lena One"),
        l2=agent_with_password(app, [2], name="Otto Two"),
        lead=agent_with_password(app, [1, 2], Role.LEAD, name="Lea Lead"),
        customer=contact_with_password(app, acme),
        stranger=contact_with_password(app, globex),
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    # As `tierdesk serve` does: a new ticket's and message's follow-ups (facts, matching,
    # indexing, triage…) run right after their commit; the desk's other jobs (mail, SLA) stay
    # with the tests that run them.
    follow_ups = follow_up_runner(app.desk, name="browser-follow-ups")
    follow_ups.start()
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    desk.url = f"http://127.0.0.1:{port}"
    try:
        yield desk
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        follow_ups.stop()
        app.close()


PHONE = {"width": 390, "height": 844}


def _pages(chromium: Browser, live_desk: LiveDesk, **options: Any) -> Iterator[Callable[[], Page]]:
    contexts = []

    def new_page() -> Page:
        context = chromium.new_context(base_url=live_desk.url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(chromium: Browser, live_desk: LiveDesk) -> Iterator[Callable[[], Page]]:
    """A new page in its own browser context (its own cookies: one person signed in)."""
    yield from _pages(chromium, live_desk, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(chromium: Browser, live_desk: LiveDesk) -> Iterator[Callable[[], Page]]:
    """The same at a phone's size, as a phone's browser reports itself."""
    yield from _pages(chromium, live_desk, viewport=PHONE, is_mobile=True)


def sign_in(page: Page, who: Agent | Contact) -> None:
    portal = isinstance(who, Contact)
    page.goto("/portal/signin" if portal else "/signin")
    page.get_by_label("E-mail", exact=True).fill(who.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/tickets" if portal else "**/queue**")
