"""Understanding through the API, on SQLite and PostgreSQL: facts with provenance (and who may
see them), clarifying questions, triage suggestions and decisions, summaries, outages."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient

from tests.follow_ups import run_follow_ups
from tests.understanding.conftest import World
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

LOG_LINES = (
    "\n".join(
        f"2026-11-20 10:00:0{i},000 INFO [main] sip.Registrar: registered 10.0.0.{i}:5060"
        for i in range(1, 7)
    )
    + "\n2026-11-20 10:00:09,000 ERROR [tls] tls.Handshake: handshake failed with 10.0.0.9"
)

BODY = (
    "Hello,\nsince the upgrade to Kestrel SBC 4.2.1 calls fail with SIP/2.0 503 Service "
    "Unavailable on our gateway.\nHere is the log:\n" + LOG_LINES + "\nRegards, Anna"
)


def open_ticket(client: TestClient, who: dict[str, str], **fields: Any) -> str:
    """Opened, and its follow-up (enrichment, triage, outage detection) run."""
    response = client.post("/api/v1/tickets", json=fields, headers=who)
    assert response.status_code == 201, response.text
    run_follow_ups(client)
    return str(response.json()["number"])


def test_the_desks_product_models_are_read_as_products_not_error_codes(
    client: TestClient, world: World, desk: Desk
) -> None:
    catalog.create_product(
        desk,
        SYSTEM,
        catalog.NewProduct(
            name="Kestrel DeskPhone", description="SIP desk phones (KP-200 and KP-400 series)."
        ),
    )
    number = open_ticket(
        client,
        world.acme_contact,
        subject="Phones reboot",
        body="Hello,\nthe log shows KP-200 rebooting every hour, then error 4711.\n"
        "We run kestrel deskphone 4.0.1.\nAnna",
    )
    facts = client.get(f"/api/v1/tickets/{number}/facts", headers=world.l1_agent).json()["items"]
    read = [(f["kind"], f["value"]) for f in facts if f["kind"] != "language"]
    assert read == [
        ("error-code", "4711"),
        ("product-version", "kestrel deskphone 4.0.1"),
    ]


def test_facts_are_read_with_where_they_came_from_and_customers_never_see_internal_ones(
    client: TestClient, world: World
) -> None:
    number = open_ticket(
        client, world.acme_contact, subject="Calls fail after upgrade", body=BODY, type="problem"
    )
    note = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"kind": "internal-note", "body": "Their core router is 10.9.9.9, do not share."},
        headers=world.l1_agent,
    )
    assert note.status_code == 201, note.text
    run_follow_ups(client)  # the note is read too

    agent_view = client.get(f"/api/v1/tickets/{number}/facts", headers=world.l1_agent)
    assert agent_view.status_code == 200, agent_view.text
    facts = agent_view.json()["items"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        by_kind.setdefault(fact["kind"], []).append(fact)
    assert by_kind["sip-status"][0]["value"] == "SIP/2.0 503 Service Unavailable"
    assert by_kind["product-version"][0]["value"] == "Kestrel SBC 4.2.1"
    assert by_kind["language"][0]["value"] == "en"
    sip = by_kind["sip-status"][0]
    assert BODY[sip["start"] : sip["end"]] == sip["value"]  # the offset points at the words
    templates = {f["value"]: f["detail"] for f in by_kind["log-template"]}
    registered = templates["sip.Registrar: registered <*>"]
    # line numbers count within the message: the log starts on its 4th line
    assert (registered["count"], registered["first_line"], registered["last_line"]) == (6, 4, 9)
    failed = next(d for v, d in templates.items() if v.startswith("tls.Handshake"))
    assert failed["error"] is True
    internal = [f for f in facts if f["value"] == "10.9.9.9"]
    assert internal and internal[0]["internal"] is True

    customer_view = client.get(f"/api/v1/tickets/{number}/facts", headers=world.acme_contact)
    assert customer_view.status_code == 200
    assert "10.9.9.9" not in {f["value"] for f in customer_view.json()["items"]}
    assert {f["kind"] for f in customer_view.json()["items"]} >= {"sip-status", "log-template"}

    other = client.get(f"/api/v1/tickets/{number}/facts", headers=world.globex_contact)
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "not_found"


def test_a_missing_fact_becomes_one_question_in_the_customer_language_sent_by_an_agent(
    client: TestClient, world: World
) -> None:
    number = open_ticket(
        client,
        world.acme_contact,
        subject="Telefone klingeln nicht",
        body="Guten Tag, seit gestern klingeln bei uns die Telefone nicht mehr. Bitte helfen Sie.",
        type="problem",
    )
    proposed = client.get(f"/api/v1/tickets/{number}/clarifying-questions", headers=world.l1_agent)
    assert proposed.status_code == 200, proposed.text
    [question] = proposed.json()["items"]
    assert question["language"] == "de"
    assert question["missing"] == ["version", "error"]
    assert question["sent_at"] is None
    assert "Softwareversion" in question["text"]
    unsent = client.get(
        f"/api/v1/tickets/{number}/clarifying-questions", headers=world.acme_contact
    )
    assert unsent.json()["items"] == []

    refused = client.post(
        f"/api/v1/tickets/{number}/clarifying-questions/{question['id']}/send",
        headers=world.acme_contact,
    )
    assert refused.status_code == 403

    sent = client.post(
        f"/api/v1/tickets/{number}/clarifying-questions/{question['id']}/send",
        headers=world.l1_agent,
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["message_id"] is not None
    ticket = client.get(f"/api/v1/tickets/{number}", headers=world.acme_contact).json()
    assert ticket["status"] == "pending-customer"
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=world.acme_contact).json()[
        "items"
    ]
    assert any("Softwareversion" in m["body"] for m in messages)
    again = client.post(
        f"/api/v1/tickets/{number}/clarifying-questions/{question['id']}/send",
        headers=world.l1_agent,
    )
    assert again.status_code == 409


def test_triage_suggests_abstains_and_records_every_decision(
    client: TestClient, world: World
) -> None:
    number = open_ticket(
        client,
        world.acme_contact,
        subject="Outage: all calls down at every site",
        body="Nothing works since 09:00, this is urgent.",
    )
    response = client.get(f"/api/v1/tickets/{number}/triage", headers=world.l1_agent)
    assert response.status_code == 200, response.text
    suggestions = {s["field"]: s for s in response.json()["items"]}
    assert suggestions["type"]["suggested"] == "outage"
    assert suggestions["type"]["source"] == "cold-start"
    assert suggestions["priority"]["suggested"] == "P1"
    assert (
        client.get(f"/api/v1/tickets/{number}/triage", headers=world.acme_contact).status_code
        == 403
    )

    accepted = client.post(f"/api/v1/tickets/{number}/triage/type", json={}, headers=world.l1_agent)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["outcome"] == "accepted"
    corrected = client.post(
        f"/api/v1/tickets/{number}/triage/priority", json={"value": "P2"}, headers=world.l1_agent
    )
    assert corrected.json()["outcome"] == "corrected"
    ticket = client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent).json()
    assert (ticket["type"], ticket["priority"]) == ("outage", "P2")  # the decisions applied

    report = {
        r["field"]: r
        for r in client.get("/api/v1/triage/report", headers=world.l1_agent).json()["items"]
    }
    assert (report["type"]["accepted"], report["type"]["accuracy"]) == (1, 1.0)
    assert (report["priority"]["corrected"], report["priority"]["accuracy"]) == (1, 0.0)

    unknown = client.post(
        f"/api/v1/tickets/{number}/triage/colour", json={}, headers=world.l1_agent
    )
    assert unknown.status_code == 422
    missing = client.post(f"/api/v1/tickets/{number}/triage/queue", json={}, headers=world.l1_agent)
    assert missing.status_code == 404  # no queue was suggested on a desk without queues


def test_a_burst_of_similar_tickets_from_several_organisations_proposes_an_incident(
    client: TestClient, world: World
) -> None:
    quiet = open_ticket(
        client,
        world.acme_contact,
        subject="Invoice question",
        body="Where is my invoice for March?",
    )
    numbers = [
        open_ticket(
            client,
            who,
            subject="Registration fails",
            body=f"Phones cannot register, error code: E4711 ({n})",
        )
        for n, who in enumerate([world.acme_contact, world.acme_contact, world.globex_contact])
    ]
    response = client.get("/api/v1/outage-proposals", headers=world.l1_agent)
    assert response.status_code == 200, response.text
    [proposal] = response.json()["items"]
    ids = [client.get(f"/api/v1/tickets/{n}", headers=world.l1_agent).json()["id"] for n in numbers]
    quiet_id = client.get(f"/api/v1/tickets/{quiet}", headers=world.l1_agent).json()["id"]
    assert proposal["ticket_ids"] == sorted(ids)
    assert quiet_id not in proposal["ticket_ids"]
    assert proposal["organisation_count"] == 2
    assert "e4711" in proposal["title"].lower()

    assert client.get("/api/v1/outage-proposals", headers=world.acme_contact).status_code == 403
    decided = client.post(
        f"/api/v1/outage-proposals/{proposal['id']}/decision",
        json={"status": "declared", "incident_id": 7},
        headers=world.l1_agent,
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["incident_id"]) == ("declared", 7)
    twice = client.post(
        f"/api/v1/outage-proposals/{proposal['id']}/decision",
        json={"status": "dismissed"},
        headers=world.l1_agent,
    )
    assert twice.status_code == 409
    assert client.get("/api/v1/outage-proposals", headers=world.l1_agent).json()["items"] == []


def test_the_summary_and_the_hand_off_draft_carry_the_facts(
    client: TestClient, world: World
) -> None:
    number = open_ticket(client, world.acme_contact, subject="Calls fail after upgrade", body=BODY)
    summary = client.get(f"/api/v1/tickets/{number}/summary", headers=world.l1_agent)
    assert summary.status_code == 200, summary.text
    assert "SIP/2.0 503" in summary.json()["facts"]
    assert any("tls.Handshake" in f for f in summary.json()["log_findings"])
    draft = client.get(f"/api/v1/tickets/{number}/packets/draft", headers=world.l1_agent).json()
    assert "SIP/2.0 503 Service Unavailable" in draft["environment"]
    assert "tls.Handshake" in draft["environment"]
    assert (
        client.get(f"/api/v1/tickets/{number}/summary", headers=world.acme_contact).status_code
        == 403
    )

    document = client.post(
        "/api/v1/summaries",
        json={
            "text": "The SBC drops calls. " * 3 + "Upgrade the firmware to fix the drops.",
            "max_sentences": 2,
        },
        headers=world.l1_agent,
    )
    assert document.status_code == 200, document.text
    assert len(document.json()) <= 2
    empty = client.post("/api/v1/summaries", json={"text": " "}, headers=world.l1_agent)
    assert empty.status_code == 422


def test_drafts_need_a_configured_language_model(client: TestClient, world: World) -> None:
    number = open_ticket(client, world.acme_contact, subject="Calls fail", body=BODY)
    response = client.post(
        f"/api/v1/tickets/{number}/drafts", json={"task": "reply"}, headers=world.l1_agent
    )
    assert response.status_code == 409
    assert "language model" in response.json()["error"]["message"]


def test_an_attached_letter_is_not_read_as_a_log(client: TestClient, world: World) -> None:
    letter = (
        "Dear support team,\n\nthe upgrade failed twice on our gateway. The second attempt "
        "failed as well.\nWe attach the report our partner wrote.\n\nBest regards,\nAnna Rossi"
    )
    number = open_ticket(
        client,
        world.acme_contact,
        subject="Upgrade failed",
        body="See the attached letter.",
        attachments=[
            {
                "filename": "letter.txt",
                "content_base64": base64.b64encode(letter.encode()).decode(),
                "content_type": "text/plain",
                "restricted": False,
            }
        ],
    )
    facts = client.get(f"/api/v1/tickets/{number}/facts", headers=world.l1_agent).json()["items"]
    assert [f for f in facts if f["kind"] == "log-template"] == []


def test_an_attached_log_is_read_and_restricted_ones_stay_with_agents(
    client: TestClient, world: World
) -> None:
    def attached(name: str, restricted: bool) -> dict[str, Any]:
        return {
            "filename": name,
            "content_base64": base64.b64encode(LOG_LINES.encode()).decode(),
            "content_type": "text/plain",
            "restricted": restricted,
        }

    number = open_ticket(
        client,
        world.acme_contact,
        subject="Registration problems",
        body="Please see the attached logs.",
        attachments=[attached("sbc.log", False), attached("core.log", True)],
    )
    facts = client.get(f"/api/v1/tickets/{number}/facts", headers=world.l1_agent).json()["items"]
    sources = {f["detail"]["source"] for f in facts if f["kind"] == "log-template"}
    assert sources == {"sbc.log", "core.log"}
    assert all(f["attachment_id"] is not None for f in facts if f["kind"] == "log-template")
    seen_by_customer = client.get(f"/api/v1/tickets/{number}/facts", headers=world.acme_contact)
    customer_sources = {
        f["detail"]["source"]
        for f in seen_by_customer.json()["items"]
        if f["kind"] == "log-template"
    }
    assert customer_sources == {"sbc.log"}


def test_accepting_a_suggestion_the_model_abstained_on_counts_as_accepted_in_the_report(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    for name in ("Kestrel SBC", "Kestrel DeskPhone"):  # two alike: neither stands out
        catalog.create_product(
            app.desk, SYSTEM, catalog.NewProduct(name=name, description="Kestrel voice")
        )
    number = open_ticket(client, world.acme_contact, subject="Invoice", body="Where is it?")
    [product] = [
        s
        for s in client.get(f"/api/v1/tickets/{number}/triage", headers=world.l1_agent).json()[
            "items"
        ]
        if s["field"] == "product"
    ]
    assert product["suggested"] is None  # abstained; "best" is only a hint

    decided = client.post(
        f"/api/v1/tickets/{number}/triage/product", json={}, headers=world.l1_agent
    )
    assert decided.json()["outcome"] == "accepted"

    report = {
        r["field"]: r
        for r in client.get("/api/v1/triage/report", headers=world.l1_agent).json()["items"]
    }
    row = report["product"]
    assert (row["decided"], row["accepted"], row["corrected"]) == (1, 1, 0)
    assert (row["answered_decided"], row["accuracy"]) == (0, None)  # the model answered nothing
