"""``PUT /api/v1/enhancements/{id}/status`` ships with the release it names (as ``…/ship``)
and keeps a note on the audit trail, on both engines."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World


def test_a_lead_ships_a_request_through_its_status_with_the_release_and_a_note(
    client: TestClient, world: World
) -> None:
    created = client.post("/api/v1/enhancements", json={"title": "SNMPv3"}, headers=world.lead)
    url = f"/api/v1/enhancements/{created.json()['id']}/status"

    no_release = client.put(url, json={"status": "shipped"}, headers=world.lead)
    shipped = client.put(
        url,
        json={"status": "shipped", "version": "7.1", "note": "In the spring release"},
        headers=world.lead,
    )

    assert no_release.status_code == 422 and no_release.json()["error"]["field"] == "version"
    assert shipped.status_code == 200
    assert (shipped.json()["status"], shipped.json()["shipped_in"]) == ("shipped", "7.1")
    trail = client.get("/api/v1/audit?action=enhancement.shipped", headers=world.lead).json()
    assert [e["reason"] for e in trail["items"]] == ["In the spring release"]
