"""Macros that change fields as well as insert text: a lead gives a macro its field changes on
the admin page; an agent's reply with it makes them, audited with the macro's name."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.db import macros as macro_tables
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.services import macros, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_a_lead_adds_a_macro_that_changes_fields(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    response = lead.post(
        "/admin/macros",
        {
            "name": "Waiting for logs",
            "kind": "public",
            "body": "Could you send us the logs?",
            "status": "pending-customer",
            "priority": "P2",
            "type": "problem",
            "add_tags": "waiting, Logs",
            "remove_tags": "triage",
            "assign_to_me": "true",
        },
        headers=HTMX,
    )

    assert response.status_code == 204, response.text
    [macro] = [
        m for m in macros.list_macros(web.app.desk, web.lead) if m.name == "Waiting for logs"
    ]
    assert macro.actions.status is Status.PENDING_CUSTOMER
    assert macro.actions.priority is Priority.P2
    assert macro.actions.type is TicketType.PROBLEM
    assert macro.actions.add_tags == ("waiting", "logs")
    assert macro.actions.remove_tags == ("triage",)
    assert macro.actions.assign_to_me
    assert "status → pending-customer" in lead.get("/admin").text


def test_a_macro_cannot_solve_and_a_bad_value_adds_nothing(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    before = macros.list_macros(web.app.desk, web.lead)
    sent = {"name": "Done", "kind": "public", "body": "Fixed.", "status": "solved"}

    solving = lead.post("/admin/macros", sent, headers=HTMX)
    nonsense = lead.post("/admin/macros", {**sent, "status": "", "priority": "P9"}, headers=HTMX)

    assert solving.status_code == 422 and solving.headers["X-Desk-Fields"] == "status"
    assert nonsense.status_code == 422 and nonsense.headers["X-Desk-Fields"] == "priority"
    assert len(macros.list_macros(web.app.desk, web.lead)) == len(before)


def test_a_macro_tag_a_ticket_could_not_carry_is_refused_when_the_macro_is_added(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    before = macros.list_macros(web.app.desk, web.lead)
    sent = {"name": "Tag it", "kind": "public", "body": "Thanks."}

    # a ticket's tag has at most 64 characters: the macro failed only when an agent used it,
    # after its reply had been sent
    added = lead.post("/admin/macros", {**sent, "add_tags": "ok, " + "t" * 65}, headers=HTMX)
    removed = lead.post("/admin/macros", {**sent, "remove_tags": "r" * 65}, headers=HTMX)

    assert added.status_code == 422 and added.headers["X-Desk-Fields"] == "add_tags"
    assert removed.status_code == 422 and removed.headers["X-Desk-Fields"] == "remove_tags"
    assert len(macros.list_macros(web.app.desk, web.lead)) == len(before)


def test_a_reply_with_a_macro_sets_status_tags_and_assignee_on_the_trail(
    web: WebDesk, signed_in: SignIn
) -> None:
    macro = macros.add_macro(
        web.app.desk,
        SYSTEM,
        "Waiting for logs",
        "public",
        "Could you send us the logs?",
        {
            "status": "pending-customer",
            "add_tags": "waiting",
            "remove_tags": "triage",
            "assign_to_me": True,
        },
    )
    ticket = open_at_l1(web, "Calls drop")
    number = ticket.number or ""
    tickets.update_ticket(web.app.desk, web.lead, number, tags=["triage", "sip"])
    l1 = signed_in(web.l1)
    page = l1.get(f"/tickets/{number}").text
    assert 'data-actions="status → pending-customer, +waiting, −triage, assign to me"' in page

    response = l1.post(
        f"/tickets/{number}/messages",
        {
            "body": "Could you send us the logs?",
            "kind": "public",
            "macro_id": str(macro.id),
            "then": "pending-customer",  # the same status: no second change, no error
        },
        headers=HTMX,
    )

    assert response.status_code == 204, response.text
    stored = tickets.get_ticket(web.app.desk, web.lead, number)
    assert stored.status is Status.PENDING_CUSTOMER
    assert stored.tags == ["sip", "waiting"]
    assert stored.assignee_id == web.l1.id
    assert stored.messages[-1].body_text == "Could you send us the logs?"
    events = tickets.ticket_events(web.app.desk, web.lead, number)
    by_macro = [e.action for e in events if e.reason == "macro Waiting for logs"]
    assert "ticket.status_changed" in by_macro
    assert any(e.action == "ticket.updated" and "tags" in e.changes for e in events)


def test_a_macro_stored_with_a_tag_too_long_still_lists(web: WebDesk, signed_in: SignIn) -> None:
    macros.add_macro(web.app.desk, SYSTEM, "Old", "public", "Thanks.", {"add_tags": "old"})
    # written before tags were checked: the check is the form's, never the stored row's
    with web.app.engine.begin() as connection:
        connection.execute(update(macro_tables.macros).values(actions={"add_tags": ["t" * 65]}))

    page = signed_in(web.lead).get("/admin")

    assert page.status_code == 200
    [old] = [m for m in macros.list_macros(web.app.desk, web.lead) if m.name == "Old"]
    assert old.actions.add_tags == ("t" * 65,)


def test_a_reply_with_an_unknown_then_status_is_refused_before_it_is_sent(
    web: WebDesk, signed_in: SignIn
) -> None:
    # "then" was read after the reply was stored: Status("bogus") answered 500 for a reply the
    # customer had already been sent.
    ticket = open_at_l1(web, "Calls drop")
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")
    before = len(tickets.get_ticket(web.app.desk, web.lead, number).messages)

    response = l1.post(
        f"/tickets/{number}/messages",
        {"body": "Could you send us the logs?", "kind": "public", "then": "bogus"},
        headers=HTMX,
    )

    assert response.status_code == 422, response.text
    assert response.headers["X-Desk-Fields"] == "then"
    stored = tickets.get_ticket(web.app.desk, web.lead, number)
    assert len(stored.messages) == before
    assert stored.status is ticket.status
