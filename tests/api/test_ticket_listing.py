"""GET /api/v1/tickets: `sort` and `updated_since`, paged with the one cursor of every list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tierdesk.adapters.clock import FixedClock


def _open(client: TestClient, world: World, priority: str = "P3") -> dict[str, Any]:
    body = {"subject": "One-way audio", "body": "Callers cannot hear us.", "priority": priority}
    response = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _every_page(client: TestClient, world: World, **params: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = client.get("/api/v1/tickets", params=query, headers=world.l1_agent)
        assert answer.status_code == 200, answer.text
        seen += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return seen


def test_tickets_sorted_by_priority_come_most_urgent_first_across_pages(
    client: TestClient, world: World
) -> None:
    opened = [_open(client, world, p) for p in ("P3", "P1", "P4", "P2", "P1")]
    by_id = {t["id"]: t["priority"] for t in opened}

    urgent_first = _every_page(client, world, sort="priority")
    least_first = _every_page(client, world, sort="-priority")

    assert [by_id[t["id"]] for t in urgent_first] == ["P1", "P1", "P2", "P3", "P4"]
    assert [t["id"] for t in urgent_first][:2] == sorted(t["id"] for t in opened[1::3])
    assert [by_id[t["id"]] for t in least_first] == ["P4", "P3", "P2", "P1", "P1"]


def test_updated_since_lists_only_the_tickets_changed_since_then(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    before = _open(client, world)
    since = clock.now() + timedelta(minutes=30)
    clock.advance(timedelta(hours=1))
    after = _open(client, world)

    changed = _every_page(client, world, updated_since=since.isoformat(), sort="updated")
    naive = _every_page(client, world, updated_since=since.replace(tzinfo=None).isoformat())

    assert [t["id"] for t in changed] == [after["id"]]
    assert [t["id"] for t in naive] == [after["id"]]
    assert before["id"] in [t["id"] for t in _every_page(client, world, sort="created")]


def test_an_unknown_sort_or_a_time_that_is_not_iso_8601_is_refused(
    client: TestClient, world: World
) -> None:
    for params, field in (({"sort": "severity"}, "sort"), ({"updated_since": "yesterday"}, "")):
        answer = client.get("/api/v1/tickets", params=params, headers=world.l1_agent)
        assert answer.status_code == 422
        problems = answer.json()["error"]["problems"]
        assert any(p["field"].endswith(field or "updated_since") for p in problems)


def test_a_cursor_handed_out_for_another_sort_is_refused(client: TestClient, world: World) -> None:
    for priority in ("P1", "P2", "P3"):
        _open(client, world, priority)
    first = client.get(
        "/api/v1/tickets", params={"sort": "priority", "limit": 1}, headers=world.l1_agent
    ).json()

    answer = client.get(
        "/api/v1/tickets",
        params={"sort": "-created", "cursor": first["next_cursor"]},
        headers=world.l1_agent,
    )

    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "cursor"
