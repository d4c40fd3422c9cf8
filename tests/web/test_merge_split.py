"""Merge and split from the ticket page (and split through the API): both tickets behind the
agent's door, never across organisations, both trails telling it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.factories import full_packet, token_for
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.tickets import LinkKind, Status
from tierdesk.services import escalation, tickets
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def actions(web: WebDesk, number: str) -> list[str]:
    return [e.action for e in tickets.ticket_events(web.app.desk, web.lead, number)]


def test_a_ticket_is_merged_into_another_from_the_page(web: WebDesk, signed_in: SignIn) -> None:
    source = open_at_l1(web, "Calls drop (second report)")
    target = open_at_l1(web, "Calls drop")
    l1 = signed_in(web.l1)
    assert "Merge into ticket" in l1.get(f"/tickets/{source.number}").text

    response = l1.post(
        f"/tickets/{source.number}/merge",
        {"into": target.number or "", "merge_reason": "same outage"},
        headers=HTMX,
    )

    assert response.status_code == 204, response.text
    assert response.headers["HX-Redirect"].startswith(f"/tickets/{target.number}?")
    merged = tickets.get_ticket(web.app.desk, web.lead, source.number or "")
    assert merged.status is Status.CLOSED
    assert [lk.kind for lk in merged.links] == [LinkKind.MERGED_INTO]
    assert "ticket.merged_into" in actions(web, source.number or "")
    assert "ticket.merged_from" in actions(web, target.number or "")
    assert source.number in l1.get(f"/tickets/{target.number}").text  # links here


def test_tickets_of_different_organisations_are_not_merged(web: WebDesk, signed_in: SignIn) -> None:
    ours = open_at_l1(web, "Echo")
    theirs = tickets.open_ticket(
        web.app.desk,
        web.l1,
        tickets.NewTicket(subject="Echo too", body_text="x", requester_id=web.globex_contact.id),
    )
    lead = signed_in(web.lead)
    lead.get(f"/tickets/{ours.number}")

    response = lead.post(
        f"/tickets/{ours.number}/merge", {"into": theirs.number or ""}, headers=HTMX
    )

    assert response.status_code == 409
    assert "different organisations" in response.text
    assert tickets.get_ticket(web.app.desk, web.lead, ours.number or "").status is Status.NEW


def test_an_agent_cannot_merge_into_a_ticket_they_cannot_open(
    web: WebDesk, signed_in: SignIn
) -> None:
    ours = open_at_l1(web, "Echo")
    above = open_at_l1(web, "Echo at L2")
    escalation.escalate_ticket(
        web.app.desk, web.lead, above.number or "", Tier.L2, "lab", full_packet()
    )
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{ours.number}")

    response = l1.post(f"/tickets/{ours.number}/merge", {"into": above.number or ""}, headers=HTMX)

    assert response.status_code == 404
    assert tickets.get_ticket(web.app.desk, web.lead, ours.number or "").status is Status.NEW


def test_a_message_is_split_off_into_a_new_ticket_linked_to_the_first(
    web: WebDesk, signed_in: SignIn
) -> None:
    first = open_at_l1(web, "Phones reboot", body="Phones reboot at night.")
    _, second_problem = add_message(
        web.app.desk,
        web.acme_contact,
        first.number or "",
        MessageKind.CUSTOMER,
        text="Also: voicemail greetings are gone.",
    )
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{first.number}")

    response = l1.post(
        f"/tickets/{first.number}/split",
        {"message_id": str(second_problem.id), "split_subject": "Voicemail greetings gone"},
        headers=HTMX,
    )

    assert response.status_code == 204, response.text
    number = response.headers["HX-Redirect"].split("/tickets/")[1].split("?")[0]
    new = tickets.get_ticket(web.app.desk, web.lead, number)
    assert new.subject == "Voicemail greetings gone"
    assert new.requester_id == web.acme_contact.id
    assert [m.body_text for m in new.messages] == ["Also: voicemail greetings are gone."]
    original = tickets.get_ticket(web.app.desk, web.lead, first.number or "")
    assert [(lk.kind, lk.target_ticket_id) for lk in original.links] == [(LinkKind.RELATED, new.id)]
    assert len(original.messages) == 2  # the first thread still reads whole
    assert "ticket.split" in actions(web, first.number or "")
    assert actions(web, number)[:2] == ["ticket.opened", "ticket.split_from"]

    blank = l1.post(
        f"/tickets/{first.number}/split",
        {"message_id": str(second_problem.id), "split_subject": " "},
        headers=HTMX,
    )
    assert blank.status_code == 422
    assert blank.headers["X-Desk-Fields"] == "split_subject"


def test_the_api_splits_a_message_off_and_refuses_customers(
    web: WebDesk, client: TestClient
) -> None:
    first = open_at_l1(web, "Two problems", body="Trunk down. And the fax too.")
    message_id = first.messages[0].id
    url = f"/api/v1/tickets/{first.number}/split"
    body = {"message_id": message_id, "subject": "Fax"}

    refused = client.post(
        url,
        json=body,
        headers=bearer(token_for(web.app.desk, web.acme_contact)),
    )
    made = client.post(url, json=body, headers=bearer(token_for(web.app.desk, web.l1)))

    assert refused.status_code == 403
    assert made.status_code == 201, made.text
    assert made.json()["subject"] == "Fax"
    assert made.json()["requester_id"] == web.acme_contact.id


def merged_pair(web: WebDesk) -> tuple[str, str]:
    """A ticket worked at level 2 (with a lab note) merged by the lead into a level-1 ticket
    of the same customer; returns (merged, surviving) numbers."""
    desk = web.app.desk
    source = open_at_l1(web, "Calls drop (first report)", body="Calls drop at noon.")
    escalation.escalate_ticket(desk, web.lead, source.number or "", Tier.L2, "lab", full_packet())
    target = open_at_l1(web, "Calls drop", body="Calls drop after thirty seconds.")
    add_message(desk, web.lead, source.number or "", MessageKind.INTERNAL_NOTE, text="Lab: SBC bug")
    add_message(
        desk, web.acme_contact, target.number or "", MessageKind.CUSTOMER, text="Still dropping."
    )
    tickets.merge_tickets(desk, web.lead, source.number or "", target.number or "", "same outage")
    return source.number or "", target.number or ""


def thread_texts(html: str) -> list[str]:
    """The thread's bodies in page order, each with the 'from TD-n' mark it carries."""
    found = re.findall(
        r'<article class="message[^"]*"[^>]*>.*?</header>\s*<div class="body">(.*?)</div>',
        html,
        re.S,
    )
    marks = re.findall(r'<article class="message[^"]*"[^>]*>(.*?)</header>', html, re.S)
    return [
        body + (f" [{m.group(1)}]" if (m := re.search(r'merged-from">(.*?)<', mark)) else "")
        for body, mark in zip(found, marks, strict=True)
    ]


def test_the_surviving_ticket_shows_the_merged_tickets_messages_in_time_order(
    web: WebDesk, signed_in: SignIn
) -> None:
    source, target = merged_pair(web)

    page = signed_in(web.lead).get(f"/tickets/{target}")

    assert page.status_code == 200
    assert thread_texts(page.text) == [
        f"Calls drop at noon. [from {source}]",
        "Calls drop after thirty seconds.",
        f"Lab: SBC bug [from {source}]",
        "Still dropping.",
    ]
    # the stored rows stay where they were: the merged ticket reads as before
    assert len(tickets.get_ticket(web.app.desk, web.lead, source).messages) == 2
    assert len(tickets.get_ticket(web.app.desk, web.lead, target).messages) == 2


def test_an_agent_who_cannot_open_the_merged_ticket_does_not_read_its_notes_on_the_survivor(
    web: WebDesk, signed_in: SignIn
) -> None:
    source, target = merged_pair(web)

    page = signed_in(web.l1).get(f"/tickets/{target}")

    assert page.status_code == 200
    assert f"Calls drop at noon. [from {source}]" in thread_texts(page.text)
    assert "Lab: SBC bug" not in page.text


def test_the_customer_reads_the_merged_tickets_public_messages_in_the_portal(
    web: WebDesk, signed_in: SignIn
) -> None:
    source, target = merged_pair(web)

    page = signed_in(web.acme_contact).get(f"/portal/tickets/{target}")

    assert page.status_code == 200
    assert f"from {source}" in page.text
    assert page.text.index("Calls drop at noon.") < page.text.index("Calls drop after thirty")
    assert "Lab: SBC bug" not in page.text


def test_the_api_lists_the_merged_tickets_messages_with_the_ticket_they_came_from(
    web: WebDesk, client: TestClient
) -> None:
    source, target = merged_pair(web)
    url = f"/api/v1/tickets/{target}/messages"

    lead = client.get(url, headers=bearer(token_for(web.app.desk, web.lead))).json()["items"]
    l1 = client.get(url, headers=bearer(token_for(web.app.desk, web.l1))).json()["items"]
    customer = client.get(url, headers=bearer(token_for(web.app.desk, web.acme_contact)))

    assert [(m["body"], m["merged_from"]) for m in lead] == [
        ("Calls drop at noon.", source),
        ("Calls drop after thirty seconds.", None),
        ("Lab: SBC bug", source),
        ("Still dropping.", None),
    ]
    assert [m["body"] for m in l1] == [
        "Calls drop at noon.",
        "Calls drop after thirty seconds.",
        "Still dropping.",
    ]
    assert [m["body"] for m in customer.json()["items"]] == [m["body"] for m in l1]
