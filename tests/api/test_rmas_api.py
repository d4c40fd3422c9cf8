"""/api/v1 RMAs: an L1 agent requests, an L3 engineer approves and ships, the ticket lists it
and the installed base has the replacement; contacts get 404 and bad input a 4xx envelope."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import catalog
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM


def test_an_rma_is_requested_approved_and_shipped_through_the_api(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    desk = app.desk
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    orgs = client.get("/api/v1/organisations", headers=world.lead).json()["items"]
    acme = next(o["id"] for o in orgs if o["name"] == "Acme Telecom")
    ib.add_site(desk, SYSTEM, acme, ib.SiteInput("Berlin", "Hauptstr. 1"))
    item = ib.add_item(desk, SYSTEM, acme, ib.ItemInput("phone", "Berlin", None, "KP-77"))
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "Handset dead", "body": "KP-77 will not power on."},
        headers=world.acme_contact,
    )
    number = opened.json()["number"]
    url = f"/api/v1/tickets/{number}/rmas"
    body = {"installed_item_ids": [item.id], "fault": "No power", "kind": "advance_replacement"}
    bad = client.post(url, json={**body, "declared_value": "12,3,4"}, headers=world.l1_agent)
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "declared_value"
    assert client.post(url, json=body, headers=world.acme_contact).status_code == 404
    made = client.post(url, json={**body, "declared_value": "99.5"}, headers=world.l1_agent)
    assert made.status_code == 201, made.text
    [rma] = made.json()
    assert (rma["state"], rma["declared_value"], rma["ship_to"]) == (
        "requested",
        "99.50",
        "Hauptstr. 1",
    )
    approve = f"/api/v1/rmas/{rma['id']}/approve"
    assert client.post(approve, headers=world.l1_agent).status_code == 403
    assert client.post(approve, headers=world.l3_agent).json()["state"] == "approved"
    shipped = client.post(
        f"/api/v1/rmas/{rma['id']}/ship",
        json={"replacement_serial": "KP-78", "tracking": "1Z1"},
        headers=world.l3_agent,
    )
    assert shipped.json()["replacement_serial"] == "KP-78", shipped.text
    assert client.post(f"/api/v1/rmas/{rma['id']}/close", headers=world.lead).status_code == 409
    listed = client.get("/api/v1/rmas?state=shipped&limit=1", headers=world.lead).json()
    assert [r["reference"] for r in listed["items"]] == [rma["reference"]]
    assert client.get(url, headers=world.l1_agent).json()["items"][0]["state"] == "shipped"
    for contact in (world.acme_contact, world.globex_contact):
        assert client.get(f"/api/v1/rmas/{rma['id']}", headers=contact).status_code == 404
    items = client.get(f"/api/v1/organisations/{acme}/installed-items", headers=world.lead)
    assert {(i["serial_number"], i["status"]) for i in items.json()["items"]} == {
        ("KP-77", "replaced"),
        ("KP-78", "active"),
    }
