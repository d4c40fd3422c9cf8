"""Sending a portal form twice, in a real browser. Back after sending, then Send again: the
page comes again from the server (pages are no-store) with a fresh one-time key, while Chromium
puts the typed text back in the fields. The same text sent again from the same form is the same
request, so it opens no second ticket (found walking the demo's portal: two tickets from one
question). And while a ticket is being opened, its button is off."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.ports import TicketFilter
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def _subjects(live_desk: LiveDesk) -> list[str]:
    found = tickets.list_tickets(live_desk.app.desk, SYSTEM, TicketFilter(), 100).tickets
    return [t.subject for t in found]


def test_back_then_send_again_opens_no_second_portal_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    page = open_page()
    sign_in(page, live_desk.customer)
    page.goto("/portal/tickets/new")
    page.get_by_label("Subject").fill("Phones lose registration at night")
    page.get_by_label("What happened?").fill("Every night at 02:00 since the upgrade.")
    page.get_by_role("button", name="Open ticket").click()
    page.wait_for_url(re.compile(r"/portal/tickets/[A-Z]+-\d+\?notice=opened"))
    first = page.url.split("?")[0]

    page.go_back()
    expect(page.get_by_label("Subject")).to_have_value("Phones lose registration at night")
    page.get_by_role("button", name="Open ticket").click()
    page.wait_for_url(re.compile(r"/portal/tickets/[A-Z]+-\d+"))

    assert page.url.split("?")[0] == first
    assert _subjects(live_desk).count("Phones lose registration at night") == 1


def test_a_different_text_from_the_same_form_is_a_new_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    page = open_page()
    sign_in(page, live_desk.customer)
    for subject in ("Voicemail lost", "Voicemail lost again"):
        page.goto("/portal/tickets/new")
        page.get_by_label("Subject").fill(subject)
        page.get_by_label("What happened?").fill("Since this morning.")
        page.get_by_role("button", name="Open ticket").click()
        page.wait_for_url(re.compile(r"/portal/tickets/[A-Z]+-\d+\?notice=opened"))

    assert {"Voicemail lost", "Voicemail lost again"} <= set(_subjects(live_desk))


def test_the_portals_send_button_is_off_while_the_ticket_is_being_opened(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    # Opening a ticket takes seconds (search, triage, SLA); the button stayed live and said
    # nothing meanwhile (found walking the demo's portal).
    page = open_page()
    sign_in(page, live_desk.customer)
    page.goto("/portal/tickets/new")
    held: list[Route] = []
    page.route("**/portal/tickets", lambda route: held.append(route))
    page.get_by_label("Subject").fill("Phones reboot at night")
    page.get_by_label("What happened?").fill("Every night at 02:00.")
    button = page.get_by_role("button", name="Open ticket")
    button.click()

    expect(button).to_be_disabled()
    assert held
    held[0].continue_()
    page.wait_for_url(re.compile(r"/portal/tickets/[A-Z]+-\d+\?notice=opened"))
