"""L3's "known fix" when no known issue exists yet: a new one is proposed from the ticket's
public side, the engineer edits it, and saving creates the issue, links the ticket, answers it
and records the outcome in one step."""

from __future__ import annotations

from tests.workflow.conftest import World

NOTE = "Lab: firewall fw-core-2 at 10.1.2.3 rewrites the re-INVITE; ask Jo."
REPLY = "Please disable SIP ALG on your firewall and restart the trunk."


def _at_l3_with_a_note_and_a_reply(world: World) -> str:
    number = world.open("alpine")
    world.to_l3(number)
    noted = world.post(f"/tickets/{number}/messages", "l3", kind="internal-note", body=NOTE)
    replied = world.post(f"/tickets/{number}/messages", "l3", body=REPLY)
    assert noted.status_code == 201 and replied.status_code == 201, replied.text
    return number


def test_the_proposal_reads_the_fix_from_the_public_replies_and_never_the_notes(
    world: World,
) -> None:
    number = _at_l3_with_a_note_and_a_reply(world)

    proposed = world.get("/known-issues/proposal", "l3", ticket=number)

    assert proposed.status_code == 200, proposed.text
    draft = proposed.json()
    assert draft["title"] == "Calls drop"
    assert REPLY in draft["fix"]
    assert draft["send_fix"] is False  # drafted from the replies: sent only when asked to
    assert "32 s" in draft["symptoms"]
    assert draft["product"] == "Kestrel PBX" and draft["affected_versions"] == ["4.1"]
    assert "fw-core-2" not in str(draft) and "10.1.2.3" not in str(draft)


def test_recording_the_known_fix_creates_the_issue_links_answers_and_counts_the_outcome(
    world: World,
) -> None:
    number = _at_l3_with_a_note_and_a_reply(world)
    draft = world.get("/known-issues/proposal", "l3", ticket=number).json()

    created = world.post(
        "/known-issues/known-fix",
        "l3",
        ticket=number,
        **{
            **draft,
            "product": "kestrel-pbx",
            "fix": "Disable SIP ALG, then restart the trunk.",
            "send_fix": True,  # the engineer wrote the fix: now it may go to the customer
        },
    )

    assert created.status_code == 201, created.text
    issue = created.json()
    assert issue["link_count"] == 1 and issue["fix"].startswith("Disable SIP ALG")
    records = world.get(f"/tickets/{number}/records", "l3").json()
    assert [(o["outcome"], o["record_id"]) for o in records["outcomes"]] == [
        ("known-fix", issue["id"])
    ]
    assert f"KI-{issue['id']}" in world.messages(number, "alpine")[-1]["body"]


def test_only_l2_and_above_propose_known_issues_and_a_blank_fix_is_refused_on_its_field(
    world: World,
) -> None:
    number = _at_l3_with_a_note_and_a_reply(world)

    by_l1 = world.get("/known-issues/proposal", "l1", ticket=number)
    blank = world.post(
        "/known-issues/known-fix", "l3", ticket=number, title="x", symptoms="y", fix="  "
    )

    assert by_l1.status_code == 403
    assert blank.status_code == 422
    records = world.get(f"/tickets/{number}/records", "l3").json()
    assert records["outcomes"] == []
