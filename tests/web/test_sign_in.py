"""Signing in and out, sessions in signed cookies, CSRF on every form, who may use which side."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.app import create_app


def test_an_agent_signs_in_with_a_password_and_lands_on_their_queue(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    browser = new_browser()
    assert browser.get("/").url.path == "/signin"

    response = browser.sign_in(web.l1)

    assert response.status_code == 200
    assert response.url.path == "/queue"
    assert "Lena One" in response.text
    assert "tierdesk_session" in browser.client.cookies


def test_a_wrong_password_is_refused_with_a_message_and_no_session(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    browser = new_browser()
    response = browser.sign_in(web.l1, password="wrong")

    assert response.status_code == 401
    assert "wrong e-mail address or password" in response.text
    assert browser.get("/queue").url.path == "/signin"


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    browser = new_browser()
    browser.get("/signin")
    response = browser.post("/signin", {"email": "nobody@kestrel.example", "password": "x"})
    assert response.status_code == 401
    assert "wrong e-mail address or password" in response.text


def test_a_form_without_the_csrf_token_is_refused(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    browser = new_browser()
    browser.get("/signin")
    response = browser.client.post(
        "/signin", data={"email": web.l1.email, "password": "correct horse battery"}
    )
    assert response.status_code == 403
    assert "security token" in response.text


def test_an_htmx_post_with_a_stale_token_header_is_refused(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    browser = signed_in(web.l1)
    response = browser.client.post(
        "/queue/assign",
        data={"ticket": "TD-1", "assignee": "me"},
        headers={"HX-Request": "true", "X-CSRF-Token": "stale"},
    )
    assert response.status_code == 403


def test_signing_out_ends_the_session(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    browser = signed_in(web.l1)
    browser.get("/queue")
    response = browser.post("/signout")
    assert response.url.path == "/signin"
    assert browser.get("/queue").url.path == "/signin"


def test_a_tampered_session_cookie_signs_nobody_in(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    browser = signed_in(web.l1)
    cookie = browser.client.cookies["tierdesk_session"]
    browser.client.cookies.clear()
    browser.client.cookies.set("tierdesk_session", "x" + cookie[1:])
    assert browser.get("/queue").url.path == "/signin"


def test_a_customer_cannot_sign_in_to_the_workspace_nor_an_agent_to_the_portal(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    customer = new_browser()
    customer.get("/signin")
    refused = customer.post(
        "/signin", {"email": web.acme_contact.email, "password": "correct horse battery"}
    )
    assert refused.status_code == 401

    agent = new_browser()
    agent.get("/portal/signin")
    refused = agent.post(
        "/portal/signin", {"email": web.l1.email, "password": "correct horse battery"}
    )
    assert refused.status_code == 401


def test_a_portal_session_does_not_open_the_workspace(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    customer = signed_in(web.acme_contact)
    assert customer.get("/queue").url.path == "/signin"
    assert customer.get("/portal/tickets").status_code == 200


def test_sign_in_never_redirects_to_another_site(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    browser = new_browser()
    browser.get("/signin?next=//evil.example/")
    response = browser.post(
        "/signin",
        {"email": web.l1.email, "password": "correct horse battery", "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/queue"


def test_the_session_secret_is_generated_once_and_kept_in_the_data_dir(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    browser = signed_in(web.l1)  # the app was built, and made the secret
    secret_file = web.app.settings.data_dir / "session-secret"
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert len(secret_file.read_text()) >= 48

    # A restarted server reads the same secret, so the signed cookie still works.
    restarted = Browser(TestClient(create_app(web.app)))
    restarted.client.cookies.set("tierdesk_session", browser.client.cookies["tierdesk_session"])
    assert restarted.get("/queue").url.path == "/queue"


def test_pages_send_a_content_security_policy_and_the_api_docs_keep_working(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    browser = new_browser()
    page = browser.get("/signin")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    docs = browser.get("/docs")
    assert docs.status_code == 200
    assert "script-src 'self'" in docs.headers["content-security-policy"]  # Swagger UI is ours
