"""Routing rules on /admin, on both engines: a lead adds, edits, reorders and deletes them
through the same services as the API (audited), a bad condition is named next to its field,
and "test this rule on a ticket" says whether it matches and where it would route without
changing the ticket. Agents are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update

from tests.web.conftest import Browser, WebDesk
from tierdesk.adapters.db import routing as routing_tables
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.services import queues, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def with_queues(web: WebDesk) -> None:
    for key, name in (("l1-de", "German L1"), ("l1-en", "English L1"), ("l1-all", "L1")):
        queues.create_queue(web.app.desk, SYSTEM, queues.NewQueue(key, name, Tier.L1))


def rule_form(name: str, queue: str, **conditions: str) -> dict[str, Any]:
    return {"name": name, "queue": queue, "assign": "true", **conditions}


def order(web: WebDesk) -> list[tuple[str, str, dict[str, list[str]]]]:
    rules = queues.list_routing_rules(web.app.desk, web.lead)
    return [(r.name, r.queue, r.conditions.to_dict()) for r in rules]


def audit_count(app: Tierdesk, action: str | None = None) -> int:
    a = tables.audit_events.c
    query = select(func.count()).select_from(tables.audit_events)
    if action:
        query = query.where(a.action == action)
    with app.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def german_ticket(web: WebDesk) -> Ticket:
    """Opened by an agent into l1-all by hand, before any rule exists."""
    return tickets.open_ticket(
        web.app.desk,
        web.l1,
        tickets.NewTicket(
            subject="Kein Ton bei Anrufen",
            body_text="Anrufer hören nichts.",
            requester_id=web.acme_contact.id,
            queue="l1-all",
            language="de",
        ),
    )


def test_a_lead_adds_edits_reorders_and_deletes_routing_rules(
    web: WebDesk, signed_in: SignIn
) -> None:
    with_queues(web)
    lead = signed_in(web.lead)
    assert 'id="routing"' in lead.get("/admin").text

    lead.post("/admin/routing-rules", rule_form("German", "l1-de", languages="de"))
    lead.post("/admin/routing-rules", rule_form("Everything", "l1-en"))
    assert [name for name, _, _ in order(web)] == ["German", "Everything"]
    [german, everything] = queues.list_routing_rules(web.app.desk, web.lead)

    moved = lead.post(f"/admin/routing-rules/{everything.id}/move", {"direction": "up"})
    assert moved.status_code == 200
    assert [name for name, _, _ in order(web)] == ["Everything", "German"]
    page = moved.text
    assert page.index(f'id="routing-rule-{everything.id}"') < page.index(
        f'id="routing-rule-{german.id}"'
    )
    lead.post(
        f"/admin/routing-rules/{german.id}",
        rule_form("German urgent", "l1-de", languages="de, at", priorities="p1", enabled="true"),
    )
    assert order(web)[1] == (
        "German urgent",
        "l1-de",
        {"languages": ["de", "at"], "priorities": ["P1"]},
    )
    lead.post(f"/admin/routing-rules/{everything.id}/delete")

    assert [name for name, _, _ in order(web)] == ["German urgent"]
    assert audit_count(web.app, "routing_rule.created") == 2
    assert audit_count(web.app, "routing_rule.updated") == 3  # two positions swapped, one edit
    assert audit_count(web.app, "routing_rule.deleted") == 1


def test_a_bad_condition_is_named_next_to_its_field_and_nothing_is_stored(
    web: WebDesk, signed_in: SignIn
) -> None:
    with_queues(web)
    lead = signed_in(web.lead)
    lead.get("/admin")

    priority = lead.post(
        "/admin/routing-rules", rule_form("Urgent", "l1-en", priorities="P9"), headers=HTMX
    )
    product = lead.post(
        "/admin/routing-rules", rule_form("Gateways", "l1-en", products="osprey"), headers=HTMX
    )

    assert priority.status_code == 422 and priority.headers["X-Desk-Fields"] == "priorities"
    assert "P9" in priority.text
    assert product.status_code == 422 and product.headers["X-Desk-Fields"] == "products"
    assert order(web) == []


def test_a_language_that_is_no_language_code_is_refused_next_to_its_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    with_queues(web)
    lead = signed_in(web.lead)
    lead.get("/admin")

    for typed in ("<script>alert(1)</script>", "x" * 5000, "-1", "de fr en_GB"):
        refused = lead.post(
            "/admin/routing-rules", rule_form("German", "l1-de", languages=typed), headers=HTMX
        )
        assert refused.status_code == 422, typed
        assert refused.headers["X-Desk-Fields"] == "languages"
    accepted = lead.post(
        "/admin/routing-rules", rule_form("Swiss", "l1-de", languages="DE-ch, fr"), headers=HTMX
    )

    assert accepted.status_code == 204, accepted.text
    assert order(web) == [("Swiss", "l1-de", {"languages": ["de-ch", "fr"]})]


def test_testing_a_rule_on_a_ticket_says_where_it_would_route_and_changes_nothing(
    web: WebDesk, signed_in: SignIn
) -> None:
    with_queues(web)
    ticket = german_ticket(web)
    lead = signed_in(web.lead)
    lead.get("/admin")
    lead.post("/admin/routing-rules", rule_form("French", "l1-en", languages="fr"))
    lead.post("/admin/routing-rules", rule_form("German", "l1-de", languages="de"))
    french, german = queues.list_routing_rules(web.app.desk, web.lead)
    before = audit_count(web.app)

    matched = lead.get(
        f"/admin/routing-rules/{german.id}/trial", params={"ticket": ticket.number}, headers=HTMX
    )
    missed = lead.get(f"/admin/routing-rules/{french.id}/trial", params={"ticket": ticket.number})

    assert matched.status_code == 200
    assert 'data-matches="yes"' in matched.text
    assert "German L1" in matched.text and "l1-de" in matched.text
    assert "this rule is the one that would route it" in matched.text
    assert missed.status_code == 200 and "<h1>" in missed.text  # a page of its own
    assert 'data-matches="no"' in missed.text
    assert "language de, the rule wants fr" in missed.text
    assert "“German” would route it first" in missed.text
    assert tickets.get_ticket(web.app.desk, web.lead, ticket.number).queue == "l1-all"
    assert audit_count(web.app) == before


def test_an_agent_can_neither_change_nor_test_routing_rules(
    web: WebDesk, signed_in: SignIn
) -> None:
    with_queues(web)
    ticket = german_ticket(web)
    rule = queues.create_routing_rule(
        web.app.desk, SYSTEM, queues.NewRoutingRule("German", "l1-de", {"languages": ["de"]})
    )
    l1 = signed_in(web.l1)
    l1.get("/queue")

    added = l1.post("/admin/routing-rules", rule_form("Mine", "l1-en"))
    trial = l1.get(f"/admin/routing-rules/{rule.id}/trial", params={"ticket": ticket.number})
    moved = l1.post(f"/admin/routing-rules/{rule.id}/move", {"direction": "up"})

    assert (added.status_code, trial.status_code, moved.status_code) == (403, 403, 403)
    assert [name for name, _, _ in order(web)] == ["German"]


def test_a_rule_stored_before_languages_were_checked_still_loads(
    web: WebDesk, signed_in: SignIn
) -> None:
    with_queues(web)
    queues.create_routing_rule(
        web.app.desk, SYSTEM, queues.NewRoutingRule("Old", "l1-de", {"languages": ["de"]})
    )
    # written when any text was taken: the check is the form's, never the stored row's
    rules = routing_tables.routing_rules
    with web.app.engine.begin() as connection:
        connection.execute(update(rules).values(conditions={"languages": ["-1"]}))

    page = signed_in(web.lead).get("/admin")

    assert page.status_code == 200
    assert order(web) == [("Old", "l1-de", {"languages": ["-1"]})]
