"""The audit trail of the desk's understanding, on both engines: who declared or dismissed an
outage proposal (with the incident and the tickets), and who trained which triage model on how
many tickets with what held-back results."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.understanding.conftest import World
from tests.understanding.test_training_and_llm import solved_history
from tests.understanding.test_understanding_api import open_ticket
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.outages import ProposalStatus
from tierdesk.errors import InvalidTransitionError
from tierdesk.services import outages, triage
from tierdesk.services.auth import SYSTEM


def audit_rows(app: Tierdesk, action: str) -> list[Any]:
    a = tables.audit_events.c
    with app.engine.connect() as connection:
        query = select(tables.audit_events).where(a.action == action).order_by(a.id)
        return list(connection.execute(query))


def burst(client: TestClient, world: World, code: str) -> int:
    """Three tickets with the same error code from two organisations: one open proposal."""
    for n, who in enumerate([world.acme_contact, world.acme_contact, world.globex_contact]):
        open_ticket(
            client, who, subject="Registration fails", body=f"Phones cannot register: {code} ({n})"
        )
    [proposal] = client.get("/api/v1/outage-proposals", headers=world.l1_agent).json()["items"]
    return int(proposal["id"])


def test_declaring_a_proposal_records_who_the_incident_and_the_tickets(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    proposal_id = burst(client, world, "E4711")
    proposal = outages.get_proposal(app.desk, SYSTEM, proposal_id)
    assert audit_rows(app, "outage_proposal.decided") == []

    decided = client.post(
        f"/api/v1/outage-proposals/{proposal_id}/decision",
        json={"status": "declared", "incident_id": 7},
        headers=world.l1_agent,
    )
    assert decided.status_code == 200, decided.text

    [row] = audit_rows(app, "outage_proposal.decided")
    assert (row.subject_type, row.subject_id, row.actor_kind) == (
        "outage_proposal",
        proposal_id,
        "agent",
    )
    assert row.actor_name == decided.json()["decided_by"]
    assert row.at is not None
    assert row.changes == {
        "status": ["open", "declared"],
        "incident_id": 7,
        "ticket_ids": proposal.ticket_ids,
        "title": proposal.title,
    }


def test_dismissing_is_recorded_once_and_a_refused_second_decision_leaves_no_trace(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    proposal_id = burst(client, world, "E9001")

    outages.decide_proposal(app.desk, SYSTEM, proposal_id, ProposalStatus.DISMISSED)
    with pytest.raises(InvalidTransitionError):
        outages.decide_proposal(app.desk, SYSTEM, proposal_id, ProposalStatus.DECLARED, 3)

    [row] = audit_rows(app, "outage_proposal.decided")
    assert (row.actor_kind, row.actor_name) == ("system", "tierdesk")
    assert row.changes["status"] == ["open", "dismissed"]
    assert row.changes["incident_id"] is None


def test_training_a_triage_model_records_the_model_its_examples_and_held_back_results(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    assert triage.train_triage(app.desk, SYSTEM).model_id is None
    assert audit_rows(app, "triage_model.trained") == []  # nothing stored, nothing to record

    solved_history(client, world)
    result = triage.train_triage(app.desk, SYSTEM)

    [row] = audit_rows(app, "triage_model.trained")
    assert (row.subject_type, row.subject_id) == ("triage_model", result.model_id)
    assert (row.actor_kind, row.actor_name) == ("system", "tierdesk")
    assert row.changes["examples"] == 12
    assert row.changes["skipped"] == result.skipped
    assert "priority" in row.changes["skipped"]
    recorded = row.changes["fields"]["type"]
    assert recorded == result.fields["type"]
    assert recorded["classes"] == 2
    assert {"threshold", "validation_accuracy", "validation_macro_f1"} <= set(recorded)
    # twelve tickets cannot show 98 % precision; the desk's own threshold is recorded beside
    assert recorded["strict_threshold"] > 1.0
