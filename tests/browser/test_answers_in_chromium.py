"""In a real browser (issue 17): a lead sets a queue to send answers; a German customer's portal
ticket gets the documented fix in German with its citation; "Ja" solves it, verified on the
dashboard; "Nein" hands it to a person at L1 with the attempt shown in the assist panel."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.browser.conftest import LiveDesk, sign_in
from tests.factories import suffix
from tests.web.conftest import PASSWORD
from tierdesk.adapters.db import tables
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Contact
from tierdesk.domain.tickets import Status
from tierdesk.services import known_issues, people, queues, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.jobs import run_next_job

NewPage = Callable[[], Page]
TITLE = "Die Fernbedienung koppelt nicht mit dem Fernseher"
FIX = "Halten Sie die Tasten Home und Zurück fünf Sekunden gedrückt, bis das Licht zweimal blinkt."


def _german_customer(live_desk: LiveDesk) -> Contact:
    return people.create_contact(
        live_desk.app.desk,
        SYSTEM,
        people.NewContact(
            email=f"kundin-{suffix()}@example.com",
            name="Karla Kundin",
            organisation="Acme Telecom",
            language="de",
            password=PASSWORD,
        ),
    ).contact


def _sends_answers(live_desk: LiveDesk, open_page: NewPage) -> Page:
    """The lead sets the queue to send, on the admin page; the desk knows the fix."""
    desk = live_desk.app.desk
    queues.create_routing_rule(
        desk, live_desk.lead, queues.NewRoutingRule(name="all", queue="l1-all", assign=False)
    )
    known_issues.create_known_issue(
        desk,
        live_desk.l2,
        known_issues.KnownIssueInput(title=TITLE, symptoms=TITLE, fix=FIX),
    )
    lead = open_page()
    sign_in(lead, live_desk.lead)
    lead.goto("/admin#queues")
    lead.get_by_label("Answers from the knowledge").select_option("send")
    lead.get_by_role("button", name="Save the answer policy of L1").click()
    expect(lead.get_by_text("Answer policy saved")).to_be_visible()
    return lead


def _answered(live_desk: LiveDesk, number: str) -> bool:
    t, m = tables.tickets.c, tables.messages.c
    replies = (
        select(func.count())
        .select_from(tables.messages.join(tables.tickets, m.ticket_id == t.id))
        .where(t.number == number, m.kind == MessageKind.PUBLIC_REPLY)
    )
    with live_desk.app.engine.connect() as connection:
        return connection.execute(replies).scalar_one() > 0


def _portal_ticket(live_desk: LiveDesk, page: Page) -> str:
    page.goto("/portal/tickets/new")
    page.locator("#subject").fill(TITLE)
    page.locator("#body").fill("Meine Fernbedienung koppelt nicht mit dem Fernseher.")
    page.get_by_role("button", name="Ticket eröffnen").click()
    page.wait_for_url("**/portal/tickets/TD-*")
    number = page.url.split("/portal/tickets/")[1].split("?")[0]
    desk = live_desk.app.desk
    # The live desk runs the ticket's follow-up on its own thread (as serve does), and the
    # follow-up enqueues the answerer: run jobs here until the answer is on the ticket.
    deadline = time.monotonic() + 30
    while not _answered(live_desk, number) and time.monotonic() < deadline:
        if run_next_job(desk, "browser-test") is None:
            time.sleep(0.05)
    page.goto(f"/portal/tickets/{number}")
    return number


def test_a_german_customer_confirms_the_answer_and_the_dashboard_counts_it_verified(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    lead = _sends_answers(live_desk, open_page)
    customer = open_page()
    sign_in(customer, _german_customer(live_desk))
    number = _portal_ticket(live_desk, customer)

    reply = customer.locator("article.message.public-reply")
    expect(reply).to_contain_text("Vielen Dank für Ihre Anfrage.")
    expect(reply).to_contain_text(TITLE)  # the citation
    expect(reply).to_contain_text(FIX)
    expect(reply).to_contain_text("Automatische Antwort")  # the answerer, in her words
    customer.get_by_role("button", name="Ja, es ist gelöst").click()
    expect(customer.get_by_role("button", name="Ja, es ist gelöst")).to_have_count(0)

    ticket = tickets.get_ticket(live_desk.app.desk, live_desk.lead, number)
    assert ticket.status is Status.SOLVED
    lead.goto("/dashboard?period=all")
    row = lead.locator("#answers tr").filter(has_text="l1-all")
    expect(row).to_contain_text("1 (100 %)")
    expect(row.locator("td").nth(3)).to_have_text("1")  # verified


def test_a_no_hands_the_ticket_to_an_l1_person_with_the_attempt_shown(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    _sends_answers(live_desk, open_page)
    customer = open_page()
    sign_in(customer, _german_customer(live_desk))
    number = _portal_ticket(live_desk, customer)

    customer.get_by_role("button", name="Nein, ich brauche noch Hilfe").click()
    expect(customer.get_by_role("button", name="Nein, ich brauche noch Hilfe")).to_have_count(0)

    agent = open_page()
    sign_in(agent, live_desk.l1)
    agent.goto(f"/tickets/{number}")
    attempt = agent.locator(".answer-attempt")
    expect(attempt).to_contain_text("Answered from the desk's knowledge")
    expect(attempt).to_contain_text("reopened")
    expect(attempt).to_contain_text(FIX)
    ticket = tickets.get_ticket(live_desk.app.desk, live_desk.lead, number)
    assert ticket.status is Status.OPEN and int(ticket.tier) == 1
