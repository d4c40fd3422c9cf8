"""A manual past a limit is refused with 413 and says which; a large one is indexed by a
background job, batch by batch, with its progress in the API. The embeddings come from a real
local server speaking the OpenAI protocol, which can go down and come back."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.factories import make_agent, token_for
from tierdesk.adapters.clock import FixedClock
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import ManualSettings, SearchSettings, Settings
from tierdesk.services.jobs import run_next_job


class _Embeddings(BaseHTTPRequestHandler):
    """POST /v1/embeddings with hashed vectors; ``answers`` requests, then 503 until reset."""

    answers: ClassVar[int | None] = None  # None: every request is answered
    served: ClassVar[int] = 0
    url: ClassVar[str] = ""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        cls = type(self)
        if cls.answers is not None and cls.served >= cls.answers:
            self.send_response(503)
            self.end_headers()
            return
        cls.served += 1
        vectors = HashingEmbedder(64).embed(body["input"])
        data = [{"index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
        payload = json.dumps({"data": data, "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        return


@pytest.fixture
def embeddings() -> Iterator[type[_Embeddings]]:
    _Embeddings.answers, _Embeddings.served = None, 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Embeddings.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield _Embeddings
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(settings: Settings, embeddings: type[_Embeddings]) -> Settings:
    return settings.model_copy(
        update={
            "search": SearchSettings(
                embedder="openai",
                endpoint=embeddings.url,
                model="hashed",
            ),
            "manuals": ManualSettings(index_at_once=10),
        }
    )


def guide(sections: int) -> bytes:
    steps = "".join(
        f"## Step {n}\n\nTurn dial {n} until the trunk registers.\n\n" for n in range(sections)
    )
    return f"# Trunk guide\n\n{steps}".encode()


def upload(client: TestClient, token: str, name: str, data: bytes) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/api/v1/kb/articles", headers=bearer(token), files={"file": (name, data, "text/markdown")}
    )
    body: dict[str, object] = response.json()
    return response.status_code, body


def test_a_manual_past_a_limit_is_refused_with_413_and_the_setting_to_raise(
    app: Tierdesk, client: TestClient
) -> None:
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    status, body = upload(client, agent, "huge.md", guide(2_001))
    listed = client.get("/api/v1/kb/articles", headers=bearer(agent)).json()["items"]

    assert status == 413
    assert body["error"] == {
        "code": "too_large",
        "message": "huge.md has 2,001 sections (headings); a manual may have at most 2,000 "
        "(setting manuals.max_sections)",
        "limit": 2_000,
        "setting": "manuals.max_sections",
    }
    assert listed == []


def test_a_small_manual_is_indexed_before_the_answer(app: Tierdesk, client: TestClient) -> None:
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    status, body = upload(client, agent, "small.md", guide(10))

    assert status == 201
    assert body["indexing"] == {
        "state": "done",
        "sections_indexed": 10,
        "sections": 10,
        "error": None,
    }


def test_a_large_manual_is_indexed_by_a_job_batch_by_batch_with_its_progress_shown(
    app: Tierdesk, client: TestClient, clock: FixedClock, embeddings: type[_Embeddings]
) -> None:
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    status, created = upload(client, agent, "large.md", guide(80))
    article = f"/api/v1/kb/articles/{created['id']}"
    embeddings.answers = embeddings.served + 2  # two batches, then the endpoint goes down
    run_next_job(app.desk, "test-worker")
    stalled = client.get(article, headers=bearer(agent)).json()["indexing"]
    embeddings.answers = None  # back up: the job's retry goes on from the last batch
    clock.advance(timedelta(minutes=1))
    run_next_job(app.desk, "test-worker")
    done = client.get(article, headers=bearer(agent)).json()["indexing"]
    found = client.get(
        "/api/v1/kb/search", params={"q": "turn dial 79"}, headers=bearer(agent)
    ).json()["items"]

    assert status == 201
    assert created["indexing"] == {
        "state": "pending",
        "sections_indexed": 0,
        "sections": 80,
        "error": None,
    }
    assert stalled["state"] == "failed"
    assert stalled["sections_indexed"] == 64  # two batches of 32
    assert "503" in stalled["error"]
    assert done == {"state": "done", "sections_indexed": 80, "sections": 80, "error": None}
    assert found[0]["citation"]["section"] == "Step 79"
