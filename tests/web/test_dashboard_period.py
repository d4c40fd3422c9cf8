"""The dashboard's period: chosen from the query string, and by default the last 30 days unless
they hold too little to mean anything (a demo's or an imported history), then all time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import metrics, tickets

SignIn = Callable[[Agent | Contact], Browser]


def solved_figure(page: str) -> int:
    found = re.search(r"<dt>Solved</dt><dd>(\d+)", page)
    assert found, page[:2000]
    return int(found.group(1))


def solve_some(web: WebDesk, clock: FixedClock, count: int) -> None:
    for n in range(count):
        ticket = open_at_l1(web, f"Old trouble {n}")
        tickets.solve_ticket(web.app.desk, web.lead, ticket.number or "", "Fixed.")
    clock.advance(timedelta(minutes=1))  # a period ends before "now": [since, until)


def test_a_history_older_than_30_days_is_shown_whole_by_default(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    solve_some(web, clock, 3)
    clock.advance(timedelta(days=45))  # the history ended six weeks ago, like the demo's
    browser = signed_in(web.lead)

    page = browser.get("/dashboard").text
    assert solved_figure(page) == 3
    assert "Whole desk, all time" in page
    assert 'id="period-widened"' in page and "activity on 0 tickets" in page
    assert '<option value="" selected>' in page

    last_month = browser.get("/dashboard?period=30d").text
    assert solved_figure(last_month) == 0
    assert "Whole desk, the last 30 days" in last_month
    assert 'id="period-widened"' not in last_month
    assert '<option value="30d" selected>' in last_month

    assert solved_figure(browser.get("/dashboard?period=90d").text) == 3
    assert solved_figure(browser.get("/dashboard?period=7d").text) == 0


def test_a_busy_desk_defaults_to_the_last_30_days(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    solve_some(web, clock, 2)
    clock.advance(timedelta(days=45))
    solve_some(web, clock, metrics.ENOUGH_TICKETS)

    page = signed_in(web.lead).get("/dashboard").text
    assert solved_figure(page) == metrics.ENOUGH_TICKETS
    assert "Whole desk, the last 30 days" in page
    assert 'id="period-widened"' not in page
    assert solved_figure(signed_in(web.lead).get("/dashboard?period=all").text) == (
        metrics.ENOUGH_TICKETS + 2
    )


def test_an_unknown_period_is_refused(web: WebDesk, signed_in: SignIn) -> None:
    response = signed_in(web.lead).get("/dashboard?period=1y")
    assert response.status_code == 422


def test_the_api_and_the_report_share_the_default(web: WebDesk, clock: FixedClock) -> None:
    solve_some(web, clock, 1)
    clock.advance(timedelta(days=45))
    report = metrics.escalation_metrics(web.app.desk, web.lead)
    assert (report.solved, report.until) == (1, clock.now())
    assert report.since <= clock.now() - timedelta(days=45)
    chosen = metrics.metrics_for_period(web.app.desk, web.lead, "30d")
    assert (chosen.period.key, chosen.report.solved) == ("30d", 0)
