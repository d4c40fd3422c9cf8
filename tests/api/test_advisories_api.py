"""/api/v1/advisories: leads preview and send, agents read and mark, contacts see only their
organisation's advisory (with its own row) and acknowledge it; mistakes are 4xx by field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import catalog, people
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM

URL = "/api/v1/advisories"


def test_an_advisory_is_sent_read_and_tracked_through_the_api(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    desk = app.desk
    versions = [("5.2.1", None), ("5.10", None)]
    catalog.create_product(
        desk, SYSTEM, catalog.NewProduct("Kestrel SBC", "sbc", versions=versions)
    )
    acme = next(o for o in people.list_organisations(desk, SYSTEM) if o.name == "Acme Telecom")
    ib.add_item(desk, SYSTEM, acme.id or 0, ib.ItemInput("sbc", version="5.2.1"))
    body = {
        "product": "sbc",
        "version": "5.2.1",
        "reason": "end-of-support",
        "end_of_support": "2025-12-31",
        "target_version": "5.10",
        "message": "Support for 5.2.1 ends; please upgrade.",
    }

    assert client.post(URL, json=body, headers=world.l1_agent).status_code == 403
    bad = client.post(URL, json={**body, "target_version": "4.0"}, headers=world.lead)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "target_version"
    preview = client.post(f"{URL}/preview", json=body, headers=world.lead).json()
    assert [o["organisation"] for o in preview["organisations"]] == ["Acme Telecom"]
    created = client.post(URL, json=body, headers=world.lead)
    assert created.status_code == 201
    number = created.json()["id"]
    assert [o["state"] for o in created.json()["organisations"]] == ["notified"]

    listed = client.get(URL, params={"limit": 1}, headers=world.l1_agent).json()
    assert [a["id"] for a in listed["items"]] == [number]
    assert client.get(URL, headers=world.globex_contact).json()["items"] == []
    assert client.get(f"{URL}/{number}", headers=world.globex_contact).status_code == 404

    state = f"{URL}/{number}/organisations/{acme.id}/state"
    acked = client.put(state, json={"state": "acknowledged"}, headers=world.acme_contact)
    assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
    assert client.put(state, json={"state": "upgraded"}, headers=world.l1_agent).status_code == 200
    back = client.put(state, json={"state": "acknowledged"}, headers=world.l1_agent)
    assert back.status_code == 409
