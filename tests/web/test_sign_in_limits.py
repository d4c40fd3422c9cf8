"""Guessing is slowed down: an account locks after repeated wrong passwords (the right one too,
until the lock passes), a client address that fails too often waits, and sign-in links are
mailed at most a few times an hour. Known and unknown addresses get the same answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.email.servers import SmtpSink
from tests.web.conftest import PASSWORD, Browser, WebDesk
from tierdesk.adapters.clock import FixedClock
from tierdesk.config import MailSettings
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services.audit_log import AuditFilter, list_audit_events

SignIn = Callable[[Agent | Contact], Browser]
NewBrowser = Callable[[], Browser]
LOCKED = "too many failed sign-ins for this account"


def attempt(browser: Browser, email: str, password: str, path: str = "/signin") -> httpx.Response:
    browser.get(path)
    return browser.post(path, {"email": email, "password": password})


def same_page(response: httpx.Response, email: str) -> str:
    """The answer with what legitimately differs (the typed address, the form token) blanked."""
    text = response.text.replace(email, "EMAIL")
    token = re.search(r'name="csrf_token" value="([^"]+)"', text)
    return text.replace(token.group(1), "TOKEN") if token else text


def test_the_fifth_wrong_password_is_answered_429_with_retry_after(
    web: WebDesk, new_browser: NewBrowser
) -> None:
    browser = new_browser()
    answers = [attempt(browser, web.l1.email, "wrong guess") for _ in range(5)]

    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[4].headers["retry-after"] == "900"
    assert LOCKED in answers[4].text and "15 minutes" in answers[4].text
    assert 'name="email"' in answers[4].text  # the form again, with the reason in it


def test_a_locked_account_refuses_even_the_right_password_until_the_lock_passes(
    web: WebDesk, new_browser: NewBrowser, clock: FixedClock
) -> None:
    browser = new_browser()
    for _ in range(5):
        attempt(browser, web.l1.email, "wrong guess")

    clock.advance(timedelta(minutes=14, seconds=59))
    refused = attempt(browser, web.l1.email, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert browser.get("/queue").url.path == "/signin"

    clock.advance(timedelta(seconds=1))
    assert attempt(browser, web.l1.email, PASSWORD).url.path == "/queue"


def test_a_successful_sign_in_forgets_the_accounts_failures(
    web: WebDesk, new_browser: NewBrowser
) -> None:
    browser = new_browser()
    for _ in range(4):
        attempt(browser, web.l1.email, "wrong guess")
    assert attempt(browser, web.l1.email, PASSWORD).url.path == "/queue"
    browser.get("/queue")
    assert browser.post("/signout").url.path == "/signin"

    again = [attempt(browser, web.l1.email, "wrong guess").status_code for _ in range(4)]
    assert again == [401, 401, 401, 401]


@pytest.mark.parametrize("path", ["/signin", "/portal/signin"])
def test_known_and_unknown_addresses_get_identical_answers(
    web: WebDesk, new_browser: NewBrowser, path: str
) -> None:
    known = web.l1.email if path == "/signin" else web.acme_contact.email
    unknown = "nobody-here@kestrel.example"
    for _ in range(6):
        for_known = attempt(new_browser(), known, "wrong guess", path)
        for_unknown = attempt(new_browser(), unknown, "wrong guess", path)
        assert for_known.status_code == for_unknown.status_code
        assert for_known.headers.get("retry-after") == for_unknown.headers.get("retry-after")
        assert same_page(for_known, known) == same_page(for_unknown, unknown)
    assert for_known.status_code == 429


def test_a_customer_locked_out_of_the_portal_sees_why_in_the_form(
    web: WebDesk, new_browser: NewBrowser
) -> None:
    browser = new_browser()
    answers = [
        attempt(browser, web.acme_contact.email, "wrong guess", "/portal/signin") for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429, 429]
    assert "Too many failed sign-ins for this account" in answers[5].text  # the portal's words
    assert 'action="/portal/signin"' in answers[5].text


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def with_mail(web: WebDesk, sink: SmtpSink) -> Browser:
    web.app.settings.mail = MailSettings(
        from_address="support@desk.test", smtp_host="127.0.0.1", smtp_port=sink.port
    )
    return Browser(TestClient(create_app(web.app)))


def test_locking_an_account_is_audited_and_its_owner_is_told_once_by_mail(
    web: WebDesk, smtp_sink: SmtpSink
) -> None:
    browser = with_mail(web, smtp_sink)
    for _ in range(7):
        attempt(browser, web.l1.email, "wrong guess")
    for _ in range(5):
        attempt(browser, "nobody-here@kestrel.example", "wrong guess")

    mails = smtp_sink.received
    assert [m.rcpt_tos for m in mails] == [[web.l1.email]]
    assert "paused" in mails[0].message["Subject"]
    assert "15 minutes" in mails[0].message.get_body(("plain",)).get_content()
    page = list_audit_events(web.app.desk, web.lead, AuditFilter(action="session.locked_out"))
    locked = [(e.event.subject_type, e.event.subject_id) for e in page.entries]
    assert locked == [("sign_in", None), ("agent", web.l1.id)]  # newest first


def test_failures_from_one_client_address_make_it_wait_whichever_account_it_tries(
    web: WebDesk, new_browser: NewBrowser, clock: FixedClock
) -> None:
    browser = new_browser()
    answers = [
        attempt(browser, f"guess-{n}@kestrel.example", "wrong guess").status_code for n in range(20)
    ]
    assert answers == [401] * 19 + [429]

    refused = attempt(browser, web.l2.email, PASSWORD)  # even a right password
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "600"
    assert "network address" in refused.text

    clock.advance(timedelta(minutes=10))
    assert attempt(browser, web.l2.email, PASSWORD).url.path == "/queue"


def test_wrong_current_passwords_count_towards_the_lock(web: WebDesk, signed_in: SignIn) -> None:
    browser = signed_in(web.l1)
    browser.get("/account/password")
    form = {"current_password": "guess", "new_password": "x" * 12, "new_password_again": "x" * 12}
    answers = [browser.post("/account/password", form) for _ in range(5)]

    assert [a.status_code for a in answers] == [422, 422, 422, 422, 429]
    assert answers[4].headers["retry-after"] == "900"
    assert LOCKED in answers[4].text


def test_sign_in_links_are_mailed_at_most_three_times_an_hour(
    web: WebDesk, smtp_sink: SmtpSink, clock: FixedClock
) -> None:
    browser = with_mail(web, smtp_sink)
    browser.get("/portal/signin")
    answers = [browser.post("/portal/link", {"email": web.acme_contact.email}) for _ in range(5)]
    unknown = browser.post("/portal/link", {"email": "stranger@example.com"})

    assert len(smtp_sink.received) == 3
    pages = {same_page(a, web.acme_contact.email) for a in answers}
    assert len(pages) == 1  # the form answers exactly the same when the limit holds a mail back
    assert {a.status_code for a in [*answers, unknown]} == {200}
    assert "sign-in link is on its way" in unknown.text

    clock.advance(timedelta(hours=1))
    browser.post("/portal/link", {"email": web.acme_contact.email})
    assert len(smtp_sink.received) == 4
