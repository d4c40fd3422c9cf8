"""The scripted life of issue 7, continuing part 1's: L2 escalates to L3, L3 concludes "product
defect", the defect is mirrored to a (fake, local, real-HTTP) GitHub, development closes it in
4.2.1, the customer on 4.1 learns 4.2.1 fixes it, the one on 4.3 that they are not affected, and
the metrics count the escalations, the bounce-back and the L3 outcome. Both engines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.workflow.conftest import FULL_PACKET, World
from tests.workflow.fake_github import FakeGitHub
from tierdesk.bootstrap import Tierdesk
from tierdesk.services.jobs import run_pending_jobs


def _public_replies(world: World, number: str, who: str) -> list[str]:
    return [m["body"] for m in world.messages(number, who) if m["kind"] == "public-reply"]


def test_l3_defect_is_mirrored_fixed_in_a_release_and_each_customer_told_their_verdict(
    app: Tierdesk, world: World, github: FakeGitHub
) -> None:
    started = world.clock.now()
    alpine = world.open("alpine", version="4.1")
    world.escalate(alpine, "lead", 1, "l1", "intake done")
    world.clock.advance(timedelta(minutes=20))
    world.escalate(alpine, "l1", 2, "l2", "SIP traces needed")
    world.clock.advance(timedelta(minutes=10))
    bounced = world.post(
        f"/tickets/{alpine}/escalation/bounce",
        "l2",
        reason="try the documented timer setting first",
        guidance="Set session-expires to 1800 (admin guide 7.2) and retest.",
    )
    assert bounced.status_code == 200, bounced.text
    world.clock.advance(timedelta(minutes=30))
    world.escalate(alpine, "l1", 2, "l2", "timer setting made no difference")
    world.clock.advance(timedelta(hours=1))
    world.escalate(alpine, "l2", 3, "l3", "re-INVITE handling looks wrong")
    world.clock.advance(timedelta(minutes=15))

    # L3 concludes: product defect, reproduction taken from the hand-off packet.
    opened = world.post(
        "/defects", "l3", ticket=alpine, expected="The call stays up", severity="critical"
    )
    assert opened.status_code == 201, opened.text
    defect = opened.json()
    repro = defect["reproduction"]
    assert repro["steps"][0].startswith("Transfer an external call to extension 200")
    assert "drops at 32 s" in repro["steps"][0]
    assert repro["actual"] == FULL_PACKET["symptoms"]
    assert repro["affected_versions"] == ["4.1"]
    assert "Kestrel PBX 4.1" in repro["environment"]
    assert defect["link_count"] == 1
    assert defect["external_id"] is None  # mirrored by the job, after the commit

    # The background job mirrors it to the tracker.
    run_pending_jobs(app.desk, "test-worker")
    assert len(github.issues) == 1
    issue = github.issues[1]
    assert issue["title"] == f"[DEF-{defect['id']}] Calls drop"
    assert "1. Transfer an external call" in issue["body"]
    assert "### Expected\nThe call stays up" in issue["body"]
    assert {label["name"] for label in issue["labels"]} >= {"defect", "severity:critical"}
    mirrored = world.get(f"/defects/{defect['id']}", "l3").json()
    assert mirrored["external_id"] == "1"
    assert mirrored["external_url"].endswith("/issues/1")

    # A second customer, on 4.3, hits it too; the developers' issue hears about it.
    baltic = world.open("baltic", version="4.3", subject="Transfers drop")
    linked = world.post(f"/defects/{defect['id']}/tickets", "l2", ticket=baltic)
    assert linked.status_code == 200, linked.text
    run_pending_jobs(app.desk, "test-worker")
    assert github.comments[1] == [
        f"Also reported by a customer on support ticket {baltic} (version 4.3)."
    ]

    # Development closes the issue in the 4.2.1 milestone; GitHub calls the webhook.
    world.clock.advance(timedelta(days=2))
    github.close_issue(1, milestone="4.2.1")
    body, headers = github.webhook(1)
    delivered = world.client.post("/api/v1/webhooks/tracker", content=body, headers=headers)
    assert delivered.status_code == 202, delivered.text
    assert delivered.json() == {"defect": f"DEF-{defect['id']}"}

    fixed = world.get(f"/defects/{defect['id']}", "l3").json()
    assert (fixed["status"], fixed["fixed_in"], fixed["external_state"]) == (
        "fixed",
        "4.2.1",
        "closed",
    )
    alpine_told = _public_replies(world, alpine, "alpine")[-1]
    assert "fixed in release 4.2.1" in alpine_told
    assert "You run version 4.1, which is affected. Upgrading to 4.2.1" in alpine_told
    baltic_told = _public_replies(world, baltic, "baltic")[-1]
    assert "You run version 4.3, which is not affected" in baltic_told
    announced = [e for e in world.events(baltic) if e["action"] == "defect.fix_announced"]
    assert announced[0]["changes"]["exposure"] == "not-affected"

    # The same delivery again (GitHub retries) tells nobody twice.
    again = world.client.post("/api/v1/webhooks/tracker", content=body, headers=headers)
    assert again.status_code == 202
    assert len(_public_replies(world, alpine, "lead")) == 1

    # The metrics count the escalations, the bounce-back and the L3 outcome.
    report = world.get(
        "/metrics",
        "lead",
        since=started.isoformat(),
        until=(world.clock.now() + timedelta(hours=1)).isoformat(),
        product="kestrel-pbx",
    )
    assert report.status_code == 200, report.text
    metrics: dict[str, Any] = report.json()
    assert metrics["escalations"] == 4
    assert metrics["bounces"] == 1
    assert metrics["l3_outcomes"] == {"known-fix": 0, "more-info": 0, "defect": 1}
    by_level = {m["level"]: m for m in metrics["levels"]}
    assert by_level[1]["escalated_out"] == 1
    assert by_level[1]["bounced_back"] == 1
    assert by_level[1]["bounce_back_rate"] == 0.5  # one of L1's two escalations came back
    assert by_level[2]["escalations_in"] == 2
    assert by_level[2]["solvable_lower"] == 1
    assert by_level[2]["solvable_lower_share"] == 0.5
    assert by_level[3]["backlog"] == 1
    assert by_level[0]["backlog"] == 1  # the 4.3 ticket, still at intake
    # L1 held the ticket 20 minutes, then 30 more after the bounce.
    assert by_level[1]["hours_in_level_total"] == 0.833
    records = world.get(f"/tickets/{alpine}/records", "l3").json()
    assert [o["outcome"] for o in records["outcomes"]] == ["defect"]
    assert records["links"][0]["record"] == f"DEF-{defect['id']}"

    level_only = world.get("/metrics", "lead", level="L2", until=report.json()["until"])
    assert [m["level"] for m in level_only.json()["levels"]] == [2]


def test_the_poll_job_reads_a_fix_the_webhook_never_delivered(
    app: Tierdesk, world: World, github: FakeGitHub
) -> None:
    number = world.open("alpine", version="4.0")
    world.to_l3(number)
    defect = world.post("/defects", "l3", ticket=number).json()
    run_pending_jobs(app.desk, "w")
    github.issues[1]["labels"].append({"name": "fixed-in: 4.2.1"})
    github.close_issue(1, milestone=None)

    world.clock.advance(timedelta(minutes=11))  # the next poll slot
    run_pending_jobs(app.desk, "w")

    assert world.get(f"/defects/{defect['id']}", "l3").json()["fixed_in"] == "4.2.1"
    told = _public_replies(world, number, "alpine")[-1]
    assert "You run version 4.0, which is affected" in told


def test_a_webhook_with_a_wrong_signature_changes_nothing(world: World, github: FakeGitHub) -> None:
    number = world.open("alpine")
    world.to_l3(number)
    defect = world.post("/defects", "l3", ticket=number).json()
    synced = world.post(f"/defects/{defect['id']}/sync", "l3")
    assert synced.status_code == 200, synced.text
    github.close_issue(1, milestone="4.2.1")
    body, headers = github.webhook(1)

    forged = world.client.post(
        "/api/v1/webhooks/tracker",
        content=body,
        headers={**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64},
    )
    unsigned = world.client.post(
        "/api/v1/webhooks/tracker",
        content=body,
        headers={"X-GitHub-Event": "issues"},
    )

    assert forged.status_code == 401
    assert unsigned.status_code == 401
    assert world.get(f"/defects/{defect['id']}", "l3").json()["status"] == "open"


def test_a_tracker_outage_is_a_502_and_the_push_job_retries(
    app: Tierdesk, world: World, github: FakeGitHub
) -> None:
    number = world.open("alpine")
    world.to_l3(number)
    defect = world.post("/defects", "l3", ticket=number).json()
    github.down = True

    run_pending_jobs(app.desk, "w")
    sync = world.post(f"/defects/{defect['id']}/sync", "l3")

    assert sync.status_code == 502
    assert "GitHub refused" in sync.json()["error"]["message"]
    assert world.get(f"/defects/{defect['id']}", "l3").json()["external_id"] is None
    github.down = False
    world.clock.advance(timedelta(minutes=5))  # past the retry back-off
    run_pending_jobs(app.desk, "w")
    assert world.get(f"/defects/{defect['id']}", "l3").json()["external_id"] == "1"
    assert len(github.issues) == 1
