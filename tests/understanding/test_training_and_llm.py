"""Triage trained on the desk's own history, its CLI, the evaluation commands, and drafts
from an OpenAI-compatible endpoint (a real local HTTP server standing in for it)."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from tests.cli.conftest import environment, invoker
from tests.follow_ups import run_follow_ups
from tests.understanding.conftest import World
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings, UnderstandingSettings
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import triage
from tierdesk.services.auth import SYSTEM

VOICE = [
    "calls drop after a minute",
    "no audio on calls",
    "the SIP trunk is down",
    "echo on every call",
]
LICENCE = [
    "the licence expired",
    "we need more seats",
    "activation key rejected",
    "licence renewal",
]


def solved_history(client: TestClient, world: World) -> None:
    for index in range(12):
        kind, phrases = ("problem", VOICE) if index % 2 else ("licensing", LICENCE)
        opened = client.post(
            "/api/v1/tickets",
            json={
                "subject": phrases[index % 4],
                "body": f"Hello, {phrases[(index + 1) % 4]}.",
                "requester_id": world.acme_contact_id,
                "type": kind,
            },
            headers=world.lead,
        )
        assert opened.status_code == 201, opened.text
        solved = client.post(
            f"/api/v1/tickets/{opened.json()['number']}/solve",
            json={"resolution": "fixed"},
            headers=world.lead,
        )
        assert solved.status_code == 200, solved.text


def test_a_model_trained_on_solved_tickets_predicts_new_ones(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    untrained = triage.train_triage(app.desk, SYSTEM)
    assert untrained.model_id is None
    assert "type" in untrained.skipped

    solved_history(client, world)
    result = triage.train_triage(app.desk, SYSTEM)
    assert result.model_id is not None
    assert result.examples == 12
    assert result.fields["type"]["classes"] == 2
    assert "priority" in result.skipped  # every ticket was P3: nothing to learn

    number = client.post(
        "/api/v1/tickets",
        json={"subject": "Calls drop", "body": "calls drop after a minute and there is echo"},
        headers=world.acme_contact,
    ).json()["number"]
    run_follow_ups(client)
    suggestions = client.get(f"/api/v1/tickets/{number}/triage", headers=world.l1_agent).json()[
        "items"
    ]
    by_field = {s["field"]: s for s in suggestions}
    assert by_field["type"]["source"] == "model"
    assert by_field["type"]["best"] == "problem"


def test_triage_commands_train_and_report(
    settings: Settings, client: TestClient, world: World
) -> None:
    run = invoker(environment(str(settings.data_dir), settings.database))
    solved_history(client, world)
    trained = run("triage", "train")
    assert trained.exit_code == 0, trained.output
    last = json.loads(trained.output.strip().splitlines()[-1])
    assert last["model_id"] is not None
    assert "type" in last["fields"]
    reported = run("triage", "report")
    assert reported.exit_code == 0, reported.output
    assert "type" in reported.output
    bad = run("triage", "report", "--since", "yesterday")
    assert bad.exit_code != 0
    assert "ISO" in bad.output


def write_rows(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def test_eval_routing_and_eval_logs_print_json_last(settings: Settings, tmp_path: Path) -> None:
    run = invoker(environment(str(settings.data_dir), settings.database))
    train = [(f"{p} please help {n}", "voice") for n in range(6) for p in VOICE]
    train += [(f"{p} please help {n}", "licence") for n in range(6) for p in LICENCE]
    train += [("what is the weather tomorrow", "")]
    test = [
        ("calls drop again", "voice"),
        ("licence expired today", "licence"),
        ("tell me a joke", ""),
    ]
    result = run(
        "eval", "routing",
        "--train", str(write_rows(tmp_path / "train.csv", train)),
        "--test", str(write_rows(tmp_path / "test.csv", test)),
        "--baseline",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert {"accuracy", "macro_f1", "abstain_rate", "accuracy_when_answered", "oos_recall"} <= set(
        metrics
    )
    assert metrics["accuracy"] == 1.0
    # the same as the desk applies it (an abstention is a wrong answer), and the baseline
    assert {"in_scope_accuracy", "answered_macro_f1", "train_cpu_seconds"} <= set(metrics)
    assert metrics["answered_macro_f1"] <= metrics["macro_f1"]
    assert metrics["baseline_accuracy"] == 1.0
    assert 0.0 <= metrics["baseline_macro_f1"] <= 1.0
    # the baseline abstaining by the desk's rule too, and ours at the strict 98 % threshold
    assert {"baseline_answered_macro_f1", "baseline_abstain_rate", "baseline_oos_recall"} <= set(
        metrics
    )
    assert {"strict_threshold", "strict_answered_macro_f1", "strict_abstain_rate"} <= set(metrics)

    missing = run(
        "eval",
        "routing",
        "--train",
        str(tmp_path / "nope.csv"),
        "--test",
        str(tmp_path / "test.csv"),
    )
    assert missing.exit_code != 0
    assert "no such file" in missing.output

    log = tmp_path / "app.log"
    log.write_text(
        "".join(f"2026-01-01 00:00:0{i} INFO worker: job {i} done\n" for i in range(5))
        + "2026-01-01 00:00:09 ERROR worker: job 9 failed\n"
    )
    out = tmp_path / "assignments.txt"
    logs = run("eval", "logs", "--log", str(log), "--assignments", str(out))
    assert logs.exit_code == 0, logs.output
    assert json.loads(logs.output.strip().splitlines()[-1])["templates"] == 2
    assignments = out.read_text().split()
    assert len(assignments) == 6
    assert len(set(assignments[:5])) == 1
    assert assignments[5] != assignments[0]


class ChatServer(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions the way OpenAI-compatible servers do, and remembers what
    it was asked."""

    asked: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatServer.asked.append({"path": self.path, "body": body})
        if self.path != "/v1/chat/completions":
            self.send_response(404)
            self.end_headers()
            return
        reply = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Dear Anna, …"}}]
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def chat_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ChatServer.asked = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_reply_draft_comes_back_to_the_agent_and_internal_notes_stay_home(
    settings: Settings, chat_url: str, world: World, app: Tierdesk
) -> None:
    configured = settings.model_copy(
        update={"understanding": UnderstandingSettings(llm_endpoint=chat_url, llm_model="tiny")}
    )
    with_llm = bootstrap(configured, clock=app.desk.clock)
    try:
        with TestClient(create_app(with_llm)) as client:
            number = client.post(
                "/api/v1/tickets",
                json={"subject": "Calls fail", "body": "Calls fail since Monday."},
                headers=world.acme_contact,
            ).json()["number"]
            client.post(
                f"/api/v1/tickets/{number}/messages",
                json={"kind": "internal-note", "body": "SECRET root password is hunter2"},
                headers=world.l1_agent,
            )
            drafted = client.post(
                f"/api/v1/tickets/{number}/drafts",
                json={"task": "reply", "language": "de"},
                headers=world.l1_agent,
            )
            assert drafted.status_code == 200, drafted.text
            assert drafted.json()["draft"] == "Dear Anna, …"
            [request] = ChatServer.asked
            sent = json.dumps(request["body"])
            assert "Calls fail since Monday." in sent
            assert "hunter2" not in sent
            assert "de" in request["body"]["messages"][0]["content"]
            messages = client.get(f"/api/v1/tickets/{number}/messages", headers=world.acme_contact)
            assert all("Dear Anna" not in m["body"] for m in messages.json()["items"])  # never sent
            refused = client.post(
                f"/api/v1/tickets/{number}/drafts",
                json={"task": "reply"},
                headers=world.acme_contact,
            )
            assert refused.status_code == 403
    finally:
        with_llm.close()


def test_a_reply_draft_is_asked_for_in_the_customers_language_unless_the_agent_names_one(
    settings: Settings, chat_url: str, world: World, app: Tierdesk
) -> None:
    configured = settings.model_copy(
        update={"understanding": UnderstandingSettings(llm_endpoint=chat_url, llm_model="tiny")}
    )
    with_llm = bootstrap(configured, clock=app.desk.clock)
    try:
        with TestClient(create_app(with_llm)) as client:
            number = client.post(
                "/api/v1/tickets",
                json={
                    "subject": "Kein Ton",
                    "body": "Seit dem Update hören uns die Anrufer nicht mehr.",
                },
                headers=world.acme_contact,  # a contact who stated English
            ).json()["number"]
            for body in ({"task": "reply"}, {"task": "translation"}):
                drafted = client.post(
                    f"/api/v1/tickets/{number}/drafts", json=body, headers=world.l1_agent
                )
                assert drafted.status_code == 200, drafted.text
            reply, translation = (r["body"]["messages"][0]["content"] for r in ChatServer.asked)
            assert "to the customer, in de," in reply
            assert "into en." in translation
    finally:
        with_llm.close()
