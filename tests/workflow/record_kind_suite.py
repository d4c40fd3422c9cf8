"""What every kind of linked record promises, as one test class each kind runs through the API
(``test_record_kinds.py``): it is created, listed and read under its reference; a ticket is
linked once, and the link shows on the record, on the ticket and on its trail; changes are on
the audit trail; customers read none of it; a reader is shown only the linked tickets they may
see. A new kind subclasses ``RecordKindSuite`` and says how it is created and linked."""

from __future__ import annotations

from typing import Any, ClassVar

from tests.workflow.conftest import World


class RecordKindSuite:
    path: ClassVar[str]  # "/known-issues"
    prefix: ClassVar[str]  # "KI"
    kind: ClassVar[str]  # "known-issue": the audit entity and the ticket event's prefix
    author: ClassVar[str]  # who of the World creates one
    created: ClassVar[str]  # the audit action of its creation: "created", "declared"…
    counts_links: ClassVar[bool] = True  # its answer has link_count (enhancements count votes)

    def create(self, world: World) -> dict[str, Any]:
        """A new record, as its API answers."""
        raise NotImplementedError

    def link(self, world: World, who: str, record_id: int, number: str) -> Any:
        """Link the ticket ``number`` as ``who``; the HTTP response."""
        return world.post(f"{self.path}/{record_id}/tickets", who, ticket=number)

    def read(self, world: World, who: str, record_id: int) -> dict[str, Any]:
        response = world.get(f"{self.path}/{record_id}", who)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def test_a_created_record_is_listed_and_read_under_its_reference(self, world: World) -> None:
        record = self.create(world)

        listed = world.get(self.path, "l1")
        assert listed.status_code == 200, listed.text
        assert record["id"] in [r["id"] for r in listed.json()["items"]]
        read = self.read(world, "l1", record["id"])
        assert (read["reference"], read["title"]) == (
            f"{self.prefix}-{record['id']}",
            record["title"],
        )

    def test_a_linked_ticket_shows_on_the_record_the_ticket_and_its_trail(
        self, world: World
    ) -> None:
        record = self.create(world)
        number = world.open("alpine", subject="Linked from the suite")

        linked = self.link(world, "lead", record["id"], number)

        assert linked.status_code in (200, 201), linked.text
        read = self.read(world, "lead", record["id"])
        assert number in [t["number"] for t in read["tickets"]]
        reference = f"{self.prefix}-{record['id']}"
        records = world.get(f"/tickets/{number}/records", "lead").json()
        assert reference in [link["record"] for link in records["links"]]
        trail = [e for e in world.events(number) if e["action"] == f"{self.kind}.linked"]
        assert [e["changes"]["record"] for e in trail] == [reference]

    def test_a_ticket_is_linked_once(self, world: World) -> None:
        record = self.create(world)
        number = world.open("alpine")
        assert self.link(world, "lead", record["id"], number).status_code in (200, 201)

        again = self.link(world, "lead", record["id"], number)

        assert again.status_code == 409, again.text
        assert again.json()["error"]["code"] == "invalid_transition"

    def test_its_creation_is_on_the_audit_trail_under_its_reference(self, world: World) -> None:
        record = self.create(world)

        found = world.get("/audit", "lead", entity=self.kind, action=f"{self.kind}.{self.created}")

        assert found.status_code == 200, found.text
        ours = [e for e in found.json()["items"] if e["entity_id"] == record["id"]]
        assert [e["changes"]["record"] for e in ours] == [f"{self.prefix}-{record['id']}"]

    def test_customers_read_none_of_them(self, world: World) -> None:
        record = self.create(world)

        assert world.get(self.path, "alpine").status_code == 403
        assert world.get(f"{self.path}/{record['id']}", "alpine").status_code == 403

    def test_a_reader_is_not_shown_a_linked_ticket_they_may_not_see(self, world: World) -> None:
        record = self.create(world)
        seen = world.open("alpine", subject="At level 1")
        unseen = world.open("baltic", subject="At level 3")
        world.escalate(unseen, "lead", 3, "l3")  # l1 never worked it, so may not see it
        for number in (seen, unseen):
            assert self.link(world, "lead", record["id"], number).status_code in (200, 201)

        read = self.read(world, "l1", record["id"])

        shown = [t["number"] for t in read["tickets"]]
        assert seen in shown and unseen not in shown
        if self.counts_links:  # the count is of every link, seen or not
            assert read["link_count"] == self.read(world, "lead", record["id"])["link_count"]

    def test_an_unknown_record_is_not_found_under_its_reference(self, world: World) -> None:
        missing = world.get(f"{self.path}/999999", "l1")

        assert missing.status_code == 404
        assert f"{self.prefix}-999999 not found" in missing.json()["error"]["message"]
