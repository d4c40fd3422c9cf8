"""Known issues answered in one call, "more information" as an L3 outcome, and the refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.workflow.conftest import World
from tierdesk.bootstrap import Tierdesk
from tierdesk.errors import InvalidTransitionError, NotFoundError
from tierdesk.services import defect_sync, defects


def _known_issue(world: World) -> int:
    created = world.post(
        "/known-issues",
        "l2",
        title="Transfers drop after 32 seconds behind SIP ALG",
        symptoms="Transferred calls drop after 32 s",
        root_cause="The firewall's SIP ALG rewrites the re-INVITE",
        fix="Disable SIP ALG on the firewall (admin guide 5.3), then restart the trunk.",
        product="kestrel-pbx",
        affected_versions=["4.0", "4.1"],
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_a_ticket_matching_a_known_issue_is_answered_with_its_fix_in_one_call(
    world: World,
) -> None:
    issue_id = _known_issue(world)
    number = world.open("alpine")

    answered = world.post(f"/known-issues/{issue_id}/tickets", "l1", ticket=number)

    assert answered.status_code == 200, answered.text
    ticket = answered.json()
    assert ticket["status"] == "open"  # the first public reply opens a new ticket
    reply = ticket["messages"][-1]
    assert reply["kind"] == "public-reply"
    assert f"known issue (KI-{issue_id})" in reply["body"]
    assert "Disable SIP ALG on the firewall" in reply["body"]
    # The customer sees the answer on their ticket.
    assert "Disable SIP ALG" in world.messages(number, "alpine")[-1]["body"]
    # The link counts on the issue and shows on the ticket.
    issue = world.get(f"/known-issues/{issue_id}", "l1").json()
    assert issue["link_count"] == 1
    assert [t["number"] for t in issue["tickets"]] == [number]
    listed = world.get("/known-issues", "l1", product="kestrel-pbx").json()["items"]
    assert [(k["id"], k["link_count"]) for k in listed] == [(issue_id, 1)]
    records = world.get(f"/tickets/{number}/records", "l1").json()
    assert [link["record"] for link in records["links"]] == [f"KI-{issue_id}"]
    assert records["outcomes"] == []  # at L0 this is not an L3 outcome
    linked = [e for e in world.events(number) if e["action"] == "known-issue.linked"]
    assert linked[0]["changes"]["record"] == f"KI-{issue_id}"


def test_at_l3_the_known_fix_is_recorded_as_an_outcome_and_linking_twice_is_refused(
    world: World,
) -> None:
    issue_id = _known_issue(world)
    number = world.open("alpine")
    world.to_l3(number)

    assert world.post(f"/known-issues/{issue_id}/tickets", "l3", ticket=number).status_code == 200
    twice = world.post(f"/known-issues/{issue_id}/tickets", "l3", ticket=number)

    assert twice.status_code == 409
    assert "already linked" in twice.json()["error"]["message"]
    outcomes = world.get(f"/tickets/{number}/records", "l3").json()["outcomes"]
    assert [(o["outcome"], o["level"], o["record_id"]) for o in outcomes] == [
        ("known-fix", 3, issue_id)
    ]
    assert world.get(f"/known-issues/{issue_id}", "l3").json()["link_count"] == 1


def test_known_issues_are_for_the_vendors_people_and_documented_from_l2(world: World) -> None:
    issue_id = _known_issue(world)
    number = world.open("alpine")

    assert world.get("/known-issues", "alpine").status_code == 403
    assert (
        world.post(f"/known-issues/{issue_id}/tickets", "alpine", ticket=number).status_code == 403
    )
    by_l1 = world.post("/known-issues", "l1", title="t", symptoms="s", fix="f")
    assert by_l1.status_code == 403
    assert "L2 and above" in by_l1.json()["error"]["message"]
    assert world.get("/known-issues/999", "l1").status_code == 404
    empty = world.post("/known-issues", "l2", title="t", symptoms="s", fix="   ")
    assert empty.status_code == 422
    bad_version = world.post(
        "/known-issues", "l2", title="t", symptoms="s", fix="f", affected_versions=["latest"]
    )
    assert bad_version.status_code == 422
    missing = world.post(f"/known-issues/{issue_id}/tickets", "l1", ticket="TD-99999")
    assert missing.status_code == 404
    # An L1 engineer cannot reach (or answer) a ticket that now sits at L3.
    deep = world.open("baltic")
    world.escalate(deep, "lead", 3, "l3")
    hidden = world.post(f"/known-issues/{issue_id}/tickets", "l1", ticket=deep)
    assert hidden.status_code == 404
    other = world.open("baltic")
    retired = world.client.patch(
        f"/api/v1/known-issues/{issue_id}", json={"status": "retired"}, headers=world.tokens["l2"]
    )
    assert retired.status_code == 200
    refused = world.post(f"/known-issues/{issue_id}/tickets", "l1", ticket=other)
    assert refused.status_code == 409
    assert world.get(f"/known-issues/{issue_id}", "l1").json()["link_count"] == 0


def test_asking_for_more_information_sends_a_checklist_and_waits_on_the_customer(
    world: World,
) -> None:
    number = world.open("alpine")
    world.to_l3(number)

    asked = world.post(
        f"/tickets/{number}/more-information",
        "l3",
        items=["A SIP trace of one dropped call", "The firewall model and firmware"],
        note="A trace from the PBX side is enough.",
    )

    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "pending-customer"
    checklist = world.messages(number, "alpine")[-1]["body"]
    assert "[ ] A SIP trace of one dropped call" in checklist
    assert "[ ] The firewall model and firmware" in checklist
    outcomes = world.get(f"/tickets/{number}/records", "l3").json()["outcomes"]
    assert [o["outcome"] for o in outcomes] == ["more-info"]

    answered = world.post(f"/tickets/{number}/messages", "alpine", body="Trace attached.")
    assert answered.status_code == 201, answered.text
    assert world.get(f"/tickets/{number}", "l3").json()["status"] == "open"

    assert world.post(f"/tickets/{number}/more-information", "l3", items=[]).status_code == 422
    assert (
        world.post(f"/tickets/{number}/more-information", "alpine", items=["x"]).status_code == 403
    )


def test_a_receiving_level_may_keep_an_escalation_and_mark_it_solvable_lower(
    world: World,
) -> None:
    number = world.open("alpine")
    world.escalate(number, "lead", 1, "l1")
    world.escalate(number, "l1", 2, "l2")

    marked = world.post(
        f"/tickets/{number}/escalation/solvable-lower", "l2", reason="KB article 12 covers it"
    )

    assert marked.status_code == 200, marked.text
    report = world.get("/metrics", "lead", until="2026-03-03T00:00:00Z").json()
    l2 = next(m for m in report["levels"] if m["level"] == 2)
    assert (l2["solvable_lower"], l2["escalations_in"], l2["solvable_lower_share"]) == (1, 1, 1.0)
    fresh = world.open("baltic")
    assert (
        world.post(f"/tickets/{fresh}/escalation/solvable-lower", "lead", reason="x").status_code
        == 409
    )


def test_without_a_tracker_defects_stay_in_the_desk_and_the_webhook_is_not_there(
    app: Tierdesk, world: World
) -> None:
    desk_without = replace(app.desk, tracker=None)
    number = world.open("alpine")
    world.to_l3(number)
    opened = defects.open_defect(desk_without, world.agents["l3"], number, defects.DefectInput())
    assert opened.id is not None

    with pytest.raises(InvalidTransitionError, match="no issue tracker"):
        defect_sync.sync_defect(desk_without, world.agents["l3"], opened.id)
    with pytest.raises(NotFoundError):
        defect_sync.receive_tracker_webhook(desk_without, "issues", b"{}", "sha256=00")
    assert (
        defects.get_defect(desk_without, world.agents["l3"], opened.id).record.external_id is None
    )


def test_a_known_issue_is_suggested_for_a_ticket_that_reads_like_it(world: World) -> None:
    issue_id = _known_issue(world)
    number = world.open("alpine", subject="Transferred calls drop after 32 seconds")

    suggestions = world.get(f"/tickets/{number}/suggestions", "l1")

    assert suggestions.status_code == 200, suggestions.text
    known = suggestions.json()["known_issues"]
    assert known[0]["citation"]["document"] == f"KI-{issue_id}"
    assert "Disable SIP ALG" in known[0]["passage"]
    retired = world.client.patch(
        f"/api/v1/known-issues/{issue_id}", json={"status": "retired"}, headers=world.tokens["l2"]
    )
    assert retired.status_code == 200
    again = world.get(f"/tickets/{number}/suggestions", "l1").json()["known_issues"]
    assert all(hit["citation"]["document"] != f"KI-{issue_id}" for hit in again)
