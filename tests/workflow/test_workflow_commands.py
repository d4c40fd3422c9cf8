"""The workflow commands of the CLI, on the test database, with the tracker settings from the
environment pointing at the local fake GitHub."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Invoke, environment, invoker
from tests.factories import make_contact, make_organisation, make_ticket
from tests.workflow.conftest import FULL_PACKET, World
from tests.workflow.fake_github import REPOSITORY, TOKEN, FakeGitHub
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings


@pytest.fixture
def tierdesk(settings: Settings, github: FakeGitHub) -> Invoke:
    env = environment(str(settings.data_dir), settings.database)
    env.update(
        TIERDESK_TRACKER__KIND="github",
        TIERDESK_TRACKER__API_URL=github.url,
        TIERDESK_TRACKER__REPOSITORY=REPOSITORY,
        TIERDESK_TRACKER__TOKEN=TOKEN,
    )
    return invoker(env)


def test_known_issue_incident_outcome_and_report_commands(
    tierdesk: Invoke, app: Tierdesk, world: World
) -> None:
    number = world.open("alpine")
    created = tierdesk(
        "known-issue",
        "create",
        "--title",
        "One-way audio",
        "--symptoms",
        "No audio",
        "--fix",
        "Turn off SIP ALG.",
        "--version",
        "4.1",
    )
    assert created.exit_code == 0, created.output
    assert created.stdout.startswith("KI-")
    issue_id = created.stdout.split()[0].removeprefix("KI-")

    linked = tierdesk("known-issue", "link", issue_id, number)
    assert linked.exit_code == 0, linked.output
    assert f"{number} linked to KI-{issue_id} and answered" in linked.stdout
    listed = tierdesk("known-issue", "list")
    assert f"KI-{issue_id}" in listed.stdout
    assert world.messages(number, "alpine")[-1]["body"].count("Turn off SIP ALG.") == 1

    contacts = [make_contact(app.desk, organisation=make_organisation(app.desk)) for _ in range(3)]
    tickets = [make_ticket(app.desk, contact=c).number or "" for c in contacts]
    declared = tierdesk("incident", "declare", "Trunk down", *[f"--ticket={t}" for t in tickets])
    assert declared.exit_code == 0, declared.output
    incident_id = declared.stdout.split()[0].removeprefix("INC-")
    updated = tierdesk("incident", "update", incident_id, "identified", "Carrier fault.")
    assert "3 tickets told" in updated.stdout
    assert tierdesk("incident", "resolve", incident_id, "Fixed.").exit_code == 0

    asked = tierdesk("outcome", "more-info", number, "--item", "A SIP trace")
    assert asked.exit_code == 0, asked.output
    assert "pending-customer" in asked.stdout

    # The CLI runs on the real clock, the API fixture on a fixed one in March 2026.
    period = ["--since", "2026-01-01T00:00:00Z", "--until", "2100-01-01T00:00:00Z"]
    report = tierdesk("report", "--json", *period)
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["solved"] == 3
    text = tierdesk("report", "--level", "L0", *period)
    assert "L0" in text.stdout
    assert "first-contact resolution 100%" in text.stdout


def test_defect_commands_mirror_and_fix_through_the_tracker(
    tierdesk: Invoke, world: World, github: FakeGitHub
) -> None:
    number = world.open("alpine")
    world.to_l3(number)
    opened = tierdesk("defect", "open", number, "--expected", "The call stays up")
    assert opened.exit_code == 0, opened.output
    defect_id = opened.stdout.split()[0].removeprefix("DEF-")

    synced = tierdesk("defect", "sync", defect_id)
    assert synced.exit_code == 0, synced.output
    assert github.issues[1]["body"].count(FULL_PACKET["steps_tried"][0]["step"]) == 1

    fixed = tierdesk("defect", "fixed", defect_id, "4.2.1")
    assert fixed.stdout.strip() == f"DEF-{defect_id} fixed in 4.2.1"
    assert "4.1, which is affected" in world.messages(number, "alpine")[-1]["body"]
    shown = tierdesk("defect", "show", defect_id)
    assert "### Expected\nThe call stays up" in shown.stdout


def test_bad_input_is_one_line_on_stderr_and_exit_code_1(tierdesk: Invoke) -> None:
    missing = tierdesk("known-issue", "show", "404")
    assert missing.exit_code == 1
    assert "KI-404 not found" in missing.stderr
    bad_date = tierdesk("report", "--since", "yesterday")
    assert bad_date.exit_code == 1
    assert "not an ISO date-time" in bad_date.stderr
    no_steps = tierdesk("defect", "fixed", "1", "soon")
    assert no_steps.exit_code == 1
