"""The reports page, its drill-down and CSV, and GET /api/v1/reports: what a lead sees, what
the others are refused."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.factories import make_contact, make_organisation, token_for
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.services import tickets

SignIn = Callable[[Agent | Contact], Browser]
EVIL = '=HYPERLINK("http://evil.example","click"), Ltd'


def two_tickets(web: WebDesk, clock: FixedClock) -> tuple[Ticket, Ticket]:
    solved = open_at_l1(web, "Calls drop")
    waiting = open_at_l1(web, "Echo on trunks")
    tickets.solve_ticket(web.app.desk, web.lead, solved.number or "", "Fixed.")
    clock.advance(timedelta(hours=1))
    return solved, waiting


def test_a_lead_reads_fcr_per_level_and_a_column_lists_its_tickets(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    solved, waiting = two_tickets(web, clock)
    browser = signed_in(web.lead)

    page = browser.get("/reports?figure=fcr").text
    assert 'id="report-charts"' in page and "<svg" in page
    # One of the two tickets that entered L1 this week was solved there.
    link = re.search(r'<a href="(/reports/tickets\?[^"]*)" aria-label="L1, 02 Mar: 50 %', page)
    assert link, page[:3000]

    drill = browser.get(html.unescape(link.group(1)))
    assert drill.status_code == 200
    listed = set(re.findall(r'<td><a href="/tickets/([^"]+)">', drill.text))
    assert listed == {solved.number, waiting.number}
    assert "2 tickets, 1 solved at the level" in drill.text


def test_switching_to_organisations_shows_each_customer_apart(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    two_tickets(web, clock)
    page = signed_in(web.lead).get("/reports?group=organisation&figure=backlog").text
    table = page.split('id="report-table"')[1]
    assert web.acme.name in table and web.globex.name not in table  # globex opened nothing


def test_a_count_the_form_allows_but_the_unit_does_not_and_swapped_dates_keep_the_choices(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    """Weeks allow 26, months 12: switching to months with 24 in the one field, or putting
    From after To in the time report, ended on an error page that dropped every choice."""
    two_tickets(web, clock)
    browser = signed_in(web.lead)

    months = browser.get("/reports?unit=month&count=24&group=organisation&figure=backlog")
    spans = browser.get("/reports/time?since=2026-03-07&until=2026-03-01&group=agent")

    assert months.status_code == 200
    assert "A report spans 1 to 12 months. Showing 12." in months.text
    assert 'name="count" type="number" min="1" max="12" value="12"' in months.text
    assert '<option value="organisation" selected' in months.text
    assert spans.status_code == 200
    assert "From was after To: the report runs the other way round." in spans.text
    assert 'name="since" type="date" value="2026-03-01"' in spans.text


def test_the_csv_escapes_quotes_and_commas_and_defuses_formulas(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    evil = make_organisation(web.app.desk, name=EVIL)
    customer = make_contact(web.app.desk, organisation=evil)
    tickets.open_ticket(
        web.app.desk, customer, tickets.NewTicket(subject="Injected", body_text="Hello")
    )
    clock.advance(timedelta(hours=1))
    browser = signed_in(web.lead)

    response = browser.get("/reports.csv?group=organisation&figure=backlog&unit=week&count=2")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][0] == "organisation" and len(rows[0]) == 3
    assert ["'" + EVIL, "0", "1"] in rows  # quoted, comma kept, led by '

    whole = browser.get("/reports.csv?group=organisation").text
    records = list(csv.DictReader(io.StringIO(whole)))
    assert {r["group_label"] for r in records} == {"'" + EVIL}
    assert records[-1]["backlog"] == "1"


def test_an_agent_without_the_lead_role_is_refused_every_report(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    two_tickets(web, clock)
    browser = signed_in(web.l1)
    for url in (
        "/reports",
        "/reports.csv",
        "/reports/tickets?figure=fcr&key=1&start=2026-03-02T00:00:00%2B00:00",
    ):
        assert browser.get(url).status_code == 403, url
    assert 'href="/reports"' not in browser.get("/queue").text


def test_a_contact_cannot_open_reports_at_all(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    two_tickets(web, clock)
    browser = signed_in(web.acme_contact)
    response = browser.get("/reports?group=organisation", follow_redirects=False)
    assert response.status_code in (303, 403)
    assert web.acme.name not in response.text


def test_the_api_gives_the_same_figures_to_leads_only(
    web: WebDesk, web_app: object, clock: FixedClock
) -> None:
    two_tickets(web, clock)
    client = TestClient(web_app)  # type: ignore[arg-type]

    def get(who: Agent | Contact) -> object:
        token = token_for(web.app.desk, who)
        return client.get(
            "/api/v1/reports?unit=week&count=1&group=level",
            headers={"Authorization": f"Bearer {token}"},
        )

    response = get(web.lead)
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    l1 = next(r for r in body["rows"] if r["group"] == "1")
    assert (l1["entered"], l1["solved_here"], l1["fcr"], l1["backlog"]) == (2, 1, 0.5, 1)
    assert [g["label"] for g in body["groups"]] == ["L0", "L1", "L2", "L3", "L4"]
    for refused in (web.l1, web.acme_contact):
        answer = get(refused)
        assert answer.status_code == 403  # type: ignore[attr-defined]
        assert answer.json()["error"]["code"]  # type: ignore[attr-defined]
