"""GET /api/v1/audit on both engines: leads read every kind of event, filters narrow them,
cursors page stably, plain agents and customers get 403, bad filters 422 with the reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.factories import make_ticket
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Tier
from tierdesk.services import agents, people, queues
from tierdesk.services.auth import SYSTEM


def events(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


def lead_of(app: Tierdesk) -> int:
    [lead] = [a for a in people.list_agents(app.desk, SYSTEM) if a.is_lead]
    assert lead.id is not None
    return lead.id


@pytest.fixture
def history(app: Tierdesk, world: World, clock: FixedClock) -> str:
    """The world (set up by the system on 2026-03-02), then a lead's changes on the 3rd and a
    customer's ticket on the 4th. Returns the ticket's number."""
    [the_lead] = [a for a in people.list_agents(app.desk, SYSTEM) if a.is_lead]
    clock.advance(timedelta(days=1))
    queues.create_queue(app.desk, the_lead, queues.NewQueue(key="l2", name="L2", tier=Tier.L2))
    agents.update_agent(app.desk, the_lead, world.l1_agent_id, agents.AgentChanges(capacity=5))
    clock.advance(timedelta(days=1))
    [contact] = [c for c in people.list_contacts(app.desk, SYSTEM) if c.id == world.acme_contact_id]
    number = make_ticket(app.desk, contact=contact, subject="Calls drop").number
    assert number is not None
    return number


def test_a_lead_reads_events_of_several_kinds_newest_first(
    client: TestClient, world: World, history: str
) -> None:
    found = events(client, world.lead)

    ids = [e["id"] for e in found]
    assert ids == sorted(ids, reverse=True)
    kinds = {e["entity"] for e in found}
    assert {"ticket", "agent", "queue", "organisation", "contact"} <= kinds
    opened = next(e for e in found if e["action"] == "ticket.opened")
    assert (opened["ticket"], opened["actor_kind"]) == (history, "contact")
    assert opened["changes"]["subject"] == "Calls drop"
    entities = client.get("/api/v1/audit/entities", headers=world.lead)
    assert entities.status_code == 200 and {"ticket", "queue"} <= set(entities.json()["items"])


def test_filters_narrow_the_events(
    client: TestClient, app: Tierdesk, world: World, history: str
) -> None:
    lead = f"agent:{lead_of(app)}"

    assert [e["action"] for e in events(client, world.lead, entity="queue")] == ["queue.created"]
    assert [e["action"] for e in events(client, world.lead, actor=lead)] == [
        "agent.updated",
        "queue.created",
    ]
    by_system = events(client, world.lead, actor="system", action="agent.")
    assert {e["action"] for e in by_system} == {"agent.created"}
    on_the_3rd = events(client, world.lead, since="2026-03-03", until="2026-03-03")
    assert {e["action"] for e in on_the_3rd} == {"agent.updated", "queue.created"}
    from_noon = events(client, world.lead, since="2026-03-04T10:00:00+01:00")
    assert {e["action"] for e in from_noon} == {"ticket.opened", "message.added"}
    # "_" is a literal underscore in a prefix, not LIKE's any-character.
    assert events(client, world.lead, action="ticket_") == []


def test_cursor_pages_are_stable_while_new_events_arrive(
    client: TestClient, app: Tierdesk, world: World, history: str
) -> None:
    everything = [e["id"] for e in events(client, world.lead, limit=200)]

    seen: list[int] = []
    cursor = ""
    while True:
        response = client.get(
            "/api/v1/audit", params={"limit": 4, "cursor": cursor}, headers=world.lead
        )
        body = response.json()
        seen += [e["id"] for e in body["items"]]
        queues.create_queue(  # a new event between pages shifts nothing
            app.desk, SYSTEM, queues.NewQueue(key=f"q{len(seen)}", name="Q", tier=Tier.L1)
        )
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]

    assert seen == everything
    assert len(everything) > 8


@pytest.mark.parametrize("who", ["l1_agent", "l3_agent", "acme_contact"])
def test_plain_agents_and_customers_are_refused(client: TestClient, world: World, who: str) -> None:
    for path in ("/api/v1/audit", "/api/v1/audit/entities"):
        response = client.get(path, headers=getattr(world, who))

        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert "only leads and admins can read the audit log" in response.text
    assert client.get("/api/v1/audit").status_code == 401


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"since": "last tuesday"}, 422, "since 'last tuesday' is not a date"),
        ({"until": "2026-02-30"}, 422, "until '2026-02-30' is not a date"),
        ({"since": "2026-03-04", "until": "2026-03-03"}, 422, "'since' must be earlier"),
        # UTC cannot hold them, or the day after: OverflowError, 500
        ({"since": "9999-12-31T23:59:59-05:00"}, 422, "since: 9999-12-31T23:59:59-05:00 is not"),
        ({"until": "0001-01-01T00:00:00+05:00"}, 422, "until: 0001-01-01T00:00:00+05:00 is not"),
        ({"until": "9999-12-31"}, 422, "until: 9999-12-31T00:00:00+00:00 is not between"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 201}, 422, "limit"),
        ({"cursor": "abc"}, 422, "cursor 'abc' is not one this desk handed out"),
        ({"actor": "robot:1"}, 422, "actor 'robot:1' is not an e-mail address"),
        ({"actor": "x@nowhere.example"}, 422, "no agent or contact has the e-mail"),
    ],
)
def test_bad_filters_are_refused_with_the_reason(
    client: TestClient, world: World, params: dict[str, Any], status: int, message: str
) -> None:
    response = client.get("/api/v1/audit", params=params, headers=world.lead)

    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]


def test_ids_past_any_stored_one_are_refused_not_failed(
    client: TestClient, world: World, history: str
) -> None:
    huge = "999999999999999"
    for params, message in (
        ({"cursor": huge}, f"cursor '{huge}' is not one this desk handed out"),
        ({"cursor": "2147483648"}, "is not one this desk handed out"),
        ({"actor": f"agent:{huge}"}, "is not an e-mail address, agent:<id>"),
        ({"actor": "agent:2147483647"}, "there is no agent 2147483647"),
        ({"actor": "contact:2147483647"}, "there is no contact 2147483647"),
    ):
        response = client.get("/api/v1/audit", params=params, headers=world.lead)

        assert response.status_code == 422, response.text
        assert message in response.json()["error"]["message"]
    assert events(client, world.lead, cursor="2147483647") == events(client, world.lead)


def test_created_people_and_organisations_are_named_by_their_record_id(
    client: TestClient, world: World, history: str
) -> None:
    created = [
        e
        for e in events(client, world.lead)
        if e["action"] in ("agent.created", "contact.created", "organisation.created")
    ]

    assert {e["action"] for e in created} == {
        "agent.created",
        "contact.created",
        "organisation.created",
    }
    assert all(isinstance(e["entity_id"], int) for e in created)
    contacts = {e["entity_id"] for e in created if e["action"] == "contact.created"}
    assert world.acme_contact_id in contacts
