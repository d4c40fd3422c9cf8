"""One pagination on every list: `limit` (default 50, at most 200) and an opaque `cursor`,
answered as {"items": [...], "next_cursor": ...}; checked over the whole OpenAPI document so
lists added later are held to it too."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.factories import make_agent
from tierdesk.bootstrap import Tierdesk


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_list_takes_limit_and_cursor_and_answers_items_and_next_cursor(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    wrong = []
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if not operation:
            continue
        media = operation["responses"]["200"].get("content", {}).get("application/json", {})
        answer = _resolve(spec, media.get("schema", {}))
        if answer.get("type") == "array":
            wrong.append(f"{path}: a bare array")
            continue
        if answer.get("properties", {}).get("items", {}).get("type") != "array":
            continue
        params = {p["name"]: p for p in operation.get("parameters", [])}
        limit = params.get("limit", {}).get("schema", {})
        if (limit.get("default"), limit.get("maximum")) != (50, 200) or "cursor" not in params:
            wrong.append(f"{path}: limit {limit}, cursor {'cursor' in params}")
        if "next_cursor" not in answer.get("properties", {}):
            wrong.append(f"{path}: no next_cursor")
    assert wrong == []


def test_a_list_pages_through_every_item_once(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    for _ in range(4):
        make_agent(app.desk, tiers=[1])
    everyone = client.get("/api/v1/agents", headers=world.lead).json()
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/agents", params=params, headers=world.lead).json()
        assert len(page["items"]) <= 2
        seen += [a["id"] for a in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break

    assert everyone["next_cursor"] is None
    assert seen == [a["id"] for a in everyone["items"]]
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.parametrize(
    "path", ["/api/v1/agents", "/api/v1/notifications", "/api/v1/mail/quarantine", "/api/v1/audit"]
)
def test_a_cursor_the_list_never_handed_out_is_a_422_on_cursor(
    client: TestClient, world: World, path: str
) -> None:
    for cursor in ("garbage", "W10", "eyJhIjoxfQ"):  # not base64 JSON; [] ; {"a":1}
        answer = client.get(path, params={"cursor": cursor}, headers=world.lead)
        assert answer.status_code == 422, (path, cursor, answer.text)
        assert answer.json()["error"]["field"] == "cursor"


def test_a_limit_above_200_is_refused(client: TestClient, world: World) -> None:
    answer = client.get("/api/v1/agents", params={"limit": 201}, headers=world.lead)

    assert answer.status_code == 422


def test_articles_page_newest_first_without_repeats_while_new_ones_are_written(
    client: TestClient, world: World
) -> None:
    def write(title: str) -> int:
        answer = client.post("/api/v1/articles", json={"title": title}, headers=world.l1_agent)
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    written = [write(f"Article {n}") for n in range(3)]
    first = client.get("/api/v1/articles", params={"limit": 2}, headers=world.l1_agent).json()
    newer = write("Written between the pages")
    rest = client.get(
        "/api/v1/articles", params={"limit": 2, "cursor": first["next_cursor"]},
        headers=world.l1_agent,
    ).json()  # fmt: skip
    forged = client.get(
        "/api/v1/articles", params={"cursor": first["next_cursor"][:-4]}, headers=world.l1_agent
    )

    assert [a["id"] for a in first["items"] + rest["items"]] == written[::-1]
    assert newer not in [a["id"] for a in rest["items"]]
    assert rest["next_cursor"] is None
    assert forged.status_code == 422


def test_contacts_page_in_id_order(client: TestClient, world: World) -> None:
    everyone = client.get("/api/v1/contacts", headers=world.lead).json()["items"]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/contacts", params=params, headers=world.lead).json()
        seen += [c["id"] for c in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break

    assert seen == sorted(c["id"] for c in everyone) and len(seen) == 2
