"""Incidents with many tickets, and enhancement requests with their votes, through the API."""

from __future__ import annotations

from tests.factories import make_contact, make_organisation, make_ticket
from tests.workflow.conftest import World
from tierdesk.bootstrap import Tierdesk


def _notices(world: World, number: str, marker: str) -> list[str]:
    return [
        m["body"]
        for m in world.messages(number)
        if m["kind"] == "public-reply" and marker in m["body"]
    ]


def test_an_incident_with_50_tickets_updates_each_once_and_resolving_solves_all(
    app: Tierdesk, world: World
) -> None:
    organisations = [make_organisation(app.desk, plan="premium") for _ in range(5)]
    numbers = []
    for index in range(50):
        contact = make_contact(app.desk, organisation=organisations[index % 5])
        ticket = make_ticket(app.desk, contact=contact, subject=f"No dial tone {index}")
        assert ticket.number is not None
        numbers.append(ticket.number)

    declared = world.post(
        "/incidents", "l4", title="SIP trunk outage in Frankfurt", severity="sev1", tickets=numbers
    )
    assert declared.status_code == 201, declared.text
    incident = declared.json()
    assert incident["link_count"] == 50

    update = world.post(
        f"/incidents/{incident['id']}/updates",
        "l4",
        status="identified",
        text="A carrier router failed; traffic is being moved to Amsterdam.",
    )

    assert update.status_code == 201, update.text
    assert update.json()["tickets_notified"] == 50
    for number in numbers:
        told = _notices(world, number, "carrier router failed")
        assert len(told) == 1, number
        assert f"INC-{incident['id']}" in told[0]

    early_note = world.client.put(
        f"/api/v1/incidents/{incident['id']}/post-incident-note",
        json={"note": "too early"},
        headers=world.tokens["l4"],
    )
    assert early_note.status_code == 409

    resolved = world.post(
        f"/incidents/{incident['id']}/resolve", "l4", resolution="Traffic moved; calls work again."
    )

    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    statuses = {world.get(f"/tickets/{n}", "lead").json()["status"] for n in numbers}
    assert statuses == {"solved"}
    assert all(len(_notices(world, n, "calls work again")) == 1 for n in numbers)
    note = world.client.put(
        f"/api/v1/incidents/{incident['id']}/post-incident-note",
        json={"note": "Root cause: a line card. Action: second carrier in Frankfurt."},
        headers=world.tokens["l4"],
    )
    assert note.status_code == 200
    shown = world.get(f"/incidents/{incident['id']}", "l1").json()
    assert [u["status"] for u in shown["updates"]] == ["identified", "resolved"]
    assert shown["post_incident_note"].startswith("Root cause")
    again = world.post(f"/incidents/{incident['id']}/updates", "l4", status="monitoring", text="x")
    assert again.status_code == 409


def test_linking_to_an_incident_is_all_or_none_and_only_l4_runs_it(world: World) -> None:
    first = world.open("alpine")
    declared = world.post("/incidents", "l4", title="Voicemail down", tickets=[first]).json()

    mixed = world.post(
        f"/incidents/{declared['id']}/tickets", "l1", tickets=[world.open("alpine"), "TD-99999"]
    )

    assert mixed.status_code == 404
    assert world.get(f"/incidents/{declared['id']}", "l1").json()["link_count"] == 1
    assert world.post("/incidents", "l3", title="x").status_code == 403
    assert world.post("/incidents", "alpine", title="x").status_code == 403
    refused = world.post(
        f"/incidents/{declared['id']}/updates", "l1", status="identified", text="y"
    )
    assert refused.status_code == 403
    assert world.post(f"/incidents/{declared['id']}/tickets", "l1", tickets=[]).status_code == 422


def test_enhancements_count_one_vote_per_organisation_and_tell_them_when_shipped(
    app: Tierdesk, world: World
) -> None:
    created = world.post(
        "/enhancements", "l1", title="Busy lamp field for 64 keys", product="kestrel-pbx"
    )
    assert created.status_code == 201, created.text
    enhancement = created.json()
    first, second = world.open("alpine"), world.open("alpine")
    third = world.open("baltic")
    for number in (first, second, third):
        linked = world.post(f"/enhancements/{enhancement['id']}/tickets", "l1", ticket=number)
        assert linked.status_code == 200, linked.text
    voted = world.post(
        f"/enhancements/{enhancement['id']}/votes",
        "l1",
        organisation=make_organisation(app.desk).name,
    )
    assert voted.status_code == 200

    shown = world.get(f"/enhancements/{enhancement['id']}", "l1").json()
    assert shown["votes"] == 3  # two organisations by tickets, one by a call
    assert sorted(shown["organisations"])[:2] == ["Alpine Hotels", "Baltic Freight"]
    assert len(shown["tickets"]) == 3

    planned = world.client.put(
        f"/api/v1/enhancements/{enhancement['id']}/status",
        json={"status": "planned"},
        headers=world.tokens["lead"],
    )
    assert planned.status_code == 200
    assert (
        world.post(f"/enhancements/{enhancement['id']}/ship", "l1", version="5.0").status_code
        == 403
    )
    shipped = world.post(f"/enhancements/{enhancement['id']}/ship", "lead", version="5.0")
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["shipped_in"] == "5.0"
    for number, who in ((first, "alpine"), (second, "alpine"), (third, "baltic")):
        last = world.messages(number, who)[-1]["body"]
        assert "has shipped in release 5.0" in last
    listed = world.get("/enhancements", "l1").json()["items"]
    assert listed[0]["votes"] == 3
    late = world.post(
        f"/enhancements/{enhancement['id']}/tickets", "l1", ticket=world.open("baltic")
    )
    assert late.status_code == 422
