"""The desk in a real browser: sign-in, a ticket from the queue to solved, escalation with the
packet and a bounce back, the assist panel, the portal's suggestions while typing, and a script
in a subject that stays text."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import LiveDesk, followed_up, sign_in
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.tickets import Ticket
from tierdesk.services import knowledge, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message

NewPage = Callable[[], Page]


def customer_ticket(desk: LiveDesk, subject: str, body: str) -> Ticket:
    """A customer's ticket, put in the L1 queue by an agent (no routing rules here), once its
    follow-up has run."""
    ticket = tickets.open_ticket(
        desk.app.desk,
        desk.l1,
        tickets.NewTicket(
            subject=subject, body_text=body, requester_id=desk.customer.id, queue="l1-all"
        ),
    )
    followed_up(desk)
    return ticket


def test_an_agent_signs_in_and_sees_their_queue(live_desk: LiveDesk, open_page: NewPage) -> None:
    ticket = customer_ticket(live_desk, "Phones reboot at night", "Every night at 2am.")
    page = open_page()
    page.goto("/")
    expect(page).to_have_url(f"{live_desk.url}/signin?next=%2Fqueue")

    sign_in(page, live_desk.l1)

    expect(page.get_by_role("heading", name="My levels' queues")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=ticket.number)
    expect(row).to_contain_text("Phones reboot at night")
    # rendered by the page's script from the due time: "in 0h 59m 58s", "3h 05m late"…
    expect(row.locator(".countdown")).to_have_text(re.compile(r"^(in \d.*|\d.* late)$"))


def test_working_a_ticket_from_the_queue_to_solved(live_desk: LiveDesk, open_page: NewPage) -> None:
    ticket = customer_ticket(live_desk, "Voicemail light stays on", "The light never goes off.")
    page = open_page()
    sign_in(page, live_desk.l1)

    page.get_by_role("link", name=ticket.number or "").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voicemail light stays on")
    page.get_by_label("Text").fill("Please clear the mailbox once from the web portal.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message.public-reply")).to_contain_text("clear the mailbox")

    page.get_by_role("button", name="Solve…").click()
    expect(page.get_by_label("Answer for the customer")).to_have_value(
        re.compile("clear the mailbox")  # drafted from the public reply
    )
    page.get_by_label("Internal resolution (colleagues only)").fill(
        "Cleared the stuck MWI subscription."
    )
    page.get_by_role("button", name="Mark solved").click()

    expect(page.get_by_role("status")).to_have_text("Solved")
    assert tickets.get_ticket(live_desk.app.desk, SYSTEM, ticket.number or "").status == "solved"


def test_escalating_with_the_drafted_packet_and_bouncing_it_back(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    ticket = customer_ticket(
        live_desk,
        "Calls drop after 32 seconds",
        "Since the upgrade to SBC 6.0.0 every outgoing call drops after 32 seconds.",
    )
    number = ticket.number or ""
    l1 = open_page()
    sign_in(l1, live_desk.l1)
    l1.goto(f"/tickets/{number}")
    l1.get_by_role("button", name="Escalate…").click()  # the dialog comes in through HTMX

    symptoms = l1.get_by_label("Symptoms")
    expect(symptoms).to_have_value(
        re.compile("drops after 32 seconds")
    )  # pre-filled from the thread
    l1.get_by_label("Reason").fill("needs a SIP trace")
    l1.get_by_label("Environment").fill("SBC 6.0.0, two nodes")
    l1.get_by_label("Steps tried, one a line: step => result").fill("restarted => no change")
    l1.get_by_role("button", name="Escalate with this packet").click()
    expect(l1.get_by_role("status")).to_have_text("Escalated to L2")

    l2 = open_page()
    sign_in(l2, live_desk.l2)
    l2.goto(f"/tickets/{number}")
    expect(l2.get_by_role("heading", name="Hand-off packets")).to_be_visible()
    l2.get_by_role("button", name="Bounce back…").click()
    l2.get_by_label("Reason").fill("a known timer problem")
    l2.get_by_label("Guidance: what should the previous level try?").fill(
        "Set the session timer to 1800 s on the trunk."
    )
    l2.get_by_role("button", name="Bounce back", exact=True).click()
    expect(l2.get_by_role("status")).to_have_text("Bounced back to L1")

    l1.goto(f"/tickets/{number}")
    guidance = l1.get_by_role("region", name="Hand-off packets").locator("dd strong")
    expect(guidance).to_have_text("Set the session timer to 1800 s on the trunk.")


def test_the_assist_panel_shows_a_cited_passage_and_a_similar_solved_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    manual = b"# SBC admin guide\n\n## One-way audio behind NAT\n\nEnable media latching.\n"
    parsed = live_desk.app.read_document(manual, "sbc.md")
    knowledge.add_article(live_desk.app.desk, SYSTEM, parsed, "sbc.md")
    old = customer_ticket(live_desk, "One-way audio behind NAT", "Remote side silent.")
    tickets.solve_ticket(live_desk.app.desk, live_desk.lead, old.number or "", "Media latching.")
    new = customer_ticket(live_desk, "One-way audio behind NAT since Monday", "Silent remote.")

    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{new.number}")

    passage = page.locator(".passage-hit").first
    expect(passage).to_contain_text("One-way audio behind NAT")
    expect(passage.locator("cite")).to_contain_text("SBC admin guide")
    similar = page.locator(".similar-hit").filter(has_text=old.number or "")
    expect(similar).to_contain_text("Media latching.")


def test_the_portal_suggests_answers_while_the_customer_types(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    manual = b"# DeskPhone guide\n\n## Factory reset\n\nHold Mute and 0 while reconnecting power.\n"
    parsed = live_desk.app.read_document(manual, "deskphone.md")
    knowledge.add_article(live_desk.app.desk, SYSTEM, parsed, "deskphone.md")
    page = open_page()
    sign_in(page, live_desk.customer)

    page.get_by_role("link", name="New ticket", exact=True).click()
    page.get_by_label("Subject").press_sequentially("How do I factory reset", delay=20)
    page.get_by_label("What happened?").press_sequentially("the phone? No password.", delay=10)

    suggestion = page.locator(".suggestion").first
    expect(suggestion).to_contain_text("Factory reset")
    expect(suggestion).to_contain_text("DeskPhone guide")
    suggestion.get_by_role("button", name="This solved my problem").click()
    expect(page.get_by_role("status")).to_contain_text("No ticket was opened")


def test_a_script_in_a_ticket_subject_renders_inert(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    ticket = customer_ticket(live_desk, f"Broken {payload}", payload)
    add_message(
        live_desk.app.desk,
        live_desk.l1,
        ticket.number or "",
        MessageKind.PUBLIC_REPLY,
        text=payload,
    )
    dialogs: list[str] = []

    for who, path in (
        (live_desk.l1, f"/tickets/{ticket.number}"),
        (live_desk.customer, f"/portal/tickets/{ticket.number}"),
    ):
        page = open_page()
        page.on("dialog", lambda d: dialogs.append(d.message))
        sign_in(page, who)
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(payload)  # shown as text
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src=x]").count() == 0

    assert dialogs == []


def test_the_issues_acceptance_path_from_l1_to_l2_to_the_customer(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    """Queue → ticket → escalate with the drafted packet → L2 accepts and solves with both
    texts → the customer sees the reply and the answer, not the internal note or resolution."""
    ticket = customer_ticket(
        live_desk, "Echo on speakerphone calls", "Remote parties hear an echo on KP-400 calls."
    )
    number = ticket.number or ""
    l1 = open_page()
    sign_in(l1, live_desk.l1)
    l1.get_by_role("link", name="L1", exact=True).click()
    l1.get_by_role("link", name=number).click()
    l1.get_by_label("Text").fill("Please lower the speaker volume one step.")
    l1.get_by_role("button", name="Send").click()
    # The answer to Send re-renders the page, composer included: choosing "Internal note"
    # before it arrives would be undone by it (on a loaded machine the note went out public).
    expect(l1.locator(".message.public-reply")).to_contain_text("lower the speaker volume")
    l1.get_by_label("Internal note (agents only)").check()
    l1.get_by_label("Text").fill("NOTE-ONLY-FOR-AGENTS: AEC setting suspected")
    l1.get_by_role("button", name="Send").click()
    # The note's answer reloads the page: a dialog opened before it arrives is gone with it.
    expect(l1.locator(".message.internal-note")).to_contain_text("NOTE-ONLY-FOR-AGENTS")
    l1.get_by_role("button", name="Escalate…").click()
    expect(l1.get_by_label("Symptoms")).to_have_value(re.compile("echo"))
    l1.get_by_label("Reason").fill("needs the AEC trace")
    l1.get_by_label("Environment").fill("KP-400 4.0.1")
    l1.get_by_label("Steps tried, one a line: step => result").fill("volume down => still echo")
    l1.get_by_role("button", name="Escalate with this packet").click()
    expect(l1.get_by_role("status")).to_have_text("Escalated to L2")

    l2 = open_page()
    sign_in(l2, live_desk.l2)
    l2.get_by_role("row").filter(has_text=number).get_by_role("link", name=number).click()
    l2.get_by_role("button", name="Accept escalation").click()
    expect(l2.get_by_role("status")).to_contain_text("the ticket is yours")
    l2.get_by_role("button", name="Solve…").click()
    l2.get_by_label("Internal resolution (colleagues only)").fill(
        "RESOLUTION-FOR-COLLEAGUES: turned on the AEC option in the phone profile."
    )
    l2.get_by_label("Answer for the customer").fill("We switched on echo cancellation for you.")
    l2.get_by_role("button", name="Mark solved").click()
    expect(l2.get_by_role("status")).to_have_text("Solved")

    customer = open_page()
    sign_in(customer, live_desk.customer)
    customer.get_by_role("link", name=number).click()
    expect(customer.locator(".message.public-reply")).to_contain_text("lower the speaker volume")
    expect(customer.get_by_text("NOTE-ONLY-FOR-AGENTS")).to_have_count(0)
    expect(customer.get_by_text("We switched on echo cancellation for you.")).to_be_visible()
    expect(customer.get_by_text("RESOLUTION-FOR-COLLEAGUES")).to_have_count(0)
    expect(customer.get_by_role("heading", name="How did we do?")).to_be_visible()


def test_the_composer_waits_while_a_reply_is_on_its_way(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    """The answer to Send swaps the whole page in: until it arrives the composer is disabled,
    so a kind chosen or a text typed meanwhile cannot be silently undone by it."""
    ticket = customer_ticket(live_desk, "Ringing stops early", "Calls stop ringing after 2 rings.")
    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")
    held: list[Route] = []
    page.route(re.compile(r".*/messages$"), lambda route: held.append(route))
    page.get_by_label("Text").fill("Please check the ring timeout.")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_label("Internal note (agents only)")).to_be_disabled()
    expect(page.get_by_label("Text")).to_be_disabled()
    held[0].continue_()
    expect(page.locator(".message.public-reply")).to_contain_text("ring timeout")
    expect(page.get_by_label("Text")).to_be_enabled()
