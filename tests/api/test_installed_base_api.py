"""/api/v1 installed base: leads import and edit, agents read, contacts get 404, and the ticket
says which items it is about and whether support has expired."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.follow_ups import run_follow_ups
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM

CSV = (
    "organisation,kind,site,product,version,serial,name,expires_on\n"
    "Acme Telecom,item,Berlin,sbc,4.2.1,SBC-77,,\n"
    "Acme Telecom,support,,sbc,,,Premium support,2026-01-31\n"
)


def test_an_imported_installed_base_is_read_edited_and_shown_on_the_ticket(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    catalog.create_product(app.desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", key="sbc"))
    csv_headers = {**world.lead, "Content-Type": "text/csv"}
    url = "/api/v1/installed-items/import"
    refused = client.post(url, content=CSV, headers={**world.l1_agent, "Content-Type": "text/csv"})
    assert refused.status_code == 403
    bad = client.post(
        url, content=CSV.replace("4.2.1,SBC-77", "4.2.1,SBC-77,extra"), headers=csv_headers
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["errors"][0]["line"] == 2
    done = client.post(url, content=CSV, headers=csv_headers)
    assert done.status_code == 200, done.text
    assert done.json()["items_added"] == 1
    assert client.post(url, content=CSV, headers=csv_headers).json()["items_added"] == 0

    orgs = client.get("/api/v1/organisations", headers=world.lead).json()["items"]
    acme = next(o["id"] for o in orgs if o["name"] == "Acme Telecom")
    items_url = f"/api/v1/organisations/{acme}/installed-items"
    [item] = client.get(items_url, headers=world.l1_agent).json()["items"]
    assert (item["serial_number"], item["version"]) == ("SBC-77", "4.2.1")
    for contact in (world.acme_contact, world.globex_contact):
        assert client.get(items_url, headers=contact).status_code == 404
    duplicate = client.post(
        items_url, json={"product": "sbc", "serial_number": "sbc-77"}, headers=world.lead
    )
    assert duplicate.status_code == 409
    unknown = client.post(items_url, json={"product": "nope"}, headers=world.lead)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "product"

    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "SBC down", "body": "Serial number: SBC-77 stopped routing calls."},
        headers=world.acme_contact,
    )
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]
    run_follow_ups(client)  # matched from what it says
    shown = client.get(f"/api/v1/tickets/{number}/installed-items", headers=world.l1_agent).json()
    assert [(i["serial_number"], i["matched_by"], i["site"]) for i in shown["linked"]] == [
        ("SBC-77", "serial", "Berlin")
    ]
    assert shown["support"] == "expired" and shown["support_expired_on"] == "2026-01-31"
    assert "expired on 2026-01-31" in shown["warning"]
    answer = client.get(f"/api/v1/tickets/{number}/installed-items", headers=world.acme_contact)
    assert answer.status_code == 404
    gone = client.delete(
        f"/api/v1/tickets/{number}/installed-items/{item['id']}", headers=world.l1_agent
    )
    assert gone.json()["linked"] == []
