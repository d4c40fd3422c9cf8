"""Answers in the workspace (issue 17): a lead sets a queue's policy on the admin page (a refused
word is named beside its field, an agent is refused), and a drafted answer shows in the ticket's
assist panel, where one click sends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import token_for
from tests.web.conftest import Browser, WebDesk
from tierdesk.adapters.clock import FixedClock
from tierdesk.config import AnswersSettings, SearchSettings, Settings
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.tickets import Status
from tierdesk.services import known_issues, people, queues, tickets
from tierdesk.services.jobs import run_next_job

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}
FIX = "Hold the Home and Back buttons together for five seconds until the light blinks twice."


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # As tests/conftest.py, with a threshold the word-hashing embedder's confidences reach for
    # a matching known issue (tests/services/test_answers.py).
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        answers=AnswersSettings(min_confidence=0.3),
    )


def _queue(web: WebDesk) -> str:
    queue = queues.create_queue(
        web.app.desk, web.lead, queues.NewQueue(key="l1-tv", name="L1 Smart TV", tier=Tier.L1)
    )
    return queue.key


def test_a_lead_sets_the_answer_policy_on_the_admin_page(web: WebDesk, signed_in: SignIn) -> None:
    key = _queue(web)
    lead = signed_in(web.lead)
    page = lead.get("/admin").text
    assert f'action="/admin/queues/{key}/answers"' in page

    lead.post(f"/admin/queues/{key}/answers", {"answers": "draft"})

    assert queues.get_queue(web.app.desk, web.lead, key).queue.answers is AnswerPolicy.DRAFT
    assert '<option value="draft" selected>' in lead.get("/admin").text


def test_a_refused_policy_is_named_beside_its_field(web: WebDesk, signed_in: SignIn) -> None:
    key = _queue(web)
    lead = signed_in(web.lead)
    lead.get("/admin")

    refused = lead.post(f"/admin/queues/{key}/answers", {"answers": "always"}, headers=HTMX)

    assert refused.status_code == 422
    assert refused.headers["X-Desk-Fields"] == "answers"


def test_an_agent_may_not_set_the_answer_policy(web: WebDesk, signed_in: SignIn) -> None:
    key = _queue(web)
    agent = signed_in(web.l1)
    agent.get("/queue")

    refused = agent.post(f"/admin/queues/{key}/answers", {"answers": "send"})

    assert refused.status_code == 403
    assert queues.get_queue(web.app.desk, web.lead, key).queue.answers is AnswerPolicy.OFF


def test_a_drafted_answer_is_sent_from_the_assist_panel(web: WebDesk, signed_in: SignIn) -> None:
    desk = web.app.desk
    number = _answered(web, "draft")
    lead = signed_in(web.lead)
    lead.get(f"/tickets/{number}")

    panel = lead.get(f"/tickets/{number}/assist").text
    assert "Drafted answer" in panel and FIX in panel

    lead.post(f"/tickets/{number}/answer/send")

    after = tickets.get_ticket(desk, web.lead, number)
    assert after.status is Status.PENDING_CUSTOMER
    assert [m for m in after.messages if m.kind is MessageKind.PUBLIC_REPLY and FIX in m.body_text]
    assert "Send this answer" not in lead.get(f"/tickets/{number}/assist").text


def _answered(
    web: WebDesk,
    policy: str = "send",
    *,
    title: str = "The remote control does not pair with the TV",
    symptoms: str = "The remote control does not pair with the TV; pairing fails.",
    fix: str = FIX,
    body: str = "My remote control does not pair with the TV, pairing fails.",
) -> str:
    """A customer's ticket (subject ``title``) in a queue whose answer policy is ``policy``,
    with a known issue that answers it; its follow-ups run. Returns its number."""
    desk = web.app.desk
    key = _queue(web)
    queues.update_queue(desk, web.lead, key, queues.QueueChanges(answers=policy))
    queues.create_routing_rule(
        desk, web.lead, queues.NewRoutingRule(name="all", queue=key, assign=False)
    )
    known_issues.create_known_issue(
        desk, web.l2, known_issues.KnownIssueInput(title=title, symptoms=symptoms, fix=fix)
    )
    ticket = tickets.open_ticket(
        desk, web.acme_contact, tickets.NewTicket(subject=title, body_text=body)
    )
    while run_next_job(desk, "test") is not None:
        pass
    return ticket.number or ""


def test_the_customer_says_yes_in_the_portal_and_the_ticket_is_solved(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = _answered(web)
    customer = signed_in(web.acme_contact)
    page = customer.get(f"/portal/tickets/{number}").text
    assert "Did our answer solve your problem?" in page and FIX in page

    customer.post(f"/portal/tickets/{number}/answer", {"solved": "yes"})

    assert tickets.get_ticket(web.app.desk, web.lead, number).status is Status.SOLVED
    again = customer.get(f"/portal/tickets/{number}").text
    assert "Did our answer solve your problem?" not in again


def test_the_customer_says_no_in_the_portal_and_a_person_takes_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = _answered(web)
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")

    customer.post(f"/portal/tickets/{number}/answer", {"solved": "no"})

    after = tickets.get_ticket(web.app.desk, web.lead, number)
    assert after.status is Status.OPEN and after.tier is Tier.L1
    lead = signed_in(web.lead)
    lead.get(f"/tickets/{number}")
    assert "reopened" in lead.get(f"/tickets/{number}/assist").text  # the attempt, shown


def test_the_dashboard_and_the_metrics_api_count_a_verified_answer(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    number = _answered(web)
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")
    customer.post(f"/portal/tickets/{number}/answer", {"solved": "yes"})

    clock.advance(timedelta(minutes=1))  # the period ends before now
    lead = signed_in(web.lead)
    page = lead.get("/dashboard?period=all").text
    assert "Answered from the desk&#39;s knowledge" in page or "Answered from the desk's" in page
    assert "<td>L1 · l1-tv</td><td>1</td><td>1 (100 %)</td><td>1</td>" in page
    token = token_for(web.app.desk, web.lead)
    api = lead.get("/api/v1/metrics", headers={"Authorization": f"Bearer {token}"}).json()
    [row] = api["answers"]
    assert (row["queue"], row["answered"], row["verified"]) == ("l1-tv", 1, 1)
    assert (row["asked"], row["ask_proposed"]) == (0, 0)  # questions are counted apart


def test_the_api_shows_the_answer_to_agents_and_takes_the_customers_verdict(
    web: WebDesk, client: TestClient
) -> None:
    number = _answered(web)
    desk = web.app.desk
    as_lead = {"Authorization": f"Bearer {token_for(desk, web.lead)}"}
    as_customer = {"Authorization": f"Bearer {token_for(desk, web.acme_contact)}"}

    shown = client.get(f"/api/v1/tickets/{number}/answer", headers=as_lead).json()
    assert (shown["policy"], shown["source_kind"]) == ("send", "known-issue")
    assert shown["outcome"] is None
    assert shown["citation"].startswith("KI-") and FIX in shown["text"]
    refused = client.post(
        f"/api/v1/tickets/{number}/answer/verdict", json={"solved": True}, headers=as_lead
    )
    assert refused.status_code == 403, refused.text  # the customer's word, not an agent's

    judged = client.post(
        f"/api/v1/tickets/{number}/answer/verdict", json={"solved": False}, headers=as_customer
    )

    assert judged.status_code == 200, judged.text
    again = client.get(f"/api/v1/tickets/{number}/answer", headers=as_lead).json()
    assert again["outcome"] == "reopened"


def test_a_lead_caps_a_plans_answers_on_the_admin_page(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    page = lead.get("/admin").text
    assert 'action="/admin/plans/premium/answers"' in page

    lead.post("/admin/plans/premium/answers", {"answers": "suggest"})

    [premium] = [p for p in people.list_plans(web.app.desk) if p.key == "premium"]
    assert premium.answers is AnswerPolicy.SUGGEST
    agent = signed_in(web.l1)
    agent.get("/queue")
    assert agent.post("/admin/plans/premium/answers", {"answers": "send"}).status_code == 403


LONG_SYMPTOMS = (
    "After the firmware upgrade to 4.0.1 the set-top box stays on a black screen with a blinking "
    "red light. The remote control still pairs, the network light is green and the box answers "
    "a ping, but no picture comes up on any input. Boxes bought before 2024 are affected; "
    "newer boxes and boxes still on 3.9 are not. Restarting the box or unplugging it for a "
    "minute changes nothing, and a factory reset from the menu is not reachable."
)
LONG_FIX = (
    "Hold the Home and Back buttons together for five seconds until the light blinks twice. "
    "Then choose Recovery, pick the 3.9.2 image from the USB stick and wait for the restart. "
    "Finally upgrade to 4.0.2, which replaces the boot loader first."
)


def test_an_answer_from_a_known_issue_quotes_its_whole_documented_fix(
    web: WebDesk, signed_in: SignIn
) -> None:
    """The frame says "the documented fix:", so the quote is the known issue's fix, all of
    it: not a window of the indexed text that holds the symptoms and breaks off mid-fix."""
    number = _answered(
        web,
        title="Set-top box black screen after the upgrade to 4.0.1",
        symptoms=LONG_SYMPTOMS,
        fix=LONG_FIX,
        body="Set-top box black screen after the upgrade to 4.0.1, blinking red light.",
    )

    customer = signed_in(web.acme_contact)
    page = customer.get(f"/portal/tickets/{number}").text
    assert "Did our answer solve your problem?" in page  # answered
    assert "&gt; " + LONG_FIX in page  # the whole fix, quoted
    assert "black screen with a blinking red light. The remote" not in page  # not the symptoms


def test_a_confirmed_answer_is_kept_as_the_solution_without_its_question(
    web: WebDesk, signed_in: SignIn
) -> None:
    """Once the customer said yes, the answer is the ticket's public answer: shown in the
    portal under "how it was solved" and offered to later customers as a solved ticket's
    answer. "Did this solve it? …at /portal/tickets/TD-…" is no longer a question there, and
    would send another customer to this ticket."""
    number = _answered(web)
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")

    customer.post(f"/portal/tickets/{number}/answer", {"solved": "yes"})

    solved = tickets.get_ticket(web.app.desk, web.lead, number)
    assert solved.public_answer is not None and FIX in solved.public_answer
    assert "Did this solve it?" not in solved.public_answer
    assert f"/portal/tickets/{number}" not in solved.public_answer


def test_the_admin_page_offers_no_answer_policy_where_the_answerer_never_acts(
    web: WebDesk, signed_in: SignIn
) -> None:
    """The answerer never acts at L2 and above, whatever the policy: a select there would
    take "send" and do nothing, so the page says why instead."""
    l1 = _queue(web)
    queues.create_queue(
        web.app.desk, web.lead, queues.NewQueue(key="l2-tv", name="L2 Smart TV", tier=Tier.L2)
    )
    lead = signed_in(web.lead)

    page = lead.get("/admin").text

    assert f'action="/admin/queues/{l1}/answers"' in page
    assert 'action="/admin/queues/l2-tv/answers"' not in page
    assert "never at L2 and above" in page
