"""/api/v1/webhooks: admins only, the secret shown once, URLs checked beside their field
(loopback and private addresses refused by default: webhooks.allow_private_addresses is off
here)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from tests.factories import make_agent, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role

HOOK = {"url": "https://hooks.example.com/desk", "events": ["ticket.created", "sla.breached"]}


@pytest.fixture
def admin(app: Tierdesk) -> dict[str, str]:
    return bearer(token_for(app.desk, make_agent(app.desk, role=Role.ADMIN)))


def test_an_admin_subscribes_a_url_and_sees_the_secret_only_in_that_answer(
    client: TestClient, admin: dict[str, str]
) -> None:
    made = client.post("/api/v1/webhooks", json=HOOK, headers=admin)

    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    assert made.json()["events"] == ["ticket.created", "sla.breached"]
    listed = client.get("/api/v1/webhooks", headers=admin)
    shown = client.get(f"/api/v1/webhooks/{made.json()['id']}", headers=admin)
    assert [w["url"] for w in listed.json()["items"]] == [HOOK["url"]]
    for answer in (listed, shown):
        assert answer.status_code == 200
        assert secret not in answer.text
        assert "secret" not in answer.text


@pytest.mark.parametrize("who", ["lead", "l1_agent", "acme_contact"])
def test_only_admins_may_see_or_make_webhooks(
    client: TestClient, world: World, admin: dict[str, str], who: str
) -> None:
    made = client.post("/api/v1/webhooks", json=HOOK, headers=admin).json()
    headers = getattr(world, who)

    for answer in (
        client.get("/api/v1/webhooks", headers=headers),
        client.post("/api/v1/webhooks", json=HOOK, headers=headers),
        client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=headers),
        client.delete(f"/api/v1/webhooks/{made['id']}", headers=headers),
    ):
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.com/desk", "http"),
        ("hooks.example.com/desk", "http"),
        ("http://127.0.0.1:8080/hook", "not a public address"),
        ("http://[::1]/hook", "not a public address"),
        ("http://10.1.2.3/hook", "not a public address"),
        ("http://169.254.169.254/latest/meta-data", "not a public address"),
        ("http://localhost:8000/hook", "local address"),
        ("https://user:pw@hooks.example.com/", "credentials"),
    ],
)
def test_a_url_that_is_not_a_public_http_address_is_refused_beside_its_field(
    client: TestClient, admin: dict[str, str], url: str, why: str
) -> None:
    refused = client.post("/api/v1/webhooks", json={**HOOK, "url": url}, headers=admin)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "url"
    assert why in refused.json()["error"]["message"]
    assert client.get("/api/v1/webhooks", headers=admin).json()["items"] == []


def test_an_unknown_event_kind_is_refused_beside_its_field(
    client: TestClient, admin: dict[str, str]
) -> None:
    refused = client.post(
        "/api/v1/webhooks", json={**HOOK, "events": ["ticket.exploded"]}, headers=admin
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "events"


def test_an_admin_disables_enables_and_deletes_a_webhook(
    client: TestClient, admin: dict[str, str]
) -> None:
    hook = client.post("/api/v1/webhooks", json=HOOK, headers=admin).json()
    url = f"/api/v1/webhooks/{hook['id']}"

    off = client.patch(url, json={"active": False}, headers=admin).json()
    assert off["active"] is False
    assert off["disabled_reason"].startswith("disabled by ")
    on = client.patch(url, json={"active": True, "events": ["*"]}, headers=admin).json()
    assert on["active"] is True
    assert on["disabled_reason"] is None
    assert "incident.updated" in on["events"]
    assert "ping" not in on["events"]

    assert client.delete(url, headers=admin).status_code == 204
    gone = client.get(url, headers=admin)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
