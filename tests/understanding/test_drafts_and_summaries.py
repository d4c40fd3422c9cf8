"""The thread summary and the hand-off draft through the API, on SQLite and PostgreSQL: both
carry the customer's latest message, keep pasted logs out of what the customer "said", and
pair every step with its own result."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.follow_ups import run_follow_ups
from tests.understanding.conftest import World

LOG = "\n".join(
    [
        *(
            f"2026-11-20 10:00:0{i},000 INFO [main] sip.Registrar: registered 10.0.0.{i}:5060"
            for i in range(1, 7)
        ),
        "2026-11-20 10:00:09,000 ERROR [tls] tls.Handshake: handshake failed with 10.0.0.9",
    ]
)
FIRST = (
    "Hello,\n\nsince the upgrade to Kestrel SBC 4.2.1 calls to our carrier fail with SIP/2.0 "
    "503 Service Unavailable. Internal calls work.\n\nHere is the log:\n"
    + LOG
    + "\n\nKind regards\nAnna"
)


def _say(client: TestClient, who: dict[str, str], number: str, body: str, **more: Any) -> None:
    response = client.post(
        f"/api/v1/tickets/{number}/messages", json={"body": body, **more}, headers=who
    )
    assert response.status_code == 201, response.text


def _thread(client: TestClient, world: World) -> str:
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "Carrier calls fail", "body": FIRST, "type": "problem"},
        headers=world.acme_contact,
    )
    assert opened.status_code == 201, opened.text
    number = str(opened.json()["number"])
    _say(
        client,
        world.l1_agent,
        number,
        "Hello Anna,\n\nplease try:\n1. Renew the TLS certificate on the carrier trunk\n"
        "2. Restart the SIP service\n\nBest regards\nTom",
        kind="public-reply",
    )
    _say(
        client,
        world.acme_contact,
        number,
        "Hi Tom,\n\nthe SIP service restart made no difference. After renewing the certificate "
        "the first calls went through.\n\nAnna",
    )
    _say(
        client,
        world.l1_agent,
        number,
        "Checked the trunk's cipher list. Probably the carrier dropped TLS 1.1.",
        kind="internal-note",
    )
    _say(
        client,
        world.acme_contact,
        number,
        "Since 14:00 every call to the carrier fails again, also from the second site. "
        "Please escalate.",
    )
    run_follow_ups(client)  # every message read
    return number


def test_the_summary_ends_with_the_latest_message_and_leaves_the_log_to_the_findings(
    client: TestClient, world: World
) -> None:
    number = _thread(client, world)
    response = client.get(f"/api/v1/tickets/{number}/summary", headers=world.l1_agent)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["sentences"][-2:] == [
        "Since 14:00 every call to the carrier fails again, also from the second site.",
        "Please escalate.",
    ]
    assert summary["latest"] == (
        "Since 14:00 every call to the carrier fails again, also from the second site. "
        "Please escalate."
    )
    assert summary["latest_at"] is not None
    said = " ".join(summary["sentences"])
    assert "INFO" not in said and "tls.Handshake" not in said  # the log is not a sentence
    assert any("tls.Handshake" in finding for finding in summary["log_findings"])


def test_the_drafted_packet_pairs_each_step_with_its_result_and_says_where_things_stand(
    client: TestClient, world: World
) -> None:
    number = _thread(client, world)
    response = client.get(f"/api/v1/tickets/{number}/packets/draft", headers=world.l1_agent)
    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["symptoms"] == (
        "Carrier calls fail: since the upgrade to Kestrel SBC 4.2.1 calls to our carrier fail "
        "with SIP/2.0 503 Service Unavailable. Internal calls work. Latest from customer: Since "
        "14:00 every call to the carrier fails again, also from the second site. Please "
        "escalate."
    )
    assert {
        "step": "Renew the TLS certificate on the carrier trunk",
        "result": "After renewing the certificate the first calls went through.",
    } in draft["steps_tried"]
    assert {
        "step": "Restart the SIP service",
        "result": "the SIP service restart made no difference.",
    } in draft["steps_tried"]
    assert "SIP/2.0 503 Service Unavailable" in draft["environment"]  # a fact of the ticket
    assert "pasted log: 7 lines in customer message 1" in draft["environment"]
    assert "tls.Handshake" in draft["environment"]  # the log's error template
    assert draft["hypotheses"] == ["Probably the carrier dropped TLS 1.1."]
