"""/admin/audit on both engines: a lead reads the desk-wide trail, filters it, pages through it;
plain agents and customers are refused; user-typed values are escaped; bad filters say why."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape

from tests.factories import make_ticket
from tests.web.conftest import Browser, WebDesk
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.services import agents, queues
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
_ROW_ACTION = re.compile(r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>.*?</td>\s*<td>([^<]+)")
MARKUP = '<img src=x onerror="alert(1)">'


def actions_on(page: str) -> list[str]:
    return [unescape(found) for found in _ROW_ACTION.findall(page)]


def later_history(web: WebDesk, clock: FixedClock) -> str:
    """On the next days: the lead adds a queue and changes an agent, and a customer opens a
    ticket whose subject holds markup. Returns the ticket's number."""
    clock.advance(timedelta(days=1))  # 2026-03-03
    queues.create_queue(
        web.app.desk, web.lead, queues.NewQueue(key="sbc-l2", name="SBC L2", tier=Tier.L2)
    )
    clock.advance(timedelta(days=1))  # 2026-03-04
    assert web.l1.id is not None
    agents.update_agent(web.app.desk, web.lead, web.l1.id, agents.AgentChanges(capacity=7))
    ticket = make_ticket(web.app.desk, contact=web.acme_contact, subject=f"SBC drops {MARKUP}")
    assert ticket.number is not None
    return ticket.number


def test_a_lead_sees_events_of_every_kind_newest_first(
    web: WebDesk, clock: FixedClock, signed_in: SignIn
) -> None:
    number = later_history(web, clock)
    browser = signed_in(web.lead)

    response = browser.get("/admin/audit")

    assert response.status_code == 200, response.text[:500]
    shown = actions_on(response.text)
    # Newest first: signing in to read this page, the ticket, the agent change, the queue, and
    # the desk's set-up by the system at the start.
    assert shown[:5] == [
        "session.signed_in",
        "message.added",
        "ticket.opened",
        "agent.updated",
        "queue.created",
    ]
    assert {"ticket.opened", "agent.updated", "queue.created", "agent.created"} <= set(shown)
    assert {"organisation.created", "contact.created"} <= set(shown)
    assert f'<a href="/tickets/{number}">{number}</a>' in response.text
    assert "Lea Lead" in response.text
    assert '<a href="/admin/audit" aria-current="true">Audit log</a>' in response.text
    for kind in ("agent", "queue", "ticket", "organisation"):
        assert f'<option value="{kind}"' in response.text
    assert '<a href="/admin/audit">Audit log</a>' in browser.get("/admin").text


def test_filters_narrow_the_events(web: WebDesk, clock: FixedClock, signed_in: SignIn) -> None:
    later_history(web, clock)
    browser = signed_in(web.lead)

    by_kind = actions_on(browser.get("/admin/audit?entity=queue").text)
    by_lead = actions_on(browser.get(f"/admin/audit?actor={web.lead.email}").text)
    by_system = set(actions_on(browser.get("/admin/audit?actor=system&action=agent.").text))
    on_the_4th = actions_on(browser.get("/admin/audit?since=2026-03-04&until=2026-03-04").text)
    before_the_3rd = set(actions_on(browser.get("/admin/audit?until=2026-03-02").text))

    assert by_kind == ["queue.created"]
    assert by_lead == ["session.signed_in", "agent.updated", "queue.created"]
    assert by_system == {"agent.created"}
    assert "agent.updated" in on_the_4th and "queue.created" not in on_the_4th
    assert before_the_3rd == {"organisation.created", "contact.created", "agent.created"}


def test_pages_follow_each_other_without_gaps_while_new_events_arrive(
    web: WebDesk, clock: FixedClock, signed_in: SignIn
) -> None:
    later_history(web, clock)
    browser = signed_in(web.lead)
    everything = actions_on(browser.get("/admin/audit?limit=200").text)

    seen: list[str] = []
    url = "/admin/audit?limit=3"
    pages = 0
    while url:
        page = browser.get(url).text
        seen += actions_on(page)
        pages += 1
        if pages == 1:  # someone acts while the lead reads: later pages do not shift
            queues.create_queue(
                web.app.desk, SYSTEM, queues.NewQueue(key="late", name="Late", tier=Tier.L1)
            )
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = unescape(found.group(1)) if found else ""

    assert seen == everything
    assert pages == -(-len(everything) // 3)


def test_plain_agents_and_customers_are_refused(web: WebDesk, signed_in: SignIn) -> None:
    refused = signed_in(web.l1).get("/admin/audit")
    customer = signed_in(web.acme_contact).get("/admin/audit", follow_redirects=False)

    assert refused.status_code == 403
    assert "only leads and admins" in refused.text
    assert "agent.created" not in refused.text
    # A signed-in customer has no workspace session: they are sent to the workspace sign-in.
    assert customer.status_code == 303
    assert customer.headers["location"].startswith("/signin")


def test_values_with_markup_are_escaped(web: WebDesk, clock: FixedClock, signed_in: SignIn) -> None:
    later_history(web, clock)

    page = signed_in(web.lead).get("/admin/audit?action=ticket.opened").text

    assert actions_on(page) == ["ticket.opened"]
    assert "<img" not in page
    assert "SBC drops &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_bad_filters_are_shown_with_the_reason_and_no_events(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.lead)

    bad_date = browser.get("/admin/audit?since=yesterday")
    bad_size = browser.get("/admin/audit?limit=5000")
    not_number = browser.get("/admin/audit?limit=lots")
    nobody = browser.get("/admin/audit?actor=nobody@nowhere.example")

    assert bad_date.status_code == 422
    assert "since &#39;yesterday&#39; is not a date" in bad_date.text
    assert 'value="yesterday"' in bad_date.text
    assert actions_on(bad_date.text) == []
    assert bad_size.status_code == 422 and "page size must be between 1 and 200" in bad_size.text
    assert not_number.status_code == 422 and "page size must be a whole number" in not_number.text
    assert nobody.status_code == 422 and "no agent or contact has the e-mail" in nobody.text
