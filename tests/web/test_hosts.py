"""Where the desk lives: links in mail come from the configured public URL (never from the
request's Host), requests naming a foreign host are refused, and X-Forwarded-* is believed only
from configured proxies."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.cli.conftest import environment, invoker
from tests.email.servers import SmtpSink, free_port
from tests.web.conftest import Browser, WebDesk
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import MailSettings, Settings
from tierdesk.entrypoints.web.app import create_app
from tierdesk.entrypoints.web.server import server_config

PUBLIC = "https://support.kestrel.example"
REAL_SECRET = "a-real-secret-of-the-operators-own-making-0123456789"


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def _mail_through(web: WebDesk, sink: SmtpSink) -> None:
    web.app.settings.mail = MailSettings(
        from_address="support@desk.test", smtp_host="127.0.0.1", smtp_port=sink.port
    )


def test_a_sign_in_link_asked_for_under_a_forged_host_still_points_to_the_public_url(
    web: WebDesk, smtp_sink: SmtpSink
) -> None:
    _mail_through(web, smtp_sink)
    web.app.settings.public_url = PUBLIC
    web.app.settings.allowed_hosts = ["*"]  # even a desk that answers to any name
    browser = Browser(TestClient(create_app(web.app)))
    browser.get("/portal/signin")

    answer = browser.post(
        "/portal/link", {"email": web.acme_contact.email}, headers={"Host": "evil.example"}
    )

    assert "sign-in link is on its way" in answer.text
    [mail] = smtp_sink.received
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert "evil.example" not in text + html
    link = re.search(r"https://support\.kestrel\.example(/portal/link/[\w-]+)", text)
    assert link is not None
    assert browser.get(link.group(1)).url.path == "/portal/tickets"  # and it signs them in


def test_a_sign_in_link_asked_for_under_an_unknown_host_is_refused_and_no_mail_leaves(
    web: WebDesk, smtp_sink: SmtpSink
) -> None:
    _mail_through(web, smtp_sink)
    web.app.settings.public_url = PUBLIC
    browser = Browser(TestClient(create_app(web.app)))
    browser.get("/portal/signin")

    answer = browser.post(
        "/portal/link", {"email": web.acme_contact.email}, headers={"Host": "evil.example"}
    )

    assert answer.status_code == 400
    assert smtp_sink.received == []


def test_a_request_naming_a_host_the_desk_does_not_serve_is_refused(app: Tierdesk) -> None:
    app.settings.public_url = PUBLIC
    app.settings.allowed_hosts = ["desk.internal", "*.kestrel.test"]
    client = TestClient(create_app(app))

    page = client.get("/portal/signin", headers={"Host": "evil.example"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "does not answer to that host name" in page.text
    api = client.get("/api/v1/health", headers={"Host": "evil.example:443"})
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "invalid_host"
    assert client.get("/api/v1/health", headers={"Host": "kestrel.example"}).status_code == 400

    for host in (
        "support.kestrel.example",
        "SUPPORT.kestrel.example:443",
        "desk.internal",
        "eu.kestrel.test",
        "testserver",
        "localhost:8000",
        "127.0.0.1:8000",
        "[::1]:8000",
    ):
        assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200, host


def test_in_production_only_the_configured_host_names_are_answered(app: Tierdesk) -> None:
    app.settings.env = "prod"
    app.settings.public_url = PUBLIC
    client = TestClient(create_app(app))

    assert client.get("/api/v1/health").status_code == 400  # TestClient's "testserver"
    assert client.get("/api/v1/health", headers={"Host": "localhost"}).status_code == 400
    public = client.get("/api/v1/health", headers={"Host": "support.kestrel.example"})
    assert public.status_code == 200


def test_production_settings_without_a_public_url_are_refused() -> None:
    with pytest.raises(ValidationError, match="TIERDESK_PUBLIC_URL must be set"):
        Settings(env="prod", secret_key=REAL_SECRET)
    with pytest.raises(ValidationError, match="scheme, host and port only"):
        Settings(public_url="https://kestrel.example/support")
    assert Settings(env="prod", secret_key=REAL_SECRET, public_url=PUBLIC + "/").public_url == (
        PUBLIC
    )


def test_serve_refuses_to_start_in_production_without_a_public_url(tmp_path: Path) -> None:
    env = environment(str(tmp_path / "data"), f"sqlite:///{tmp_path / 'desk.db'}")
    env.update(TIERDESK_ENV="prod", TIERDESK_SECRET_KEY=REAL_SECRET)

    result = invoker(env)("serve", "--port", str(free_port()))

    assert result.exit_code == 1
    assert "TIERDESK_PUBLIC_URL must be set" in result.stderr


class _ClientAddresses(logging.Handler):
    """The client address the desk's access log (entrypoints/web/requests.py) names."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        assert isinstance(record.args, tuple)
        self.seen.append(str(record.args[0]).rsplit(":", 1)[0])


def _client_address_seen(app: Tierdesk, forwarded_for: str) -> str:
    """One request from 127.0.0.1 carrying X-Forwarded-For, through the server `tierdesk serve`
    runs; the client address the server took it to come from."""
    port = free_port()
    config = server_config(app, "127.0.0.1", port)  # sets up uvicorn's loggers: listen after
    addresses = _ClientAddresses()
    access_log = logging.getLogger("tierdesk.access")  # the desk's own access line
    access_log.addHandler(addresses)
    access_log.setLevel(logging.INFO)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.05)
        response = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/health",
            headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        )
        assert response.status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        access_log.removeHandler(addresses)
        access_log.setLevel(logging.NOTSET)
    [address] = addresses.seen
    return address


def test_x_forwarded_for_from_a_client_that_is_not_a_configured_proxy_is_ignored(
    app: Tierdesk,
) -> None:
    assert _client_address_seen(app, "203.0.113.9") == "127.0.0.1"

    app.settings.trusted_proxies = ["127.0.0.1"]
    assert _client_address_seen(app, "203.0.113.9") == "203.0.113.9"
