"""/api/v1 access notes (issue 21 item 2): leads write, agents list without secrets, an agent at
an allowed level reveals one for a ticket (audited, never cached, never logged), contacts get
404, and a desk without a key answers 409."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.api.conftest import World, bearer
from tests.factories import make_agent, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import SearchSettings, Settings
from tierdesk.entrypoints.web.app import create_app

SECRET = "jump.acme.example ssh ops@10.1.2.3 key-passphrase Quokka-5521"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        access_notes_key=SecretStr(Fernet.generate_key().decode()),
    )


def _acme(client: TestClient, world: World) -> int:
    orgs = client.get("/api/v1/organisations", headers=world.lead).json()["items"]
    return int(next(o["id"] for o in orgs if o["name"] == "Acme Telecom"))


def _ticket(client: TestClient, headers: dict[str, str]) -> str:
    opened = client.post(
        "/api/v1/tickets", json={"subject": "Calls drop", "body": "Since 9:00."}, headers=headers
    )
    assert opened.status_code == 201, opened.text
    return str(opened.json()["number"])


def test_notes_are_written_by_leads_listed_without_secrets_and_revealed_for_a_ticket(
    client: TestClient, world: World, app: Tierdesk, caplog: pytest.LogCaptureFixture
) -> None:
    acme = _acme(client, world)
    url = f"/api/v1/organisations/{acme}/access-notes"
    note = {"title": "Jump host", "kind": "jump_host", "body": SECRET}
    assert client.post(url, json=note, headers=world.l1_agent).status_code == 403
    missing = client.post(url, json={**note, "body": " "}, headers=world.lead)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "body"
    created = client.post(url, json=note, headers=world.lead)
    assert created.status_code == 201, created.text
    assert "body" not in created.json()
    note_id = created.json()["id"]

    listed = client.get(url, headers=world.l1_agent)
    assert [n["title"] for n in listed.json()["items"]] == ["Jump host"]
    assert "Quokka" not in listed.text
    for contact in (world.acme_contact, world.globex_contact):
        assert client.get(url, headers=contact).status_code == 404

    ticket = _ticket(client, world.acme_contact)
    reveal = f"/api/v1/access-notes/{note_id}/reveal"
    assert client.post(reveal, json={"ticket": ticket}, headers=world.l1_agent).status_code == 403
    assert client.post(reveal, json={}, headers=world.lead).status_code == 422
    assert client.post(reveal, json={"ticket": ticket}, headers=world.acme_contact).status_code == (
        404
    )
    other = _ticket(client, world.globex_contact)
    assert client.post(reveal, json={"ticket": other}, headers=world.lead).status_code == 403

    with caplog.at_level(logging.DEBUG):
        shown = client.post(reveal, json={"ticket": ticket}, headers=world.lead)
    assert shown.status_code == 200, shown.text
    assert shown.json()["body"] == SECRET and shown.json()["ticket"] == ticket
    assert shown.headers["Cache-Control"] == "no-store"
    assert caplog.records, "the request was logged"
    assert "Quokka" not in caplog.text
    assert all("Quokka" not in repr(r.__dict__) for r in caplog.records)

    audit = client.get(
        "/api/v1/audit", params={"action": "access_note.revealed"}, headers=world.lead
    )
    assert audit.status_code == 200, audit.text
    [event] = audit.json()["items"]
    assert event["ticket"] == ticket and event["changes"]["ticket"] == ticket
    assert "Quokka" not in audit.text

    policy = f"/api/v1/organisations/{acme}/access-policy"
    assert client.get(policy, headers=world.l1_agent).json()["min_tier"] == 2
    assert client.put(policy, json={"min_tier": 3}, headers=world.l1_agent).status_code == 403
    raised = client.put(policy, json={"min_tier": 3}, headers=world.lead)
    assert raised.json()["min_tier"] == 3 and raised.json()["may_reveal"] is False
    refused = client.post(reveal, json={"ticket": ticket}, headers=world.lead)
    assert refused.status_code == 403
    assert client.post(reveal, json={"ticket": ticket}, headers=world.l3_agent).status_code == 200


def test_without_a_key_notes_cannot_be_written_or_revealed_and_the_desk_says_why(
    app: Tierdesk, world: World, client: TestClient
) -> None:
    acme = _acme(client, world)
    url = f"/api/v1/organisations/{acme}/access-notes"
    note_id = client.post(
        url, json={"title": "VPN", "kind": "vpn", "body": SECRET}, headers=world.lead
    ).json()["id"]
    ticket = _ticket(client, world.acme_contact)
    app.desk = replace(app.desk, access_notes=None)
    engineer = bearer(token_for(app.desk, make_agent(app.desk, tiers=[2])))
    with TestClient(create_app(app)) as locked:
        assert locked.get(url, headers=engineer).status_code == 200
        refused = locked.post(
            f"/api/v1/access-notes/{note_id}/reveal", json={"ticket": ticket}, headers=engineer
        )
        assert refused.status_code == 409
        assert "TIERDESK_ACCESS_NOTES_KEY" in refused.json()["error"]["message"]
        add = locked.post(url, json={"title": "x", "kind": "vpn", "body": "y"}, headers=world.lead)
        assert add.status_code == 409
