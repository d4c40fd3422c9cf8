"""Two people changing one ticket at the same moment: the first change stands, the second is
answered 409 (reload and try again) instead of 200 over a state it never saw; never a 500,
never a trail whose steps do not follow each other. In process, on both engines, with threads
racing through the real API (and, for the mechanism alone, two units of work interleaved)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.races import together
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.ticket_values import Priority, Status
from tierdesk.errors import ConflictError
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

PACKET = {
    "symptoms": "Phones reboot every hour",
    "environment": "KP-200 4.0.1",
    "steps_tried": [{"step": "Rebooted the switch", "result": "no change"}],
}


def _open(client: TestClient, world: World) -> str:
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "Phones reboot", "body": "Every hour since Monday."},
        headers=world.acme_contact,
    )
    assert opened.status_code == 201, opened.text
    return str(opened.json()["number"])


def _race(*requests: Callable[[], httpx.Response]) -> list[httpx.Response]:
    answers = together(requests)
    for answer in answers:
        assert answer.status_code in (200, 409), answer.text
        if answer.status_code == 409:
            # refused as a race ("reload"), or, when the other one committed before this one
            # read the ticket, as the step the new state does not allow
            error = answer.json()["error"]
            assert "reload" in error["message"] or error["code"] == "invalid_transition", error
    return answers


def _events(client: TestClient, world: World, number: str, action: str) -> list[dict[str, Any]]:
    found = client.get(f"/api/v1/tickets/{number}/events", headers=world.lead)
    return [e for e in found.json()["items"] if e["action"] == action]


def test_priority_changes_racing_each_stand_or_are_refused_and_the_trail_follows_them(
    client: TestClient, world: World
) -> None:
    number = _open(client, world)
    wanted = ["P1", "P2", "P4", "P1", "P2", "P4"]

    answers = _race(
        *(
            lambda p=p: client.patch(
                f"/api/v1/tickets/{number}", json={"priority": p}, headers=world.lead
            )
            for p in wanted
        )
    )

    steps = [
        e["changes"]["priority"] for e in _events(client, world, number, "ticket.priority_changed")
    ]
    accepted = sum(a.status_code == 200 for a in answers)
    assert accepted >= 1 and len(steps) <= accepted
    assert steps[0][0] == "P3"
    assert all(before[1] == after[0] for before, after in pairwise(steps))
    final = client.get(f"/api/v1/tickets/{number}", headers=world.lead).json()
    assert final["priority"] == steps[-1][1]


def test_a_solve_racing_a_status_change_never_leaves_an_unsolved_ticket_with_a_solution(
    client: TestClient, world: World
) -> None:
    for _ in range(3):
        number = _open(client, world)

        _race(
            lambda n=number: client.post(
                f"/api/v1/tickets/{n}/solve", json={"resolution": "fixed"}, headers=world.lead
            ),
            lambda n=number: client.patch(
                f"/api/v1/tickets/{n}",
                json={"status": "pending-customer"},
                headers=world.lead,
            ),
        )

        final = client.get(f"/api/v1/tickets/{number}", headers=world.lead).json()
        steps = [
            e["changes"]["status"]
            for e in _events(client, world, number, "ticket.status_changed")
            + _events(client, world, number, "ticket.solved")
            if "status" in e["changes"]
        ]
        assert (final["status"] == "solved") == (final["solved_at"] is not None), final
        assert len({before for before, _ in steps}) == len(steps), (
            steps
        )  # no step from a stale state


def test_escalations_racing_make_one_packet_and_refuse_the_others_with_409(
    client: TestClient, world: World
) -> None:
    number = _open(client, world)
    body = {"to_level": 2, "reason": "needs L2", "packet": PACKET}

    answers = _race(
        *(
            lambda: client.post(f"/api/v1/tickets/{number}/escalate", json=body, headers=world.lead)
            for _ in range(3)
        )
    )

    assert sum(a.status_code == 200 for a in answers) == 1
    assert len(_events(client, world, number, "ticket.escalated")) == 1


def _change_over_a_stale_read(desk: Desk, number: str) -> None:
    with desk.uow() as late:
        stale = late.tickets.get_by_number(number)  # read, then another person changes it
        assert stale is not None
        with desk.uow() as first:
            fresh = first.tickets.get_by_number(number)
            assert fresh is not None
            fresh.change_priority(Priority.P1, SYSTEM, desk.clock.now(), None)
            first.commit()
        stale.change_status(Status.PENDING_CUSTOMER, SYSTEM, desk.clock.now())
        late.commit()


def test_a_change_made_over_a_state_changed_meanwhile_is_refused_and_the_first_stands(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    number = _open(client, world)

    with pytest.raises(ConflictError, match="reload"):
        _change_over_a_stale_read(app.desk, number)

    kept = tickets.get_ticket(app.desk, SYSTEM, number)
    assert kept.priority is Priority.P1 and kept.status is not Status.PENDING_CUSTOMER


def test_replies_and_notes_racing_on_one_ticket_are_all_stored(
    client: TestClient, world: World
) -> None:
    """Adding to a ticket means the same whatever its state became: racing replies hold the
    ticket in turn (``UnitOfWork.hold``), each over the one stored before it; none is refused
    (one was answered 409 under load)."""
    number = _open(client, world)
    kinds = ["public-reply", "internal-note"] * 3
    path = f"/api/v1/tickets/{number}/messages"

    answers = together(
        [
            lambda n=n, k=k: client.post(
                path,
                json={"body": f"Step {n}: checked the registrar.", "kind": k},
                headers=world.lead,
            )
            for n, k in enumerate(kinds)
        ]
    )

    assert sorted(a.status_code for a in answers) == [201] * len(kinds), [a.text for a in answers]
    thread = client.get(f"/api/v1/tickets/{number}", headers=world.lead).json()
    stored = [m["body"] for m in thread["messages"] if m["body"].startswith("Step")]
    assert sorted(stored) == sorted(f"Step {n}: checked the registrar." for n in range(6))
