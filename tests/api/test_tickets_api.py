"""The ticket API end to end, in process, on both engines."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.api.conftest import World
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk


def _open(client: TestClient, world: World, **extra: object) -> dict[str, object]:
    body = {"subject": "One-way audio after upgrade", "body": "Callers cannot hear us.", **extra}
    response = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _count(app: Tierdesk, table: object) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_a_contact_opens_and_an_agent_works_the_ticket_with_every_step_in_the_trail(
    client: TestClient, world: World
) -> None:
    ticket = _open(client, world, priority="P2", type="problem", tags=["Audio", "NAT"])
    number = ticket["number"]
    assert isinstance(number, str) and number.startswith("TD-")
    assert ticket["status"] == "new" and ticket["level"] == 0
    assert ticket["tags"] == ["audio", "nat"]

    reply = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"kind": "public-reply", "body": "Which version do you run?"},
        headers=world.l1_agent,
    )
    assert reply.status_code == 201, reply.text
    note = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"kind": "internal-note", "body": "Customer is on 5.2, known NAT bug"},
        headers=world.l1_agent,
    )
    assert note.status_code == 201
    escalated = client.post(
        f"/api/v1/tickets/{number}/escalate",
        json={
            "to_level": 2,
            "reason": "needs packet capture analysis",
            "packet": {
                "symptoms": "One-way audio",
                "environment": "SBC 6.0.0",
                "steps_tried": [{"step": "Asked for version", "result": "5.2"}],
                "hypotheses": ["suspect media relay NAT handling"],
            },
        },
        headers=world.l1_agent,
    )
    assert escalated.status_code == 200, escalated.text
    assert escalated.json()["level"] == 2

    events = client.get(f"/api/v1/tickets/{number}/events", headers=world.l1_agent).json()["items"]
    actions = [e["action"] for e in events]
    assert actions == [
        "ticket.opened",
        "message.added",
        "message.added",
        "ticket.status_changed",
        "message.added",
        "ticket.escalated",
    ]
    escalation = events[-1]
    assert escalation["reason"] == "needs packet capture analysis"
    assert escalation["changes"]["tier"] == [0, 2]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_the_contact_never_sees_the_internal_note(client: TestClient, world: World) -> None:
    number = _open(client, world)["number"]
    client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"kind": "internal-note", "body": "SECRET internal finding"},
        headers=world.l1_agent,
    )
    as_contact = client.get(f"/api/v1/tickets/{number}", headers=world.acme_contact)
    assert as_contact.status_code == 200
    assert "SECRET" not in as_contact.text
    assert [m["kind"] for m in as_contact.json()["messages"]] == ["customer"]
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=world.acme_contact)
    assert "SECRET" not in messages.text
    events = client.get(f"/api/v1/tickets/{number}/events", headers=world.acme_contact)
    assert "SECRET" not in events.text
    assert all(e["public"] for e in events.json()["items"])
    as_agent = client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent)
    assert "SECRET internal finding" in as_agent.text


def test_another_organisations_contact_gets_the_same_404_as_for_a_missing_ticket(
    client: TestClient, world: World
) -> None:
    number = _open(client, world)["number"]
    theirs = client.get(f"/api/v1/tickets/{number}", headers=world.globex_contact)
    missing = client.get("/api/v1/tickets/TD-999999", headers=world.globex_contact)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"]["code"] == missing.json()["error"]["code"] == "not_found"
    for path in ("events", "messages"):
        assert (
            client.get(f"/api/v1/tickets/{number}/{path}", headers=world.globex_contact).status_code
            == 404
        )
    reply = client.post(
        f"/api/v1/tickets/{number}/messages", json={"body": "hello?"}, headers=world.globex_contact
    )
    assert reply.status_code == 404
    listed = client.get("/api/v1/tickets", headers=world.globex_contact).json()
    assert listed["total"] == 0 and listed["items"] == []


def test_a_malformed_body_gets_the_error_shape_and_stores_nothing(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    before = (_count(app, tables.tickets), _count(app, tables.audit_events))
    broken_json = client.post(
        "/api/v1/tickets",
        content=b'{"subject": ',
        headers={**world.acme_contact, "Content-Type": "application/json"},
    )
    assert broken_json.status_code == 400
    assert broken_json.json()["error"]["code"] == "malformed_json"
    for body in (
        {},
        {"subject": ""},
        {"subject": "x", "priority": "P9"},
        {"subject": "x", "unknown_field": 1},
        {"subject": "x", "product": "no-such"},
        {"subject": "x", "body": "y", "attachments": [{"filename": "a", "content_base64": "!!"}]},
    ):
        response = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)
        assert 400 <= response.status_code < 500, (body, response.text)
        error = response.json()["error"]
        assert error["code"] and error["message"], body
    assert (_count(app, tables.tickets), _count(app, tables.audit_events)) == before


def test_requests_without_a_valid_token_are_refused(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer td_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/tickets", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_customers_cannot_do_agents_work(client: TestClient, world: World) -> None:
    number = _open(client, world)["number"]
    escalate = client.post(
        f"/api/v1/tickets/{number}/escalate",
        json={
            "to_level": 2,
            "reason": "r",
            "packet": {
                "symptoms": "No audio one way",
                "environment": "SBC 6.0.0",
                "steps_tried": [{"step": "checked NAT", "result": "no change"}],
                "hypotheses": ["NAT"],
            },
        },
        headers=world.acme_contact,
    )
    assert escalate.status_code == 403
    note = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"kind": "internal-note", "body": "x"},
        headers=world.acme_contact,
    )
    assert note.status_code == 422
    patch = client.patch(
        f"/api/v1/tickets/{number}", json={"priority": "P1"}, headers=world.acme_contact
    )
    assert patch.status_code == 403


def test_nonsense_transitions_are_refused_with_409(client: TestClient, world: World) -> None:
    number = _open(client, world)["number"]
    down = client.post(
        f"/api/v1/tickets/{number}/de-escalate",
        json={"to_level": 0, "reason": "r", "guidance": "n"},
        headers=world.l1_agent,
    )
    assert down.status_code == 409
    assert down.json()["error"]["code"] == "invalid_transition"
    reopen = client.post(
        f"/api/v1/tickets/{number}/reopen", json={"reason": "why"}, headers=world.l1_agent
    )
    assert reopen.status_code == 409


def test_patch_applies_all_changes_or_none(client: TestClient, world: World) -> None:
    number = _open(client, world)["number"]
    bad = client.patch(
        f"/api/v1/tickets/{number}",
        json={"subject": "Renamed", "assignee_id": 999999},
        headers=world.lead,
    )
    assert bad.status_code == 422
    after = client.get(f"/api/v1/tickets/{number}", headers=world.lead).json()
    assert after["subject"] == "One-way audio after upgrade"
    good = client.patch(
        f"/api/v1/tickets/{number}",
        json={
            "subject": "Renamed",
            "priority": "P1",
            "status": "open",
            "tags": ["x"],
            "reason": "outage at customer",
        },
        headers=world.lead,
    )
    assert good.status_code == 200, good.text
    body = good.json()
    assert (body["subject"], body["priority"], body["status"], body["tags"]) == (
        "Renamed",
        "P1",
        "open",
        ["x"],
    )


def test_solve_close_reopen_and_links(client: TestClient, world: World) -> None:
    first = _open(client, world)["number"]
    second = _open(client, world)["number"]
    linked = client.post(
        f"/api/v1/tickets/{second}/links",
        json={"target": first, "kind": "duplicate-of"},
        headers=world.l1_agent,
    )
    assert linked.status_code == 201
    assert linked.json()["links"][0]["kind"] == "duplicate-of"
    related = client.get(f"/api/v1/tickets/{first}/related", headers=world.l1_agent).json()["items"]
    assert [t["number"] for t in related] == [second]
    solved = client.post(
        f"/api/v1/tickets/{first}/solve",
        json={"resolution": "Enabled symmetric RTP."},
        headers=world.l1_agent,
    )
    assert solved.json()["status"] == "solved"
    reopened = client.post(
        f"/api/v1/tickets/{first}/reopen", json={"reason": "came back"}, headers=world.acme_contact
    )
    assert reopened.json()["status"] == "open"
    merged = client.post(
        f"/api/v1/tickets/{second}/merge", json={"into": first}, headers=world.l1_agent
    )
    assert merged.status_code == 200 and merged.json()["number"] == first
    source = client.get(f"/api/v1/tickets/{second}", headers=world.l1_agent).json()
    assert source["status"] == "closed"
    assert {link["kind"] for link in source["links"]} == {"duplicate-of", "merged-into"}


def test_a_customer_sees_no_link_to_another_organisations_ticket_nor_who_made_links(
    client: TestClient, world: World
) -> None:
    ours, sibling = _open(client, world), _open(client, world)
    theirs = client.post(
        "/api/v1/tickets", json={"subject": "Globex", "body": "x"}, headers=world.globex_contact
    ).json()
    for target, kind in ((theirs, "duplicate-of"), (sibling, "related")):
        linked = client.post(
            f"/api/v1/tickets/{ours['number']}/links",
            json={"target": target["number"], "kind": kind},
            headers=world.lead,
        )
        assert linked.status_code == 201, linked.text

    as_lead = client.get(f"/api/v1/tickets/{ours['number']}", headers=world.lead).json()
    assert {lk["target_id"] for lk in as_lead["links"]} == {theirs["id"], sibling["id"]}
    assert all(lk["created_by"] for lk in as_lead["links"])

    detail = client.get(f"/api/v1/tickets/{ours['number']}", headers=world.acme_contact).json()
    listed = client.get("/api/v1/tickets", headers=world.acme_contact).json()["items"]
    [in_list] = [t for t in listed if t["number"] == ours["number"]]
    for shown in (detail, in_list):
        assert [(lk["kind"], lk["target_id"]) for lk in shown["links"]] == [
            ("related", sibling["id"])
        ]
        assert [lk["created_by"] for lk in shown["links"]] == [None]


def test_listing_filters_and_paginates_with_a_cursor(client: TestClient, world: World) -> None:
    numbers = [_open(client, world, priority=p)["number"] for p in ("P1", "P2", "P2", "P3", "P4")]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/tickets", params=params, headers=world.l1_agent).json()
        assert page["total"] == 5
        seen += [t["number"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(numbers))
    p2 = client.get("/api/v1/tickets", params={"priority": "P2"}, headers=world.l1_agent).json()
    assert p2["total"] == 2
    bad = client.get("/api/v1/tickets", params={"cursor": "garbage"}, headers=world.l1_agent)
    assert bad.status_code == 422
    text = client.get("/api/v1/tickets", params={"q": "one-way"}, headers=world.l1_agent).json()
    assert text["total"] == 5


def test_an_l1_agent_does_not_see_an_l3_ticket_it_never_handled(
    client: TestClient, world: World
) -> None:
    number = _open(client, world)["number"]
    client.post(
        f"/api/v1/tickets/{number}/escalate",
        json={
            "to_level": 3,
            "reason": "expert",
            "packet": {
                "symptoms": "No audio one way",
                "environment": "SBC 6.0.0",
                "steps_tried": [{"step": "checked NAT", "result": "no change"}],
                "hypotheses": ["NAT"],
            },
        },
        headers=world.lead,
    )
    assert client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent).status_code == 404
    assert client.get(f"/api/v1/tickets/{number}", headers=world.l3_agent).status_code == 200


def test_attachments_are_sniffed_and_downloaded_only_as_files(
    client: TestClient, world: World
) -> None:
    html = b"<html><script>alert(1)</script></html>"
    ticket = _open(
        client,
        world,
        attachments=[
            {
                "filename": "../../etc/screenshot.png",
                "content_type": "image/png",
                "content_base64": base64.b64encode(html).decode(),
            }
        ],
    )
    attachment = ticket["messages"][0]["attachments"][0]  # type: ignore[index]
    assert attachment["content_type"] == "text/html"
    assert attachment["filename"] == "screenshot.png"
    download = client.get(
        f"/api/v1/tickets/{ticket['number']}/attachments/{attachment['id']}",
        headers=world.acme_contact,
    )
    assert download.status_code == 200
    assert download.content == html
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    other = client.get(
        f"/api/v1/tickets/{ticket['number']}/attachments/{attachment['id']}",
        headers=world.globex_contact,
    )
    assert other.status_code == 404


def test_html_bodies_are_sanitised(client: TestClient, world: World) -> None:
    ticket = _open(
        client,
        world,
        body=None,
        body_html='<p onclick="x()">Hello <img src=x onerror=alert(1)>'
        "<script>steal()</script><b>there</b></p>",
    )
    message = ticket["messages"][0]  # type: ignore[index]
    assert "script" not in message["body_html"] and "onerror" not in message["body_html"]
    assert "onclick" not in message["body_html"]
    assert message["body"] == "Hello there"


def test_people_and_catalogue_endpoints(client: TestClient, world: World) -> None:
    me = client.get("/api/v1/me", headers=world.acme_contact).json()
    assert me["kind"] == "contact"
    orgs = client.get("/api/v1/organisations", headers=world.acme_contact).json()["items"]
    assert [o["name"] for o in orgs] == ["Acme Telecom"]
    created = client.post(
        "/api/v1/organisations", json={"name": "Initech", "plan": "basic"}, headers=world.lead
    )
    assert created.status_code == 201
    refused = client.post("/api/v1/organisations", json={"name": "Nope"}, headers=world.l1_agent)
    assert refused.status_code == 403
    duplicate = client.post("/api/v1/organisations", json={"name": "Initech"}, headers=world.lead)
    assert duplicate.status_code == 409
    product = client.post(
        "/api/v1/products",
        json={"name": "Kestrel SBC", "components": ["Media relay"], "versions": ["6.0.0"]},
        headers=world.lead,
    )
    assert product.status_code == 201, product.text
    assert product.json()["key"] == "kestrel-sbc"
    ticket = _open(client, world, product="kestrel-sbc", component="Media relay", version="6.0.0")
    assert ticket["catalog"] == {
        "product": "Kestrel SBC",
        "product_key": "kestrel-sbc",
        "component": "Media relay",
        "version": "6.0.0",
    }
    contact = client.post(
        "/api/v1/contacts",
        json={"email": "new@acme.example", "name": "New Person", "organisation": "Acme Telecom"},
        headers=world.l1_agent,
    )
    assert contact.status_code == 201
    refused_contact = client.post(
        "/api/v1/contacts",
        json={"email": "x@y.example", "name": "X", "organisation": "Acme Telecom"},
        headers=world.acme_contact,
    )
    assert refused_contact.status_code == 403
    agents = client.get("/api/v1/agents", headers=world.acme_contact)
    assert agents.status_code == 403
    assert client.get("/api/v1/plans", headers=world.l1_agent).json()["items"][0]["key"] == "basic"
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/tickets" in spec["paths"]
    assert "/api/v1/tickets/{ticket_ref}/escalate" in spec["paths"]


def test_null_for_a_field_a_ticket_always_has_is_refused_and_the_ticket_still_reads(
    client: TestClient, world: World
) -> None:
    number = _open(client, world)["number"]
    before = client.get(f"/api/v1/tickets/{number}", headers=world.lead).json()

    for field in ("subject", "type", "tags", "custom_fields"):
        refused = client.patch(f"/api/v1/tickets/{number}", json={field: None}, headers=world.lead)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == field

    after = client.get(f"/api/v1/tickets/{number}", headers=world.lead)
    assert after.status_code == 200 and after.json() == before
    listed = client.get("/api/v1/tickets", headers=world.acme_contact)
    assert listed.status_code == 200 and number in {t["number"] for t in listed.json()["items"]}
