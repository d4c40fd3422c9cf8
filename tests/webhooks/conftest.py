"""Webhook tests: the desk posts to a real HTTP server on loopback (stdlib ``http.server`` in a
thread), so loopback URLs are allowed here (``webhooks.allow_private_addresses``), and three
failed attempts in a row disable a webhook."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.api.conftest import world  # noqa: F401 - the API tests' people, reused here
from tierdesk.config import SearchSettings, Settings, WebhookSettings

DISABLE_AFTER = 3


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        webhooks=WebhookSettings(
            allow_private_addresses=True, disable_after_failures=DISABLE_AFTER
        ),
    )


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What a webhook's receiver got; ``status`` (and ``location``) is what it answers."""

    url: str = ""
    status: int = 200
    location: str | None = None
    requests: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            self.send_response(state.status)
            if state.location:
                self.send_header("Location", state.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/desk"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
