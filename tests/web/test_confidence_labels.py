"""What the confidence of a hit looks like: the API's `confidence` field, "likely match" and
"weak match" labels on the workspace's pages, and a search with nothing good saying so."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import make_agent, token_for
from tests.web.conftest import Browser, WebDesk
from tierdesk.bootstrap import Tierdesk
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import knowledge
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
EDGE = "kestrel-edge-configuration-guide-13.0.pdf"


def add_edge_manual(app: Tierdesk) -> None:
    parsed = app.read_document((CONTENT_DIR / "manuals" / EDGE).read_bytes(), EDGE)
    knowledge.add_article(app.desk, SYSTEM, parsed, EDGE, product="Kestrel Edge")


def test_every_passage_over_the_api_carries_its_confidence(
    app: Tierdesk, client: TestClient
) -> None:
    add_edge_manual(app)
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    found = client.get(
        "/api/v1/kb/search",
        params={"q": "port forwarding destination NAT"},
        headers={"Authorization": f"Bearer {agent}"},
    ).json()["items"]

    assert found and all(0.0 <= hit["confidence"] <= 1.0 for hit in found)
    assert found[0]["confidence"] >= 0.8  # a clear answer


def test_the_kb_page_labels_likely_and_weak_matches(web: WebDesk, signed_in: SignIn) -> None:
    add_edge_manual(web.app)
    asked = "port forwarding destination NAT"
    hits = knowledge.search_knowledge(web.app.desk, web.lead, asked, limit=10)
    strong = [h for h in hits if h.confidence >= 0.8]
    weak = [h for h in hits if h.confidence < 0.8]

    page = signed_in(web.lead).get("/kb", params={"q": asked}).text

    assert strong and weak  # the test desk shows every hit (its floor is off)
    assert f"likely match {round(strong[0].confidence * 100)}%" in page
    assert "weak match" in page
    assert page.count("likely match") == len(strong)


def test_a_search_with_nothing_good_says_so(web: WebDesk, signed_in: SignIn) -> None:
    add_edge_manual(web.app)
    browser = signed_in(web.lead)

    for box in ("/kb", "/search"):
        page = browser.get(box, params={"q": "xqzvbnm qwrtplk"}).text
        assert "Nothing in the manuals answers this well" in page, box
