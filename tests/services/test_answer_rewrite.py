"""The optional rewrite of an answer by an OpenAI-compatible endpoint (issue 17): with one
configured, the answer the desk decided on is written in the customer's language by the model
(a real local server speaking the chat-completions protocol here); without its portal link, or
when the model fails, the offline answer goes out as it was."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.services.answer_world import FIX, remote_ticket, replies, run_jobs, trail, world
from tierdesk.config import AnswersSettings, SearchSettings, Settings, UnderstandingSettings
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.services.desk import Desk

LINK = re.compile(r"/portal/tickets/[A-Z]+-\d+")


class ChatServer(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions as OpenAI-compatible servers do: ``mode`` "rewrite" sends
    back a German text keeping the portal link it was given, "drop" one without the link,
    "fail" a server error. Remembers what it was asked."""

    asked: ClassVar[list[dict[str, Any]]] = []
    mode: ClassVar[str] = "rewrite"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatServer.asked.append(body)
        if self.path != "/v1/chat/completions" or ChatServer.mode == "fail":
            self.send_response(500)
            self.end_headers()
            return
        found = LINK.search(body["messages"][1]["content"])
        link = found.group(0) if found and ChatServer.mode == "rewrite" else ""
        content = f"Halten Sie Home und Zurück fünf Sekunden gedrückt. Gelöst? {link}"
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data.encode())))
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def chat_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ChatServer.asked, ChatServer.mode = [], "rewrite"
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, chat_url: str) -> Settings:
    # As tests/services/answer_world.py, with the language model configured.
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        answers=AnswersSettings(min_confidence=0.3),
        understanding=UnderstandingSettings(llm_endpoint=chat_url, llm_model="tiny"),
    )


def test_the_model_rewrites_the_decided_answer_in_the_customers_language(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk, language="de")
    run_jobs(desk)

    [reply] = replies(desk, w.lead, ticket)
    assert reply.startswith("Halten Sie Home und Zurück")
    assert f"/portal/tickets/{ticket.number}" in reply
    [asked] = ChatServer.asked
    system, user = (m["content"] for m in asked["messages"])
    assert "language de" in system
    assert FIX in user  # the offline answer, with its cited fix, is what it rewrites
    [(_action, changes)] = trail(desk, w.lead, ticket)
    assert changes["rewritten"] is True and changes["language"] == "de"


@pytest.mark.parametrize("mode", ["drop", "fail"])
def test_a_rewrite_without_the_portal_link_or_a_failing_model_leaves_the_offline_answer(
    desk: Desk, mode: str
) -> None:
    ChatServer.mode = mode
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk, language="de")
    run_jobs(desk)

    [reply] = replies(desk, w.lead, ticket)
    assert reply.startswith("Vielen Dank für Ihre Anfrage.") and FIX in reply
    [(_action, changes)] = trail(desk, w.lead, ticket)
    assert "rewritten" not in changes
