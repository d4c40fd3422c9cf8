"""People acting on one incident at the same moment take turns (``UnitOfWork.hold``): four
resolving it at once left four "resolved" updates and told every linked customer four times;
four posting updates at once had three refused with 409. Now one resolve wins and the others
meet it resolved (409), and every update is posted once; four removing one time entry at once
gave four 204s and four "deleted" events, now one and the rest 404. Threads through the real
API, on both engines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tests.races import together
from tests.workflow.conftest import World
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk


def _incident(world: World) -> tuple[int, list[str]]:
    numbers = [world.open("alpine"), world.open("baltic")]
    declared = world.post(
        "/incidents", "l4", title="Trunk outage", severity="sev2", tickets=numbers
    )
    assert declared.status_code == 201, declared.text
    return int(declared.json()["id"]), numbers


def _notices(world: World, number: str, marker: str) -> list[dict[str, Any]]:
    return [m for m in world.messages(number) if marker in m["body"]]


def test_four_resolving_one_incident_at_once_resolve_it_once(world: World) -> None:
    incident, numbers = _incident(world)

    answers = together(
        [
            lambda n=n: world.post(f"/incidents/{incident}/resolve", "l4", resolution=f"Fixed {n}")
            for n in range(4)
        ]
    )

    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409], [a.text for a in answers]
    shown = world.get(f"/incidents/{incident}", "l1").json()
    assert [u["status"] for u in shown["updates"]] == ["resolved"]
    for number in numbers:
        assert len(_notices(world, number, "Fixed ")) == 1, number


def test_four_updates_posted_to_one_incident_at_once_are_all_posted_once(world: World) -> None:
    incident, numbers = _incident(world)

    answers = together(
        [
            lambda n=n: world.post(
                f"/incidents/{incident}/updates", "l4", status="identified", text=f"Finding {n}"
            )
            for n in range(4)
        ]
    )

    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    shown = world.get(f"/incidents/{incident}", "l1").json()
    assert sorted(u["text"] for u in shown["updates"]) == [f"Finding {n}" for n in range(4)]
    for number in numbers:
        assert len(_notices(world, number, "Finding ")) == 4, number


def test_four_removing_one_time_entry_at_once_remove_it_once(app: Tierdesk, world: World) -> None:
    number = world.open("alpine")
    logged = world.post("/time-entries", "lead", ticket=number, minutes=7, note="Call")
    assert logged.status_code == 201, logged.text
    path = f"/api/v1/time-entries/{logged.json()['id']}"

    answers = together(
        [lambda: world.client.delete(path, headers=world.tokens["lead"]) for _ in range(4)]
    )

    assert sorted(a.status_code for a in answers) == [204, 404, 404, 404]
    removed = select(func.count()).where(tables.audit_events.c.action == "time.deleted")
    with app.engine.connect() as connection:
        assert connection.scalar(removed) == 1
