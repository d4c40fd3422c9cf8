"""Date-times named in a query: one that UTC cannot hold, or so far out that counting back a
period from it leaves the years a datetime holds, is a 422 naming the parameter (converting
it raised OverflowError: 500); one without a zone is UTC (the triage report bound it naive:
500). On both engines."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World

ROUTES = [
    ("/api/v1/tickets", "updated_since"),
    ("/api/v1/triage/report", "since"),
    ("/api/v1/metrics", "since"),
    ("/api/v1/metrics", "until"),
]
OUT_OF_RANGE = [
    "9999-12-31T23:59:59-05:00",  # past 9999 in UTC
    "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
    "0001-01-01T00:00:00Z",  # the metrics count 30 days back from until
]


@pytest.mark.parametrize(("path", "name"), ROUTES)
def test_a_date_time_utc_cannot_hold_is_refused_naming_it(
    client: TestClient, world: World, path: str, name: str
) -> None:
    for value in OUT_OF_RANGE:
        answer = client.get(path, params={name: value}, headers=world.lead)

        assert answer.status_code == 422, (value, answer.text)
        error = answer.json()["error"]
        assert error["code"] == "invalid_request"
        assert [p["field"] for p in error["problems"]] == [f"query.{name}"]


@pytest.mark.parametrize(("path", "name"), ROUTES)
def test_a_date_time_without_a_zone_is_utc(
    client: TestClient, world: World, path: str, name: str
) -> None:
    answer = client.get(path, params={name: "2026-01-01T00:00:00"}, headers=world.lead)

    assert answer.status_code == 200, answer.text
