"""A queue's answer policy over the API (issue 17): leads and admins set it, agents may not, and
a word that is not a policy is refused beside its field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World


def _queue(client: TestClient, world: World) -> str:
    made = client.post(
        "/api/v1/queues", json={"key": "l1-tv", "name": "L1 TV", "level": 1}, headers=world.lead
    )
    assert made.status_code == 201, made.text
    assert made.json()["answers"] == "off"  # the default
    return "l1-tv"


def test_a_lead_sets_a_queue_to_send_answers(client: TestClient, world: World) -> None:
    key = _queue(client, world)

    patched = client.patch(f"/api/v1/queues/{key}", json={"answers": "send"}, headers=world.lead)

    assert patched.status_code == 200, patched.text
    assert patched.json()["answers"] == "send"
    assert client.get(f"/api/v1/queues/{key}", headers=world.l1_agent).json()["answers"] == "send"


def test_an_agent_may_not_set_the_answer_policy(client: TestClient, world: World) -> None:
    key = _queue(client, world)

    refused = client.patch(
        f"/api/v1/queues/{key}", json={"answers": "send"}, headers=world.l1_agent
    )

    assert refused.status_code == 403
    assert client.get(f"/api/v1/queues/{key}", headers=world.lead).json()["answers"] == "off"


def test_an_unknown_policy_is_refused_beside_its_field(client: TestClient, world: World) -> None:
    key = _queue(client, world)

    refused = client.patch(f"/api/v1/queues/{key}", json={"answers": "always"}, headers=world.lead)

    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "answers"


def test_a_lead_caps_a_plan_and_an_agent_may_not(client: TestClient, world: World) -> None:
    plans = client.get("/api/v1/plans", headers=world.l1_agent).json()["items"]
    assert {p["key"]: p["answers"] for p in plans}["premium"] == "send"  # no cap by default

    refused = client.patch("/api/v1/plans/premium", json={"answers": "off"}, headers=world.l1_agent)
    patched = client.patch("/api/v1/plans/premium", json={"answers": "suggest"}, headers=world.lead)
    wrong = client.patch("/api/v1/plans/premium", json={"answers": "never"}, headers=world.lead)
    missing = client.patch("/api/v1/plans/gold", json={"answers": "off"}, headers=world.lead)

    assert refused.status_code == 403
    assert patched.status_code == 200, patched.text
    assert patched.json()["answers"] == "suggest"
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "answers"
    assert missing.status_code == 404
    plans = client.get("/api/v1/plans", headers=world.lead).json()["items"]
    assert {p["key"]: p["answers"] for p in plans}["premium"] == "suggest"
