"""``tierdesk sla …``, ``tierdesk worker --once`` and ``tierdesk jobs`` against the test
database, in process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.conftest import Invoke, environment, invoker
from tests.sla.support import open_ticket
from tierdesk.adapters.clock import FixedClock
from tierdesk.config import Settings
from tierdesk.services.desk import Desk


@pytest.fixture
def tierdesk(settings: Settings) -> Invoke:
    return invoker(environment(str(settings.data_dir), settings.database))


def test_an_operator_sets_up_a_calendar_a_policy_and_a_level_target(tierdesk: Invoke) -> None:
    created = tierdesk(
        "sla",
        "calendar-set",
        "vienna",
        "--timezone",
        "Europe/Vienna",
        "--hours",
        "mon-thu 08:00-17:00; fri 08:00-13:00",
        "--holiday",
        "2026-12-24",
    )
    policy = tierdesk(
        "sla",
        "policy-set",
        "--plan",
        "basic",
        "--priority",
        "P2",
        "--first-response",
        "90",
        "--calendar",
        "vienna",
        "--on-breach",
        "raise-priority",
    )
    level = tierdesk("sla", "level-target-set", "L2", "--pickup", "45")

    assert created.exit_code == 0, created.output
    assert policy.exit_code == 0, policy.output
    assert "basic P2: first response 90" in policy.output and "on vienna" in policy.output
    assert level.exit_code == 0 and "L2: pickup 45" in level.output
    calendars = tierdesk("sla", "calendars").output
    assert "mon-thu 08:00-17:00; fri 08:00-13:00" in calendars and "2026-12-24" in calendars
    assert "raise-priority" in tierdesk("sla", "policies").output
    assert "45" in tierdesk("sla", "level-targets").output


def test_bad_hours_and_unknown_plans_are_errors_not_tracebacks(tierdesk: Invoke) -> None:
    hours = tierdesk("sla", "calendar-set", "x", "--hours", "mon 09:00-25:00")
    plan = tierdesk(
        "sla", "policy-set", "--plan", "gold", "--priority", "P1", "--first-response", "5"
    )
    zone = tierdesk("sla", "calendar-set", "24x7", "--timezone", "Nowhere/Land")

    for result in (hours, plan, zone):
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Error: ")
    assert "unknown plan 'gold'" in plan.output


def test_the_deadlines_of_a_ticket_a_sweep_and_a_worker_round_from_the_command_line(
    tierdesk: Invoke, desk: Desk, clock: FixedClock
) -> None:
    # The CLI runs on the real clock: open the ticket on a Monday 09:00 five weeks ago, so that
    # every clock of it is overdue by now.
    weeks_ago = datetime.now(UTC) - timedelta(weeks=5)
    monday = (weeks_ago - timedelta(days=weeks_ago.weekday())).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    clock.at = monday
    ticket = open_ticket(desk)

    deadlines = tierdesk("sla", "deadlines", ticket.number or "")
    swept = tierdesk("sla", "sweep")
    again = tierdesk("worker", "--once")
    listed = tierdesk("jobs", "--status", "done")

    assert deadlines.exit_code == 0, deadlines.output
    first_response_due = monday.replace(hour=17).isoformat(timespec="minutes")
    assert "first-response" in deadlines.output and first_response_due in deadlines.output
    assert swept.exit_code == 0 and "breached 4" in swept.output  # both customer clocks, L0's two
    assert again.exit_code == 0 and "Ran " in again.output
    assert "sla.sweep" in listed.output and "done" in listed.output
    assert "breached 0" in tierdesk("sla", "sweep").output
