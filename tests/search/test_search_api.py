"""/api/v1 retrieval endpoints, in process, on both engines."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import make_agent, make_contact, make_organisation, make_ticket, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM

PDF = CONTENT_DIR / "manuals" / "kestrel-edge-configuration-guide-13.0.pdf"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: TestClient, token: str, **form: str) -> dict[str, object]:
    response = client.post(
        "/api/v1/kb/articles",
        headers=bearer(token),
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
        data=form,
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_an_agent_uploads_a_manual_and_searches_it_with_citations(
    app: Tierdesk, client: TestClient
) -> None:
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    created = upload(client, agent, product="Kestrel Edge", version="13.0")
    again = upload(client, agent, product="Kestrel Edge", version="13.0")
    found = client.get(
        "/api/v1/kb/search",
        params={"q": "port forwarding to an internal server"},
        headers=bearer(agent),
    )
    listed = client.get("/api/v1/kb/articles", headers=bearer(agent)).json()["items"]
    one = client.get(f"/api/v1/kb/articles/{created['id']}", headers=bearer(agent)).json()

    assert created["created"] is True and again["created"] is False
    assert found.status_code == 200
    best = found.json()["items"][0]
    assert best["citation"]["document"] == "Kestrel Edge Configuration Guide, release 13.0"
    assert best["citation"]["section"].startswith("4.2 Port forwarding")
    assert best["citation"]["page"] == 2
    assert best["citation"]["product"] == "Kestrel Edge"
    assert best["score"] > 0 and best["why"]
    assert [a["id"] for a in listed] == [created["id"]]
    assert one["section_count"] == created["section_count"]


def test_customers_may_search_manuals_but_not_upload_them(
    app: Tierdesk, client: TestClient
) -> None:
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))
    upload(client, agent)
    customer = token_for(app.desk, make_contact(app.desk))

    refused = client.post(
        "/api/v1/kb/articles",
        headers=bearer(customer),
        files={"file": (PDF.name, PDF.read_bytes(), "application/pdf")},
    )
    found = client.get(
        "/api/v1/kb/search", params={"q": "firewall policies"}, headers=bearer(customer)
    )

    assert refused.status_code == 403
    assert found.status_code == 200 and found.json()


def test_similar_tickets_over_the_api_respect_organisations(
    app: Tierdesk, client: TestClient
) -> None:
    desk = app.desk
    ours, theirs = make_organisation(desk), make_organisation(desk)
    me, colleague, stranger = (make_contact(desk, organisation=o) for o in (ours, ours, theirs))
    solved = make_ticket(
        desk,
        contact=colleague,
        subject="Headset crackles on calls",
        body="The wired headset crackles during calls.",
    )
    tickets.solve_ticket(desk, SYSTEM, solved.number, "Replace the headset cable.")
    hidden = make_ticket(
        desk,
        contact=stranger,
        subject="Headset crackles during calls",
        body="Our wired headset crackles during calls.",
    )
    mine = make_ticket(
        desk, contact=me, subject="Headset crackles", body="My wired headset crackles during calls."
    )
    token = token_for(desk, me)

    similar = client.get(f"/api/v1/tickets/{mine.number}/similar", headers=bearer(token))
    suggestions = client.get(f"/api/v1/tickets/{mine.number}/suggestions", headers=bearer(token))
    not_yours = client.get(f"/api/v1/tickets/{hidden.number}/similar", headers=bearer(token))

    assert similar.status_code == 200
    body = similar.json()
    assert body["solved"][0]["number"] == solved.number
    assert body["solved"][0]["resolution"] is None  # written for engineers, never customers
    assert hidden.number not in [t["number"] for t in body["solved"] + body["open"]]
    assert suggestions.status_code == 200
    assert suggestions.json()["similar"]["solved"][0]["number"] == solved.number
    assert not_yours.status_code == 404


def test_kb_search_needs_a_token_and_a_question(app: Tierdesk, client: TestClient) -> None:
    agent = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    assert client.get("/api/v1/kb/search", params={"q": "x"}).status_code == 401
    assert client.get("/api/v1/kb/search", headers=bearer(agent)).status_code == 422
    assert client.get("/api/v1/kb/articles/999", headers=bearer(agent)).status_code == 404
