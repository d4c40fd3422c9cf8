"""Each rendered form that adds something carries a one-time key: the same post sent twice (Back,
then Send again; a double click) adds one ticket or message, and the second is answered as the
first was. A refused post leaves its key unused."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.side_conversations import SideChannel
from tierdesk.ports import TicketFilter
from tierdesk.services import catalog, incidents, rmas, tickets, time_entries
from tierdesk.services import installed_base as ib
from tierdesk.services import side_conversations as sides
from tierdesk.services.auth import SYSTEM
from tierdesk.services.idempotency import KEY_LIFETIME, purge_expired_keys

SignIn = Callable[[Agent | Contact], Browser]


def form_key(page: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.DOTALL)
    assert form is not None, action
    key = re.search(r'name="form_key" value="([^"]+)"', form.group(0))
    assert key is not None, action
    return key.group(1)


def customer_messages(web: WebDesk, number: str) -> list[str]:
    ticket = tickets.get_ticket(web.app.desk, SYSTEM, number)
    return [m.body_text for m in ticket.messages if m.kind is MessageKind.CUSTOMER]


def test_sending_the_portal_reply_twice_adds_it_once(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Phones reboot")
    number = ticket.number or ""
    customer = signed_in(web.acme_contact)
    page = customer.get(f"/portal/tickets/{number}").text
    sent = {
        "body": "Still rebooting.",
        "form_key": form_key(page, f"/portal/tickets/{number}/messages"),
    }

    first = customer.post(f"/portal/tickets/{number}/messages", sent)
    again = customer.post(f"/portal/tickets/{number}/messages", sent)  # Back, then Send

    assert customer_messages(web, number).count("Still rebooting.") == 1
    assert again.status_code == first.status_code == 200
    assert again.url == first.url  # answered as the first time: the ticket, "Message sent"


def test_every_rendering_of_the_form_has_a_new_key(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Phones reboot")
    customer = signed_in(web.acme_contact)
    action = f"/portal/tickets/{ticket.number}/messages"
    first = form_key(customer.get(f"/portal/tickets/{ticket.number}").text, action)
    second = form_key(customer.get(f"/portal/tickets/{ticket.number}").text, action)
    assert first != second

    customer.post(action, {"body": "One.", "form_key": first})
    customer.post(action, {"body": "Two.", "form_key": second})
    assert customer_messages(web, ticket.number or "")[-2:] == ["One.", "Two."]


def test_opening_the_same_portal_ticket_twice_opens_one(web: WebDesk, signed_in: SignIn) -> None:
    customer = signed_in(web.acme_contact)
    key = form_key(customer.get("/portal/tickets/new").text, "/portal/tickets")
    sent = {"subject": "Headset crackles", "body": "Since Monday.", "form_key": key}

    first = customer.post("/portal/tickets", sent)
    again = customer.post("/portal/tickets", sent)

    mine = tickets.list_tickets(web.app.desk, web.acme_contact, TicketFilter(), 50)
    assert [t.subject for t in mine.tickets].count("Headset crackles") == 1
    assert again.url.path == first.url.path  # the ticket the first post opened


def test_a_refused_post_leaves_its_key_for_the_corrected_one(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Phones reboot")
    number = ticket.number or ""
    customer = signed_in(web.acme_contact)
    action = f"/portal/tickets/{number}/messages"
    key = form_key(customer.get(f"/portal/tickets/{number}").text, action)

    refused = customer.post(action, {"body": "   ", "form_key": key})
    corrected = customer.post(action, {"body": "Now with text.", "form_key": key})

    assert refused.status_code == 422
    assert corrected.status_code == 200
    assert "Now with text." in customer_messages(web, number)


def test_an_agent_reply_and_a_solve_sent_twice_count_once(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Voicemail light stays on")
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    page = l1.get(f"/tickets/{number}").text
    reply = {"body": "Clear the mailbox once.", "kind": "public"}
    reply["form_key"] = form_key(page, f"/tickets/{number}/messages")
    solve = {"resolution": "Cleared the MWI subscription."}
    solve["form_key"] = form_key(page, f"/tickets/{number}/solve")

    l1.post(f"/tickets/{number}/messages", reply)
    l1.post(f"/tickets/{number}/messages", reply)
    solved = l1.post(f"/tickets/{number}/solve", solve)
    again = l1.post(f"/tickets/{number}/solve", solve)  # not "already solved": the same answer

    thread = tickets.get_ticket(web.app.desk, SYSTEM, number).messages
    assert [m.body_text for m in thread].count("Clear the mailbox once.") == 1
    assert again.status_code == solved.status_code == 200
    assert again.url == solved.url


def test_a_key_is_another_persons_only_to_refuse(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Phones reboot")
    number = ticket.number or ""
    customer = signed_in(web.acme_contact)
    action = f"/portal/tickets/{number}/messages"
    key = form_key(customer.get(f"/portal/tickets/{number}").text, action)
    customer.post(action, {"body": "Mine.", "form_key": key})

    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")
    taken = l1.post(f"/tickets/{number}/messages", {"body": "Theirs.", "form_key": key})
    assert taken.status_code == 422


def test_expired_keys_are_forgotten(web: WebDesk, signed_in: SignIn, clock: FixedClock) -> None:
    ticket = open_at_l1(web, "Phones reboot")
    customer = signed_in(web.acme_contact)
    action = f"/portal/tickets/{ticket.number}/messages"
    key = form_key(customer.get(f"/portal/tickets/{ticket.number}").text, action)
    customer.post(action, {"body": "Once.", "form_key": key})

    assert purge_expired_keys(web.app.desk) == 0
    clock.advance(KEY_LIFETIME + timedelta(minutes=1))
    assert purge_expired_keys(web.app.desk) == 1


def test_a_side_conversation_turned_into_a_public_reply_twice_posts_it_once(
    web: WebDesk, signed_in: SignIn
) -> None:
    # Found walking the demo: "Turn into a public reply…", Post, Back, Post again mailed the
    # customer the same reply twice; the page's form carried no one-time key.
    ticket = open_at_l1(web, "Display stays dark")
    number = ticket.number or ""
    question = sides.NewSideConversation(
        subject="Seen this before?",
        message="Known?",
        channel=SideChannel.INTERNAL,
        agent_ids=[web.l2.id or 0],
    )
    side = sides.start_side_conversation(web.app.desk, web.l1, number, question)
    sides.reply_in_side_conversation(web.app.desk, web.l2, number, side.id or 0, "Firmware 4.2.2.")
    l1 = signed_in(web.l1)
    action = f"/tickets/{number}/side-conversations/{side.id}/public-reply"
    sent = {"body": "Firmware 4.2.2 fixes it.", "form_key": form_key(l1.get(action).text, action)}

    first = l1.post(action, sent)
    again = l1.post(action, sent)  # Back, then Post again

    thread = tickets.get_ticket(web.app.desk, SYSTEM, number).messages
    assert [m.body_text for m in thread].count("Firmware 4.2.2 fixes it.") == 1
    assert again.status_code == first.status_code == 200
    assert again.url == first.url  # answered as the first time: the ticket, "posted"


def test_an_incident_update_sent_twice_tells_each_customer_once(
    web: WebDesk, signed_in: SignIn
) -> None:
    # Found walking the demo: the incident page's "Post to all linked tickets", Back, Post again
    # mailed the same update to every linked customer twice.
    ticket = open_at_l1(web, "No dial tone")
    number = ticket.number or ""
    incident = incidents.declare_incident(
        web.app.desk, web.lead, "Carrier trunk down", tickets=[number]
    )
    lead = signed_in(web.lead)
    page = lead.get(f"/incidents/{incident.id}").text
    action = f"/incidents/{incident.id}/updates"
    sent = {
        "status": "identified",
        "text": "The carrier is on it.",
        "form_key": form_key(page, action),
    }

    first = lead.post(action, sent)
    again = lead.post(action, sent)  # Back, then Post again

    thread = tickets.get_ticket(web.app.desk, SYSTEM, number).messages
    assert sum("The carrier is on it." in m.body_text for m in thread) == 1
    assert again.status_code == first.status_code == 200
    assert again.url.path == first.url.path  # the incident's page


def test_a_message_in_a_side_conversation_sent_twice_is_mailed_once(
    web: WebDesk, signed_in: SignIn
) -> None:
    # Seen in Chromium: after Send, Back puts the typed text back in the box, and Send again
    # mailed the vendor the same message twice.
    ticket = open_at_l1(web, "Display stays dark")
    number = ticket.number or ""
    question = sides.NewSideConversation(
        subject="Seen this before?",
        message="Known?",
        channel=SideChannel.EMAIL,
        to=["escalations@vendor.example"],
    )
    side = sides.start_side_conversation(web.app.desk, web.l1, number, question)
    l1 = signed_in(web.l1)
    page = f"/tickets/{number}/side-conversations/{side.id}"
    action = f"{page}/messages"
    sent = {"message": "Please check the batch numbers.", "form_key": ""}
    sent["form_key"] = form_key(l1.get(page).text, action)

    first = l1.post(action, sent)
    again = l1.post(action, sent)  # Back, then Send again

    thread = sides.side_thread(web.app.desk, web.l1, number, side.id or 0)
    assert [m.body_text for m in thread.messages].count("Please check the batch numbers.") == 1
    assert again.status_code == first.status_code == 200
    assert again.url == first.url


def test_time_logged_twice_from_one_form_is_logged_once(web: WebDesk, signed_in: SignIn) -> None:
    # The time form had no key: a form sent twice (a double click without the page's script,
    # a retry after a lost answer) logged the time twice.
    ticket = open_at_l1(web, "Phones reboot")
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    action = f"/tickets/{number}/time"
    sent = {"minutes": "30m", "note": "Call", "form_key": form_key(l1.get(action).text, action)}

    first = l1.post(action, sent)
    again = l1.post(action, sent)
    # Another rendering of the form is another entry, even with the same values.
    sent["form_key"] = form_key(l1.get(action).text, action)
    l1.post(action, sent)

    entries = time_entries.ticket_time(web.app.desk, web.l1, number).entries
    assert [e.minutes for e in entries] == [30, 30]
    assert again.status_code == first.status_code == 200
    assert again.url.path == first.url.path  # the ticket's page


def test_an_rma_requested_twice_from_one_form_is_requested_once(
    web: WebDesk, signed_in: SignIn
) -> None:
    # The repeat met the first request's open RMA and was refused as a conflict ("has an open
    # RMA already") although the request had gone through.
    desk = web.app.desk
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    item = ib.add_item(desk, SYSTEM, web.acme.id, ib.ItemInput("phone", None, None, "KP-9"))
    ticket = open_at_l1(web, "Handset dead")
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    sent = {
        "items": str(item.id),
        "fault": "No power",
        "kind": "repair",
        "ship_to": "Dock 4",
        "form_key": form_key(l1.get(f"/tickets/{number}/rmas").text, f"/tickets/{number}/rmas"),
    }

    first = l1.post(f"/tickets/{number}/rmas", sent)
    again = l1.post(f"/tickets/{number}/rmas", sent)

    assert len(rmas.ticket_rmas(desk, web.l1, number).rmas) == 1
    assert again.status_code == first.status_code == 200
    assert again.url.path == first.url.path
