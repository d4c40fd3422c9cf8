"""Knowing what is missing: customers' searches and new tickets that nothing answered are
recorded as misses, grouped with bounced escalations into topics for leads (`/kb/gaps`,
`GET /api/v1/kb/gaps`), together with the suggestions customers read before opening a ticket
anyway; nobody else reads them, and they are forgotten after the retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, text

from tests.factories import full_packet, token_for
from tests.web.conftest import Browser, WebDesk
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.services import escalation, knowledge, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.jobs import run_pending_jobs
from tierdesk.services.knowledge_gaps import KnowledgeGaps, knowledge_gaps, prune_knowledge_gaps

SignIn = Callable[[Agent | Contact], Browser]

MANUAL = (
    b"# SBC admin guide\n\n## One-way audio behind NAT\n\n"
    b"Enable media latching on the trunk so that RTP from remote users behind a home router "
    b"reaches the relay; check the NAT traversal setting of the remote-user profile.\n"
)
ANSWERED = {"subject": "one-way audio", "body": "remote users hear nothing, media latching?"}
UNANSWERED = {"subject": "Fax machine paper jam", "body": "the fax tray jams on every page"}


def _add_manual(web: WebDesk) -> None:
    knowledge.add_article(web.app.desk, SYSTEM, web.app.read_document(MANUAL, "sbc.md"), "sbc.md")


def _gaps(web: WebDesk, days: int = 30) -> KnowledgeGaps:
    return knowledge_gaps(web.app.desk, web.lead, days)


def _queries(gaps: KnowledgeGaps) -> list[str]:
    return [q for g in gaps.topics for q in g.topic.queries]


def test_a_portal_search_that_finds_nothing_is_a_miss_and_one_that_finds_a_passage_is_not(
    web: WebDesk, signed_in: SignIn
) -> None:
    _add_manual(web)
    acme = signed_in(web.acme_contact)
    globex = signed_in(web.globex_contact)

    found = acme.suggest(ANSWERED).text
    missed = globex.suggest(UNANSWERED).text

    assert "One-way audio behind NAT" in found
    assert "One-way audio" not in missed
    gaps = _gaps(web)
    assert _queries(gaps) == ["Fax machine paper jam\nthe fax tray jams on every page"]
    assert gaps.topics[0].topic.sources == {"portal-search": 1}


def test_a_miss_that_cannot_be_stored_does_not_cost_the_customer_their_search(
    web: WebDesk, signed_in: SignIn
) -> None:
    _add_manual(web)
    with web.app.engine.begin() as connection:  # storage refuses: the table is gone
        connection.execute(text("DROP TABLE knowledge_misses"))
    customer = signed_in(web.acme_contact)

    missed = customer.suggest(UNANSWERED)
    found = customer.suggest(ANSWERED)

    assert missed.status_code == 200 and "No suggestions yet" in missed.text
    assert found.status_code == 200 and "One-way audio behind NAT" in found.text


def test_a_customers_draft_is_one_miss_that_follows_their_words_until_it_finds_an_answer(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    _add_manual(web)
    customer = signed_in(web.acme_contact)

    customer.suggest({"subject": "Fax machine paper"})
    clock.advance(timedelta(seconds=30))
    customer.suggest(UNANSWERED)
    assert _queries(_gaps(web)) == ["Fax machine paper jam\nthe fax tray jams on every page"]

    clock.advance(timedelta(seconds=30))
    customer.suggest({**UNANSWERED, "body": "and one-way audio latching"})
    assert _queries(_gaps(web)) == []


def test_a_new_ticket_that_no_knowledge_answers_is_a_miss_with_its_ticket(web: WebDesk) -> None:
    desk = web.app.desk
    _add_manual(web)
    unanswered = tickets.open_ticket(
        desk,
        web.acme_contact,
        tickets.NewTicket(subject=UNANSWERED["subject"], body_text=UNANSWERED["body"]),
    )
    tickets.open_ticket(
        desk,
        web.acme_contact,
        tickets.NewTicket(
            subject="One-way audio for remote users behind NAT",
            body_text="Remote users behind a home router hear nothing; is media latching on?",
        ),
    )

    run_pending_jobs(desk, "test")

    (gap,) = _gaps(web).topics
    assert gap.topic.sources == {"new-ticket": 1}
    assert gap.tickets == [(unanswered.id, unanswered.number)]
    assert gap.topic.label == "Fax machine paper jam"
    # still open: nothing to draft from yet (the form would refuse it), so the title only
    assert gap.article_link == "/kb/articles/new?title=Fax+machine+paper+jam"


def test_write_an_article_drafts_from_the_topics_solved_tickets_and_never_lands_on_a_refusal(
    web: WebDesk, signed_in: SignIn
) -> None:
    """A topic's example tickets are new tickets nothing answered: most are still open, and
    the article form refuses an open ticket ("not solved yet") with nothing drafted. The link
    names only those solved since, so a lead who follows it gets a draft (or a blank form)."""
    desk = web.app.desk
    opened = [
        tickets.open_ticket(
            desk,
            web.acme_contact,
            tickets.NewTicket(subject=UNANSWERED["subject"], body_text=UNANSWERED["body"]),
        )
        for _ in range(2)
    ]
    run_pending_jobs(desk, "test")
    solved = opened[0]
    tickets.solve_ticket(desk, web.l1, solved.number or "", "Tray spring.", "Replace the spring.")
    lead = signed_in(web.lead)

    page = lead.get("/kb/gaps").text
    (gap,) = _gaps(web).topics
    assert gap.article_link.replace("&", "&amp;") in page
    form = lead.get(gap.article_link).text

    assert "not solved yet" not in form
    assert f"Draft from {solved.number}" in form and "Replace the spring." in form


def test_the_gap_check_searches_in_a_transaction_that_writes_nothing(web: WebDesk) -> None:
    """On SQLite a transaction holds the one writer from its first write to its end: a check
    that wrote first (tying the requester's drafts, an UPDATE even when there are none) and
    then searched kept every opening and reply waiting for its searches."""
    opened = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject=UNANSWERED["subject"], body_text=UNANSWERED["body"]),
    )
    transactions: dict[int, list[str]] = {}
    searched_after_writing: list[list[str]] = []

    def statement(conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        seen = transactions.setdefault(id(conn), [])
        words = sql.lstrip().split(None, 1)[0].upper()
        seen.append(words)
        wrote = any(w in ("INSERT", "UPDATE", "DELETE") for w in seen[:-1])
        if wrote and ("search_fts MATCH" in sql or "@@" in sql):  # a search's keywords
            searched_after_writing.append(list(seen))

    def ended(conn: Any) -> None:
        transactions.pop(id(conn), None)

    engine = web.app.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    try:
        run_pending_jobs(web.app.desk, "test")
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)

    assert searched_after_writing == []
    (gap,) = _gaps(web).topics
    assert gap.topic.sources == {"new-ticket": 1}
    assert gap.tickets == [(opened.id, opened.number)]


def test_a_draft_that_found_nothing_and_the_ticket_it_became_are_one_miss(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    signed_in(web.acme_contact).suggest(UNANSWERED)
    clock.advance(timedelta(minutes=2))
    opened = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject=UNANSWERED["subject"], body_text=UNANSWERED["body"]),
    )

    run_pending_jobs(web.app.desk, "test")

    (gap,) = _gaps(web).topics
    assert gap.topic.count == 1 and gap.topic.sources == {"portal-search": 1}
    assert gap.tickets == [(opened.id, opened.number)]


def test_only_leads_and_admins_read_the_gaps(
    web: WebDesk, signed_in: SignIn, client: TestClient
) -> None:
    signed_in(web.globex_contact).suggest(UNANSWERED)
    acme = signed_in(web.acme_contact)

    agent_page = signed_in(web.l1).get("/kb/gaps")
    customer_page = acme.get("/kb/gaps", follow_redirects=False)
    lead_page = signed_in(web.lead).get("/kb/gaps")

    assert agent_page.status_code == 403 and "Fax machine" not in agent_page.text
    assert customer_page.status_code == 303
    assert customer_page.headers["location"].startswith("/signin")
    assert lead_page.status_code == 200 and "Fax machine paper jam" in lead_page.text
    assert 'href="/kb/gaps"' in lead_page.text  # in the lead's navigation
    assert 'href="/kb/gaps"' not in signed_in(web.l2).get("/queue").text
    for who in (web.l1, web.acme_contact, web.globex_contact):
        token = token_for(web.app.desk, who)
        answer = client.get("/api/v1/kb/gaps", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 403, who
        assert "Fax machine" not in answer.text
    # Another customer's words never come back to a customer: not in their suggestions either.
    assert "Fax machine" not in acme.suggest({"subject": "paper jam tray"}).text


def test_a_lead_reads_the_gaps_of_every_organisation_through_the_api(
    web: WebDesk, signed_in: SignIn, client: TestClient
) -> None:
    signed_in(web.acme_contact).suggest(UNANSWERED)
    signed_in(web.globex_contact).suggest({"subject": "Fax paper jammed"})
    token = token_for(web.app.desk, web.lead)

    answer = client.get(
        "/api/v1/kb/gaps", params={"days": 90}, headers={"Authorization": f"Bearer {token}"}
    )

    assert answer.status_code == 200
    body = answer.json()
    assert body["days"] == 90 and body["misses"] == 2
    (topic,) = body["topics"]
    assert topic["count"] == 2 and topic["sources"] == {"portal-search": 2}
    assert topic["write_article"].startswith("/kb/articles/new?title=")


def test_misses_are_forgotten_after_the_retention(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    signed_in(web.acme_contact).suggest(UNANSWERED)
    clock.advance(timedelta(days=100))
    signed_in(web.acme_contact).suggest({"subject": "Printer toner smudges"})
    clock.advance(timedelta(days=81))  # the first is 181 days old, the second 81

    prune_knowledge_gaps(web.app.desk)

    assert _queries(_gaps(web, days=365)) == ["Printer toner smudges"]


def test_a_suggestion_read_before_opening_a_ticket_anyway_is_listed(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    _add_manual(web)
    signed_in(web.globex_contact).suggest(ANSWERED)  # read, no ticket
    customer = signed_in(web.acme_contact)
    found = customer.suggest(ANSWERED).text
    assert "One-way audio behind NAT" in found
    clock.advance(timedelta(minutes=5))
    opened = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Still one-way audio")
    )

    run_pending_jobs(web.app.desk, "test")

    (read,) = _gaps(web).read_anyway
    assert read.title == "One-way audio behind NAT" and read.source.startswith("kb:")
    assert read.count == 1 and read.tickets == [(opened.id, opened.number)]
    page = signed_in(web.lead).get("/kb/gaps").text
    assert "Read, then opened a ticket anyway" in page and opened.number in page


def test_bounced_escalations_are_grouped_by_topic_with_their_guidance(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    numbers = []
    for subject in ("IPsec tunnel drops every hour", "IPsec tunnel drops at night"):
        ticket = tickets.open_ticket(desk, web.acme_contact, tickets.NewTicket(subject=subject))
        escalation.escalate_ticket(desk, SYSTEM, ticket.id or 0, Tier.L2, "no idea", full_packet())
        escalation.bounce_escalation(
            desk, web.l2, ticket.id or 0, f"Raise the DPD timeout ({subject})", "documented"
        )
        numbers.append(ticket.number)

    (bounced,) = _gaps(web).bounces

    assert bounced.topic.sources == {"bounce": 2}
    assert [n for _, n in bounced.tickets] == numbers[::-1]
    assert bounced.topic.guidance[0] == "Raise the DPD timeout (IPsec tunnel drops at night)"
    page = signed_in(web.lead).get("/kb/gaps").text
    section = page.split("Bounced escalations by topic", 1)[1]
    assert "Raise the DPD timeout (IPsec tunnel drops every hour)" in section
    assert f'href="/tickets/{numbers[0]}"' in section


def test_the_gaps_page_escapes_what_customers_typed_and_says_when_there_are_none(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    empty = lead.get("/kb/gaps").text
    assert "No gaps recorded in the last 30 days" in empty

    markup = '<script>alert("gap")</script> fax jam'
    signed_in(web.acme_contact).suggest({"subject": markup})
    page = lead.get("/kb/gaps", params={"days": 90}).text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;gap&#34;)&lt;/script&gt; fax jam" in page
    assert "Last 90 days" in page and "Write an article" in page
