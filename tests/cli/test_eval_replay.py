"""``tierdesk eval replay``: the answerer over the desk's own solved tickets, one line per level
and queue, and the figures as JSON on the last line (issue 17)."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.cli.conftest import environment, invoker
from tests.services.answer_world import answer_settings as settings  # noqa: F401
from tests.services.answer_world import remote_ticket, world
from tierdesk.adapters.clock import FixedClock
from tierdesk.config import Settings
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.services import known_issues, tickets
from tierdesk.services.desk import Desk


def test_eval_replay_prints_lines_per_queue_and_the_figures_as_json(
    settings: Settings,  # noqa: F811
    desk: Desk,
    clock: FixedClock,
) -> None:
    w = world(desk, AnswerPolicy.OFF)
    clock.advance(timedelta(hours=1))
    ticket = remote_ticket(desk)
    known_issues.link_known_issue(desk, w.lead, 1, ticket.number or "", send_fix=False)
    tickets.solve_ticket(desk, w.lead, ticket.number or "", "Re-paired.", "Pair it again.")
    env = environment(str(settings.data_dir), settings.database)
    env["TIERDESK_ANSWERS__MIN_CONFIDENCE"] = "0.3"
    env["TIERDESK_SEARCH__MIN_CONFIDENCE"] = "0"  # as the fixture's desk

    result = invoker(env)("eval", "replay")

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert any(line.split()[:2] == ["L1", "l1-tv"] for line in lines)
    figures = json.loads(lines[-1])
    assert figures["tickets"] == 1 and figures["answered"] == 1
    assert figures["coverage"] == 1.0 and figures["precision"] == 1.0
    assert figures["threshold"] == 0.3
    # Nothing was written: the ticket was not answered for real.
    assert tickets.get_ticket(desk, w.lead, ticket.number or "").status.value == "solved"
