"""Which desk events reach a webhook, and as what: a webhook hears only the kinds it subscribed
to; a priority change is ticket.updated with its before and after, solving is ticket.solved
without the colleagues' resolution, and an incident's update is incident.updated."""

from __future__ import annotations

import json
from typing import Any

from tests.factories import make_agent, make_ticket
from tests.webhooks.conftest import Receiver
from tierdesk.domain.incidents import IncidentStatus
from tierdesk.domain.people import Role
from tierdesk.domain.tickets import Priority
from tierdesk.services import incidents, tickets, webhooks
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import run_pending_jobs


def _received(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in receiver.requests]


def test_a_webhook_hears_only_the_kinds_it_subscribed_to_with_what_changed(
    desk: Desk, receiver: Receiver
) -> None:
    admin = make_agent(desk, role=Role.ADMIN)
    lead = make_agent(desk, tiers=[1, 2], role=Role.LEAD)
    webhooks.create_webhook(
        desk, admin, receiver.url, ["ticket.updated", "ticket.solved", "incident.updated"]
    )
    ticket = make_ticket(desk)
    assert ticket.id is not None

    tickets.change_priority(desk, lead, ticket.id, Priority.P1, "customer is down")
    tickets.solve_ticket(desk, lead, ticket.id, "restarted the SBC (colleagues only)", "Fixed.")
    incident = incidents.declare_incident(desk, lead, "Trunk outage", tickets=[ticket.id])
    incidents.post_incident_update(
        desk, lead, incident.id or 0, IncidentStatus.IDENTIFIED, "A router failed."
    )
    run_pending_jobs(desk, "test")

    received = _received(receiver)
    kinds = [r["kind"] for r in received]
    assert "ticket.created" not in kinds
    assert "message.added" not in kinds
    updated = next(r for r in received if r["kind"] == "ticket.updated")
    assert updated["changes"]["priority"] == {"from": "P3", "to": "P1"}
    solved = next(r for r in received if r["kind"] == "ticket.solved")
    assert solved["changes"]["status"]["to"] == "solved"
    assert solved["ticket"]["status"] == "solved"
    assert all("colleagues only" not in r.body.decode() for r in receiver.requests)
    [update] = [r for r in received if r["kind"] == "incident.updated"]
    assert update["incident"]["reference"] == f"INC-{incident.id}"
    assert update["incident"]["status"] == "identified"
