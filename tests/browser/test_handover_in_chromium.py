"""Follow-the-sun in a real browser: a lead sets up two regions (a wrong time zone is said next
to its field), an EMEA engineer hands over, the Americas' queue shows it and its engineer
accepts it from there, and the ticket page's panel says who took it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.web.conftest import agent_with_password
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]
ROUND_THE_CLOCK = "mon-sun 00:00-24:00"  # the live desk runs on the real clock


def test_a_shift_handed_over_shows_in_the_next_regions_queue_and_is_accepted_there(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    emma = agent_with_password(live_desk.app, [0, 1, 2], name="Emma East")
    wes = agent_with_password(live_desk.app, [0, 1], name="Wes West")
    ticket = tickets.open_ticket(
        desk, live_desk.customer, tickets.NewTicket(subject="Trunk drops calls", body_text="Hi")
    )
    tickets.assign_ticket(desk, SYSTEM, ticket.id or 0, emma.id)

    lead = open_page()
    sign_in(lead, live_desk.lead)
    lead.goto("/admin/regions")
    form = lead.locator("form[action='/admin/regions']")
    form.get_by_label("Name").fill("Americas")
    form.get_by_label("Time zone").fill("America/Gotham")
    form.get_by_label("Working hours").fill(ROUND_THE_CLOCK)
    form.get_by_label("Agents").select_option([str(wes.id)])
    form.get_by_role("button", name="Add region").click()
    expect(form.get_by_role("alert")).to_contain_text("unknown time zone")
    expect(form.get_by_label("Time zone")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Time zone").fill("America/New_York")
    form.get_by_role("button", name="Add region").click()
    expect(lead.locator("#regions h3", has_text="Americas")).to_be_visible()
    form = lead.locator("form[action='/admin/regions']")
    form.get_by_label("Name").fill("EMEA")
    form.get_by_label("Time zone").fill("Europe/Berlin")
    form.get_by_label("Working hours").fill(ROUND_THE_CLOCK)
    form.get_by_label("Hands over to").select_option("Americas")
    form.get_by_label("Agents").select_option([str(emma.id)])
    form.get_by_role("button", name="Add region").click()
    expect(lead.get_by_text("hands over to Americas")).to_be_visible()

    east = open_page()
    sign_in(east, emma)
    east.goto("/queue/handed-over")
    east.get_by_role("button", name="Hand over now").click()
    expect(east.get_by_text("Handed over 1 ticket")).to_be_visible()

    west = open_page()
    sign_in(west, wes)
    tab = west.get_by_role("link", name="Handed over to us (1)")
    tab.click()
    waiting = west.locator("#handed-over article", has_text=ticket.number or "")
    expect(waiting).to_contain_text("Next step:")
    expect(waiting).to_contain_text("From Emma East (EMEA)")
    waiting.get_by_role("button", name=f"Accept {ticket.number}").click()
    west.wait_for_url(f"**/tickets/{ticket.number}**")
    panel = west.locator("#handover")
    expect(panel).to_contain_text("Accepted")
    expect(panel).to_contain_text("taken by Wes West")
    assert tickets.get_ticket(desk, SYSTEM, ticket.id or 0).assignee_id == wes.id
