"""KB articles in the workspace and the portal: "Write an article" on a solved ticket opens a
draft read from its solution only, refused fields are named beside the field, only leads
publish, and customers read a published public article (nothing else) and say if it helped."""

from __future__ import annotations

import html
from collections.abc import Callable

from tests.factories import full_packet
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.articles import ArticleContent
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.services import articles, conversation, escalation, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}
NOTE = "Lab box qa-77 at 10.9.8.7 reproduced it; ask Jo on 0171 555 0199."
ANSWER = "1. Open Settings > Audio.\n2. Switch the codec to G.722.\n3. Restart the phone."


def solved_at_l2(web: WebDesk) -> Ticket:
    ticket = open_at_l1(web, "No audio on KP-200 calls", "Since Monday calls have no audio.")
    number = ticket.number or ""
    desk = web.app.desk
    escalation.escalate_ticket(desk, SYSTEM, number, Tier.L2, "needs the lab", full_packet())
    escalation.accept_escalation(desk, SYSTEM, number, web.l2.id)
    conversation.add_message(desk, web.l2, number, MessageKind.INTERNAL_NOTE, text=NOTE)
    tickets.solve_ticket(desk, web.l2, number, "Codec negotiation bug in 4.1.", ANSWER)
    return ticket


def _stored(web: WebDesk, ticket: Ticket, *, public: bool = False) -> int:
    draft = articles.draft_from_tickets(web.app.desk, web.l1, [ticket.number or ""])
    article = articles.create_article(
        web.app.desk, web.l1, draft.content, public=public, source_ticket_ids=[ticket.id or 0]
    )
    assert article.id is not None
    return article.id


def test_write_an_article_on_a_solved_ticket_opens_a_draft_without_higher_levels_notes(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = solved_at_l2(web)
    lead = signed_in(web.lead)
    assert f"/kb/articles/new?tickets={ticket.number}" in lead.get(f"/tickets/{ticket.number}").text
    l1 = signed_in(web.l1)

    page = html.unescape(l1.get(f"/kb/articles/new?tickets={ticket.number}").text)

    assert "Switch the codec to G.722." in page
    assert "No audio on KP-200 calls" in page
    assert "qa-77" not in page and "10.9.8.7" not in page and "0171" not in page


def test_a_draft_leaves_out_the_customers_host_names_and_addresses(
    web: WebDesk, signed_in: SignIn
) -> None:
    """An article may be made public: its problem and symptoms, read from one customer's first
    message, must not carry that customer's host names, addresses or serial numbers (the key
    facts already leave them out)."""
    ticket = open_at_l1(
        web,
        "Phones lose registration after the router upgrade",
        "Last Friday we upgraded edge-04.mad.acme-corp.example (192.168.40.12, MAC "
        "00:1A:2B:3C:4D:5E) to 13.0. Since then the phones lose their registration.",
    )
    tickets.solve_ticket(
        web.app.desk, web.l1, ticket.number or "", "SIP ALG on.", "Disable the SIP ALG."
    )
    l1 = signed_in(web.l1)

    page = html.unescape(l1.get(f"/kb/articles/new?tickets={ticket.number}").text)

    assert "the phones lose their registration" in page  # the problem is there
    assert "edge-04.mad.acme-corp.example" not in page
    assert "192.168.40.12" not in page and "00:1A:2B:3C:4D:5E" not in page


def test_the_draft_form_opens_prefilled_with_a_title_and_several_tickets(
    web: WebDesk, signed_in: SignIn
) -> None:
    first, second = solved_at_l2(web), solved_at_l2(web)
    l1 = signed_in(web.l1)

    page = html.unescape(
        l1.get(f"/kb/articles/new?title=Silent calls&tickets={first.id},{second.id}").text
    )

    assert 'value="Silent calls"' in page
    assert f"Draft from {first.number}, {second.number}" in page


def test_a_ticket_that_cannot_be_drafted_from_is_named_beside_the_tickets_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    still_open = open_at_l1(web, "Echo on calls")
    l1 = signed_in(web.l1)

    page = l1.get(f"/kb/articles/new?tickets={still_open.number}").text
    field = page.split('id="ar-tickets"', 1)[1].split("</div>", 1)[0]

    assert 'aria-invalid="true"' in field
    assert "is not solved yet" in field
    missing = l1.get("/kb/articles/new?tickets=TD-999999").text
    assert 'aria-invalid="true"' in missing.split('id="ar-tickets"', 1)[1].split("</div>", 1)[0]


def test_saving_a_draft_without_a_title_names_the_title_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    l1.get("/kb/articles/new")

    response = l1.post("/kb/articles", {"title": " ", "answer": "x"}, headers=HTMX)

    assert response.status_code == 422
    assert response.headers["X-Desk-Fields"] == "title"


def test_only_a_lead_publishes_and_an_article_without_a_problem_names_that_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    article_id = _stored(web, solved_at_l2(web))
    l1 = signed_in(web.l1)
    page = l1.get(f"/articles/{article_id}").text
    assert f"/articles/{article_id}/publish" not in page

    refused = l1.post(f"/articles/{article_id}/publish", headers=HTMX)
    lead = signed_in(web.lead)
    lead.get(f"/articles/{article_id}")
    published = lead.post(f"/articles/{article_id}/publish", headers=HTMX)
    lead.post(f"/articles/{article_id}", {"title": "No audio", "problem": ""}, headers=HTMX)
    empty = lead.post(f"/articles/{article_id}/publish", headers=HTMX)

    assert refused.status_code == 403
    assert published.status_code == 204
    assert empty.status_code == 422
    assert empty.headers["X-Desk-Fields"] == "problem"
    shown = lead.get(f"/articles/{article_id}").text
    assert "Version 1 ·" in shown and "changes not published yet" in shown


def test_a_customer_reads_a_published_public_article_and_their_feedback_reaches_the_lead(
    web: WebDesk, signed_in: SignIn
) -> None:
    article_id = _stored(web, solved_at_l2(web), public=True)
    customer = signed_in(web.acme_contact)
    draft = customer.get(f"/portal/articles/{article_id}")
    articles.publish_article(web.app.desk, web.lead, article_id)

    page = customer.get(f"/portal/articles/{article_id}")
    customer.post(f"/portal/articles/{article_id}/feedback", {"helpful": "yes"})
    crafted = customer.post(f"/portal/articles/{article_id}/feedback", {"helpful": "maybe"})

    assert draft.status_code == 404
    assert page.status_code == 200
    assert "Switch the codec to G.722." in html.unescape(page.text)
    assert "Codec negotiation bug" not in page.text  # the resolution is not the article's
    lead_page = signed_in(web.lead).get(f"/articles/{article_id}").text
    assert "customers 1 yes / 0 no" in lead_page  # "maybe" was refused, not counted as no
    assert crafted.status_code == 422


def test_a_published_article_that_is_not_public_is_not_found_in_the_portal(
    web: WebDesk, signed_in: SignIn
) -> None:
    article_id = _stored(web, solved_at_l2(web))
    articles.publish_article(web.app.desk, web.lead, article_id)

    page = signed_in(web.acme_contact).get(f"/portal/articles/{article_id}")

    assert page.status_code == 404


def test_an_agent_links_an_article_from_the_ticket_page_and_a_bad_name_is_refused(
    web: WebDesk, signed_in: SignIn
) -> None:
    article_id = _stored(web, solved_at_l2(web))
    ticket = open_at_l1(web, "Calls silent again")
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{ticket.number}")

    bad = l1.post(f"/tickets/{ticket.number}/articles", {"article": "seven"}, headers=HTMX)
    linked = l1.post(f"/tickets/{ticket.number}/articles", {"article": f"KB-{article_id}"})

    assert bad.status_code == 422 and bad.headers["X-Desk-Fields"] == "article"
    assert linked.status_code == 200
    view = articles.get_article(web.app.desk, web.lead, article_id)
    assert [t.number for t in view.helped] == [ticket.number]


def test_linking_a_ticket_on_the_article_page_stays_on_the_article_page(
    web: WebDesk, signed_in: SignIn
) -> None:
    """ "It helped a ticket" on the article page records the link and shows it there, under
    Helped; it does not carry the agent off to the ticket."""
    article_id = _stored(web, solved_at_l2(web))
    ticket = open_at_l1(web, "Calls silent again")
    l1 = signed_in(web.l1)
    l1.get(f"/articles/{article_id}")

    linked = l1.post(
        f"/articles/{article_id}/link", {"ticket": ticket.number or ""}, follow_redirects=False
    )

    assert linked.status_code == 303
    assert linked.headers["location"].startswith(f"/articles/{article_id}?")
    page = l1.get(linked.headers["location"]).text
    assert f'href="/tickets/{ticket.number}"' in page  # listed under Helped
    ticket_page = l1.get(f"/tickets/{ticket.number}").text
    assert "Linked records" in ticket_page  # and the ticket names it, not only its trail
    assert f'<a href="/articles/{article_id}">KB-{article_id}</a>' in ticket_page


def test_editing_keeps_the_fields_as_the_service_stores_them(web: WebDesk) -> None:
    article_id = _stored(web, solved_at_l2(web))
    content = ArticleContent(title="No audio", problem="p", steps=[" a ", "", "b"], answer="x")

    stored = articles.update_article(web.app.desk, web.l1, article_id, content)

    assert stored.steps == ["a", "b"]


def test_at_l3_the_known_fix_form_is_drafted_from_the_ticket_and_a_blank_symptom_is_named(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Transfers drop after 32 s", "Transferred calls drop after 32 s.")
    number = ticket.number or ""
    desk = web.app.desk
    escalation.escalate_ticket(desk, SYSTEM, number, Tier.L3, "needs L3", full_packet())
    conversation.add_message(desk, SYSTEM, number, MessageKind.INTERNAL_NOTE, text=NOTE)
    conversation.add_message(
        desk, SYSTEM, number, MessageKind.PUBLIC_REPLY, text="Disable SIP ALG on the firewall."
    )
    lead = signed_in(web.lead)
    assert f"/tickets/{number}/known-fix" in lead.get(f"/tickets/{number}").text

    form = html.unescape(lead.get(f"/tickets/{number}/known-fix").text)
    refused = lead.post(
        f"/tickets/{number}/known-fix",
        {"title": "Transfers drop", "symptoms": " ", "fix": "Disable SIP ALG."},
        headers=HTMX,
    )
    saved = lead.post(
        f"/tickets/{number}/known-fix",
        {"title": "Transfers drop", "symptoms": "Drop at 32 s", "fix": "Disable SIP ALG."},
        headers=HTMX,
    )

    assert "Disable SIP ALG on the firewall." in form and "qa-77" not in form
    assert refused.status_code == 422 and refused.headers["X-Desk-Fields"] == "symptoms"
    assert saved.status_code == 204 and "Known+fix:+KI-" in saved.headers["HX-Redirect"]


def test_a_known_fix_drafted_from_a_question_is_not_offered_to_send_unread(
    web: WebDesk, signed_in: SignIn
) -> None:
    """An open ticket's last public reply is often a question ("Could you send us …"); the
    drafted fix is then that question, and ticking "answer the ticket" by default sent it."""
    ticket = open_at_l1(web, "LDAP sign-in fails", "Phones cannot sign in with LDAP.")
    number = ticket.number or ""
    desk = web.app.desk
    escalation.escalate_ticket(desk, SYSTEM, number, Tier.L3, "needs L3", full_packet())
    asking = "Could you send us the LDAP settings and the phone's log?"
    conversation.add_message(desk, SYSTEM, number, MessageKind.PUBLIC_REPLY, text=asking)
    lead = signed_in(web.lead)

    form = html.unescape(lead.get(f"/tickets/{number}/known-fix").text)

    assert asking in form
    assert 'name="send_fix" value="yes">' in form  # offered, not ticked
    assert "not from an answer the customer accepted" in form


def test_a_public_article_is_suggested_in_the_portal_and_its_deflection_is_counted(
    web: WebDesk, signed_in: SignIn
) -> None:
    public_id = _stored(web, solved_at_l2(web), public=True)
    internal_id = _stored(web, solved_at_l2(web))
    articles.publish_article(web.app.desk, web.lead, public_id)
    articles.publish_article(web.app.desk, web.lead, internal_id)
    customer = signed_in(web.acme_contact)
    customer.get("/portal/tickets/new")

    found = customer.suggest({"subject": "KP-200 calls no audio", "body": "switch codec?"}).text
    assert f"/portal/articles/{public_id}?subject=KP-200" in found
    assert f"/portal/articles/{internal_id}" not in found
    page = customer.get(f"/portal/articles/{public_id}?subject=KP-200+calls+no+audio").text
    assert f'value="article:{public_id}"' in page
    customer.post(
        "/portal/deflect", {"source": f"article:{public_id}", "title": "No audio"}, headers=HTMX
    )

    view = articles.get_article(web.app.desk, web.lead, public_id)
    assert view.deflections == 1


def test_the_assist_panel_offers_an_article_from_the_similar_solved_tickets(
    web: WebDesk, signed_in: SignIn
) -> None:
    solved = solved_at_l2(web)
    new = open_at_l1(web, "No audio on KP-200 calls", "Since Monday calls have no audio.")

    panel = signed_in(web.l1).get(f"/tickets/{new.number}/assist").text

    assert f"/kb/articles/new?tickets={solved.number}" in panel
