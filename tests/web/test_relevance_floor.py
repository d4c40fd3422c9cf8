"""A search answers "nothing found" when nothing has evidence of its own: fusion ranks by
z-scores over the candidates, so without an absolute floor some candidate is always best."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import make_agent, token_for
from tests.follow_ups import run_follow_ups
from tests.web.conftest import Browser, WebDesk
from tierdesk.assist import ranking
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import knowledge, search, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
GIBBERISH = "xqzvbnm qwrtplk"
MANUAL = (
    b"# SBC admin guide\n\n## One-way audio behind NAT\n\n"
    b"Enable media latching on the trunk so that RTP from remote users behind a home router "
    b"reaches the relay; check the NAT traversal setting of the remote-user profile.\n\n"
    b"## Certificates\n\nRenew the TLS certificate of the SBC before it expires: an expired "
    b"certificate stops every TLS trunk and every phone that registers over TLS.\n"
)


def _open(web: WebDesk, subject: str, body: str) -> str:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject=subject, body_text=body)
    )
    return ticket.number or ""


def test_the_share_of_a_query_a_document_holds_counts_unknown_words_as_rare() -> None:
    idfs = {"printer": 2.0, "jam": 3.0}
    mass = 2.0 + 3.0 + ranking.unknown_idf(100)  # a third word no document holds

    held = ranking.query_share_held
    assert held(idfs, mass, {"printer", "jam", "paper"}) == 5.0 / mass
    assert held(idfs, mass, {"paper"}) == 0.0
    assert held({}, 0.0, {"paper"}) == 0.0


def test_gibberish_finds_nothing_in_the_header_search(web: WebDesk, signed_in: SignIn) -> None:
    knowledge.add_article(web.app.desk, SYSTEM, web.app.read_document(MANUAL, "sbc.md"), "sbc.md")
    for i in range(5):
        _open(web, f"Calls drop {i}", "Every call through the SBC drops after thirty seconds.")

    assert search.search_tickets(web.app.desk, web.lead, GIBBERISH) == []
    assert knowledge.search_knowledge(web.app.desk, web.lead, GIBBERISH) == []
    page = signed_in(web.lead).get("/search", params={"q": GIBBERISH}).text
    assert "No ticket you may see matches this well." in page
    assert "Nothing in the manuals answers this well." in page


def test_a_question_sharing_a_rare_word_still_finds_its_ticket(web: WebDesk) -> None:
    wanted = _open(web, "Calls drop", "Every call through the SBC drops after thirty seconds.")
    _open(web, "Invoice address wrong", "Please change the address on our invoice.")
    run_follow_ups(web.app.desk)

    found = search.search_tickets(web.app.desk, web.lead, "why do calls drop xqzvbnm")

    assert [f.ticket.number for f in found] == [wanted]


def test_the_knowledge_search_api_answers_an_empty_list_for_gibberish(
    app: Tierdesk, client: TestClient
) -> None:
    knowledge.add_article(app.desk, SYSTEM, app.read_document(MANUAL, "sbc.md"), "sbc.md")
    token = token_for(app.desk, make_agent(app.desk, tiers=[1]))
    headers = {"Authorization": f"Bearer {token}"}

    gibberish = client.get("/api/v1/kb/search", params={"q": GIBBERISH}, headers=headers)
    question = client.get("/api/v1/kb/search", params={"q": "media latching"}, headers=headers)

    assert gibberish.status_code == 200 and gibberish.json()["items"] == []
    assert question.json()["items"][0]["citation"]["section"] == "One-way audio behind NAT"


def test_the_assist_panel_says_no_good_manual_match_for_a_ticket_the_manuals_do_not_cover(
    web: WebDesk, signed_in: SignIn
) -> None:
    knowledge.add_article(
        web.app.desk, SYSTEM, web.app.read_document(MANUAL, "sbc.md"), "sbc.md", product="SBC"
    )
    covered = _open(web, "One-way audio for remote users", "RTP from remote users is lost.")
    uncovered = _open(web, "Invoice address wrong", "Please change the address on our invoice.")
    browser = signed_in(web.lead)

    assert "One-way audio behind NAT" in browser.get(f"/tickets/{covered}/assist").text
    panel = browser.get(f"/tickets/{uncovered}/assist").text
    assert "Nothing in the manuals answers this ticket well." in panel
    assert "One-way audio behind NAT" not in panel and "Certificates" not in panel
