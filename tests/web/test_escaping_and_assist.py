"""Every user-supplied string is text on the pages, uploaded HTML is reduced to text, and the
assist panel shows cited manual passages and similar solved tickets with their resolution."""

from __future__ import annotations

from collections.abc import Callable

from tests.follow_ups import run_follow_ups
from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import knowledge, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]
PAYLOAD = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


def test_a_script_in_a_subject_and_body_is_shown_as_text_everywhere(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject=PAYLOAD, body_text=PAYLOAD)
    )
    number = ticket.number or ""
    agent = signed_in(web.lead)
    customer = signed_in(web.acme_contact)
    pages = [
        agent.get("/queue?tier=all").text,
        agent.get(f"/tickets/{number}").text,
        customer.get("/portal/tickets").text,
        customer.get(f"/portal/tickets/{number}").text,
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page


def test_html_mail_bodies_are_sanitised_and_shown_as_text(web: WebDesk, signed_in: SignIn) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="HTML", body_text="plain")
    )
    add_message(
        web.app.desk,
        web.acme_contact,
        ticket.number or "",
        MessageKind.CUSTOMER,
        html='<p>Hello <b>there</b><script>steal()</script><a href="javascript:x()">x</a></p>',
    )
    page = signed_in(web.lead).get(f"/tickets/{ticket.number}").text
    assert "steal()" not in page
    assert "javascript:" not in page
    assert "Hello there" in page


def test_an_uploaded_html_manual_becomes_text_sections(web: WebDesk, signed_in: SignIn) -> None:
    manual = (
        b"<html><head><title>Edge guide</title><script>evil()</script></head><body>"
        b"<h1>Edge guide</h1><h2>Port forwarding</h2><p onclick='evil()'>Open the NAT page"
        b" and add a rule.<iframe src='https://evil.example'></iframe></p></body></html>"
    )
    lead = signed_in(web.lead)
    lead.get("/kb")
    response = lead.post(
        "/kb/upload",
        {"product": "", "version": "13.0"},
        files=[("file", ("edge.html", manual, "text/html"))],
    )
    assert response.status_code == 200
    assert "Port forwarding" in response.text
    assert "evil" not in response.text
    assert "<iframe" not in response.text

    found = lead.get("/kb?q=port+forwarding+NAT").text
    assert "Edge guide" in found and "Port forwarding" in found


def test_the_assist_panel_cites_the_manual_and_shows_how_a_similar_ticket_was_solved(
    web: WebDesk, signed_in: SignIn
) -> None:
    manual = (
        b"# SBC admin guide\n\n## One-way audio behind NAT\n\nEnable media latching on the trunk.\n"
    )
    parsed = web.app.read_document(manual, "sbc.md")
    knowledge.add_article(web.app.desk, SYSTEM, parsed, "sbc.md")
    old = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="One-way audio behind NAT", body_text="Remote side is silent."),
    )
    tickets.solve_ticket(web.app.desk, web.lead, old.number or "", "Enabled media latching.")
    new = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="One-way audio behind NAT again", body_text="Silent remote."),
    )

    browser = signed_in(web.lead)
    page = browser.get(f"/tickets/{new.number}").text
    assert f'hx-get="/tickets/{new.number}/assist"' in page  # loaded after the page

    panel = browser.get(f"/tickets/{new.number}/assist").text
    assert "One-way audio behind NAT" in panel and "SBC admin guide" in panel  # cited passage
    assert old.number in panel and "Enabled media latching." in panel  # how it was solved


def test_the_assist_panel_needs_a_signed_in_agent(web: WebDesk, signed_in: SignIn) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="x", body_text="y")
    )
    customer = signed_in(web.acme_contact)
    response = customer.client.get(
        f"/tickets/{ticket.number}/assist", headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/signin")


def test_a_duplicate_candidate_is_linked_from_the_assist_panel(
    web: WebDesk, signed_in: SignIn
) -> None:
    first = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Provisioning fails with TLS error", body_text="Date 1970."),
    )
    second = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Provisioning fails with a TLS error", body_text="1970 date."),
    )
    run_follow_ups(web.app.desk)
    lead = signed_in(web.lead)
    panel = lead.get(f"/tickets/{second.number}/assist").text
    assert f'name="target" value="{first.number}"' in panel

    linked = lead.post(
        f"/tickets/{second.number}/links", {"target": first.number, "kind": "duplicate-of"}
    )
    assert f"Linked as duplicate-of {first.number}" in linked.text
    incoming = tickets.related_tickets(web.app.desk, SYSTEM, first.number or "")
    assert [t.number for t in incoming] == [second.number]
    assert "duplicate-of <a" in lead.get(f"/tickets/{second.number}").text
    refused = lead.post(f"/tickets/{second.number}/links", {"target": first.number, "kind": "x"})
    assert refused.status_code == 422
