"""The issue's acceptance path, with real processes: the CLI sets up an empty desk, `tierdesk
serve` runs as a server on a free port, and the API is used over HTTP with the printed tokens.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Desk:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def cli(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "tierdesk", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if ok:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result


@pytest.fixture
def desk_env(tmp_path: Path, empty_database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env["TIERDESK_DATA_DIR"] = str(tmp_path / "data")
    env["TIERDESK_DATABASE_URL"] = empty_database_url
    env["TIERDESK_SEARCH__EMBEDDER"] = "hashing"  # the real model is tested in tests/search
    return env


@pytest.fixture
def served(desk_env: dict[str, str]) -> Iterator[tuple[Desk, str]]:
    desk = Desk(desk_env)
    refused = desk.cli("serve", "--port", str(_free_port()), ok=False)
    assert refused.returncode != 0
    assert "db upgrade" in refused.stderr
    desk.cli("db", "upgrade")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tierdesk", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=desk_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # bounded wait for the server to listen
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("tierdesk serve did not come up")
        yield desk, base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_desk_set_up_from_nothing_serves_the_whole_ticket_path(
    served: tuple[Desk, str],
) -> None:
    desk, base = served
    desk.cli(
        "agent",
        "create",
        "--email",
        "ana@kestrel.example",
        "--name",
        "Ana Ruiz",
        "--tier",
        "1",
        "--tier",
        "2",
    )
    desk.cli(
        "contact",
        "create",
        "--email",
        "max@acme.example",
        "--name",
        "Max Weber",
        "--org",
        "Acme GmbH",
    )
    desk.cli(
        "contact",
        "create",
        "--email",
        "eve@globex.example",
        "--name",
        "Eve Stone",
        "--org",
        "Globex",
    )
    agent = {
        "Authorization": "Bearer "
        + desk.cli("token", "create", "--email", "ana@kestrel.example").stdout.strip()
    }
    customer = {
        "Authorization": "Bearer "
        + desk.cli("token", "create", "--email", "max@acme.example").stdout.strip()
    }
    stranger = {
        "Authorization": "Bearer "
        + desk.cli("token", "create", "--email", "eve@globex.example").stdout.strip()
    }

    with httpx.Client(base_url=base, timeout=30) as http:
        opened = http.post(
            "/api/v1/tickets",
            headers=customer,
            json={
                "subject": "Phones lose registration every hour",
                "body": "All KP-400 phones drop registration at :00.",
            },
        )
        assert opened.status_code == 201, opened.text
        number = opened.json()["number"]

        assert (
            http.post(
                f"/api/v1/tickets/{number}/messages",
                headers=agent,
                json={"kind": "public-reply", "body": "Please send the SIP trace."},
            ).status_code
            == 201
        )
        assert (
            http.post(
                f"/api/v1/tickets/{number}/messages",
                headers=agent,
                json={
                    "kind": "internal-note",
                    "body": "Registrar expiry 3600 s, matches the symptom",
                },
            ).status_code
            == 201
        )
        escalated = http.post(
            f"/api/v1/tickets/{number}/escalate",
            headers=agent,
            json={
                "to_level": 2,
                "reason": "Registrar behaviour, needs L2",
                "packet": {
                    "symptoms": "Registration drops hourly",
                    "environment": "KP-400 phones",
                    "steps_tried": [
                        {"step": "Compared expiry with drop interval", "result": "they match"}
                    ],
                },
            },
        )
        assert escalated.status_code == 200, escalated.text

        events = http.get(f"/api/v1/tickets/{number}/events", headers=agent).json()["items"]
        assert [e["action"] for e in events] == [
            "ticket.opened",
            "message.added",
            "message.added",
            "ticket.status_changed",
            "message.added",
            "ticket.escalated",
        ]
        assert events[-1]["reason"] == "Registrar behaviour, needs L2"

        seen_by_customer = http.get(f"/api/v1/tickets/{number}", headers=customer)
        assert seen_by_customer.status_code == 200
        assert "Registrar expiry" not in seen_by_customer.text
        assert [m["kind"] for m in seen_by_customer.json()["messages"]] == [
            "customer",
            "public-reply",
        ]

        assert http.get(f"/api/v1/tickets/{number}", headers=stranger).status_code == 404

        count_before = http.get("/api/v1/tickets", headers=agent).json()["total"]
        malformed = http.post(
            "/api/v1/tickets", headers=customer, json={"subject": 42, "priority": "urgent"}
        )
        assert 400 <= malformed.status_code < 500
        assert set(malformed.json()["error"]) >= {"code", "message"}
        assert http.get("/api/v1/tickets", headers=agent).json()["total"] == count_before

    shown = desk.cli("ticket", "show", number)
    assert "Registrar expiry" in shown.stdout  # the operator sees internal notes
