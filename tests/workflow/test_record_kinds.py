"""Every kind of linked record runs the shared suite (``record_kind_suite.py``)."""

from __future__ import annotations

from typing import Any

from tests.workflow.conftest import World
from tests.workflow.record_kind_suite import RecordKindSuite


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestKnownIssues(RecordKindSuite):
    path, prefix, kind, author, created = "/known-issues", "KI", "known-issue", "l2", "created"

    def create(self, world: World) -> dict[str, Any]:
        body = {"title": "Calls drop at 32 s", "symptoms": "Drops", "fix": "Upgrade to 4.3"}
        return _created(world.post(self.path, self.author, **body))


class TestDefects(RecordKindSuite):
    path, prefix, kind, author, created = "/defects", "DEF", "defect", "l3", "opened"

    def create(self, world: World) -> dict[str, Any]:
        """Defects are opened from a ticket at level 3, which they are linked to."""
        number = world.open("alpine", subject="Transferred calls drop")
        world.escalate(number, "lead", 3, "l3")
        return _created(world.post(self.path, self.author, ticket=number))


class TestIncidents(RecordKindSuite):
    path, prefix, kind, author, created = "/incidents", "INC", "incident", "l4", "declared"

    def create(self, world: World) -> dict[str, Any]:
        return _created(world.post(self.path, self.author, title="SIP trunk outage"))

    def link(self, world: World, who: str, record_id: int, number: str) -> Any:
        return world.post(f"{self.path}/{record_id}/tickets", who, tickets=[number])


class TestEnhancements(RecordKindSuite):
    path, prefix, kind, author, created = "/enhancements", "ENH", "enhancement", "l1", "created"
    counts_links = False  # an enhancement counts its requesting organisations (votes)

    def create(self, world: World) -> dict[str, Any]:
        return _created(world.post(self.path, self.author, title="Syslog over TLS"))


class TestArticles(RecordKindSuite):
    """KB articles record the tickets they helped like the other kinds; unlike them, a
    customer may read a published public one, so a draft is "not found" to them."""

    path, prefix, kind, author, created = "/articles", "KB", "article", "l1", "created"

    def create(self, world: World) -> dict[str, Any]:
        body = {"title": "Calls drop at 32 s", "problem": "Drops", "answer": "Upgrade to 4.3"}
        return _created(world.post(self.path, self.author, **body))

    def test_customers_read_none_of_them(self, world: World) -> None:
        record = self.create(world)

        assert world.get(self.path, "alpine").status_code == 403
        assert world.get(f"{self.path}/{record['id']}", "alpine").status_code == 404
