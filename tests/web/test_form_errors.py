"""When a form is refused: HTMX gets the message and the fields it is about (desk.js puts it next
to them, what was typed stays); without JavaScript the error page's "Go back" is a real link,
in the look of the workspace or of the portal. Also the favicon and page-styled 404s."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.pages.rendering import TEMPLATES_DIR
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}
# Sign-in and sign-out answer with a redirect or a page of their own, never a form error; a
# form that re-renders its own page with the message in it says so with data-renders-errors.
PLAIN_FORMS = {"/signin", "/signout", "/portal/signin", "/portal/signout", "/portal/link"}
RENDERS_ITS_ERRORS = "data-renders-errors"


def test_every_post_form_is_sent_by_htmx_so_a_refusal_keeps_what_was_typed() -> None:
    unsent = []
    for template in TEMPLATES_DIR.rglob("*.html"):
        for tag in re.findall(r"<form\b[^>]*>", template.read_text()):
            sent = "hx-boost" in tag or "hx-post" in tag or RENDERS_ITS_ERRORS in tag
            if 'method="post"' not in tag or sent:
                continue
            action = re.search(r'action="([^"]*)"', tag)
            if action is None or action.group(1) not in PLAIN_FORMS:
                unsent.append(f"{Path(template).name}: {tag}")
    assert unsent == []


def test_a_refused_escalation_names_the_missing_fields_for_the_form(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Echo on calls")
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{ticket.number}")
    response = l1.post(
        f"/tickets/{ticket.number}/escalate",
        {"to_level": "2", "reason": "stuck", "symptoms": "echo", "environment": "SBC 6"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/plain")
    assert "steps tried" in response.text
    assert response.headers["X-Desk-Fields"] == "steps_tried"


def test_a_refused_field_is_named_by_its_last_part(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    response = lead.post(
        "/admin/agents", {"email": web.l1.email, "name": "Twin", "tiers": "1"}, headers=HTMX
    )
    assert response.status_code == 409
    assert response.headers["X-Desk-Fields"] == "email"
    assert web.l1.email in response.text  # the message alone, not the admin page


def test_the_error_page_goes_back_by_a_real_link_to_the_form(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Echo on calls")
    l1 = signed_in(web.l1)
    form_page = f"http://testserver/tickets/{ticket.number}"
    l1.get(form_page)
    response = l1.post(
        f"/tickets/{ticket.number}/escalate",
        {"to_level": "2", "reason": "stuck"},
        headers={"Referer": form_page},
    )
    assert response.status_code == 422
    assert "javascript:" not in response.text  # the pages' CSP runs no inline script
    assert f'<a href="/tickets/{ticket.number}">Go back</a>' in response.text


def test_go_back_never_leads_to_another_site(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)
    page = l1.get(
        "/tickets/TD-999999", headers={"Referer": "https://evil.example/tickets/TD-1"}
    ).text
    assert '<a href="/">Go back</a>' in page
    assert "evil.example" not in page


def test_the_portal_answers_errors_in_its_own_look(web: WebDesk, signed_in: SignIn) -> None:
    customer = signed_in(web.acme_contact)
    for url in ("/portal/tickets/TD-999999", "/portal/no-such-page"):
        response = customer.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Kestrel support portal" in response.text
        assert 'href="/portal/tickets"' in response.text
        assert 'href="/signin' not in response.text and 'href="/queue"' not in response.text


def test_an_unknown_workspace_page_is_a_page_and_an_unknown_api_path_stays_json(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    page = l1.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text
    api = l1.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_the_favicon_is_served_and_linked_from_both_looks(web: WebDesk, signed_in: SignIn) -> None:
    browser = signed_in(web.l1)
    icon = browser.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert browser.get("/static/favicon.svg").status_code == 200
    for page in ("/queue", "/portal/signin"):
        assert 'rel="icon" href="/static/favicon.svg"' in browser.get(page).text


def _tag(page: str, element_id: str) -> str:
    found = re.search(rf'<[a-z]+ id="{element_id}"[^>]*>', page)
    assert found is not None, element_id
    return found.group(0)


def _label(page: str, for_id: str) -> str:
    found = re.search(rf'<label for="{for_id}">.*?</label>', page)
    assert found is not None, for_id
    return found.group(0)


def test_the_escalate_form_marks_what_the_next_level_requires(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Echo on calls")
    dialog = signed_in(web.l1).get(f"/tickets/{ticket.number}/escalate").text
    # L2 (selected first) requires symptoms, environment and steps tried; L3 also hypotheses.
    for part in ("symptoms", "environment", "steps_tried"):
        assert " required" in _tag(dialog, part)
        assert 'class="required-mark" aria-hidden="true">' in _label(dialog, part)
    assert " required" not in _tag(dialog, "hypotheses")
    assert 'class="required-mark" aria-hidden="true" hidden>' in _label(dialog, "hypotheses")
    assert 'data-requires="symptoms environment steps_tried hypotheses"' in dialog


def test_drafted_steps_stand_one_a_line_as_the_form_reads_them(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Echo on calls")
    add_message(
        web.app.desk,
        web.l1,
        ticket.number or "",
        MessageKind.PUBLIC_REPLY,
        text="Please:\n1. Restart the phone\n2. Swap the handset cable",
    )
    dialog = signed_in(web.l1).get(f"/tickets/{ticket.number}/escalate").text
    steps = re.search(r'<textarea id="steps_tried"[^>]*>([^<]*)</textarea>', dialog)
    assert steps is not None
    assert steps.group(1).splitlines() == ["Restart the phone", "Swap the handset cable"]


def test_a_form_missing_a_field_the_page_needs_is_told_so_in_the_page_way(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    unnamed = lead.post("/admin/organisations", {"plan": "premium"}, headers=HTMX)
    assert unnamed.status_code == 422
    assert unnamed.text == "Please fill in name."
    assert unnamed.headers["X-Desk-Fields"] == "name"
    page = lead.post("/admin/organisations", {"plan": "premium"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Please fill in name." in page.text


def test_a_field_too_long_for_the_form_is_said_in_the_forms_words(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Time to log")
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{ticket.number}")

    refused = l1.post(f"/tickets/{ticket.number}/time", {"minutes": "9" * 41}, headers=HTMX)

    assert refused.status_code == 422
    assert refused.text == "Please check minutes: at most 40 characters."
    assert refused.headers["X-Desk-Fields"] == "minutes"


def test_a_nul_in_a_form_field_is_refused_and_a_file_may_hold_one(
    web: WebDesk, signed_in: SignIn
) -> None:
    # PostgreSQL cannot store U+0000: the field used to fail there with a 500 (SQLite kept it).
    customer = signed_in(web.acme_contact)
    customer.get("/portal/tickets/new")
    refused = customer.post(
        "/portal/tickets", {"subject": "Phones\x00 reboot", "body": "Nightly."}, headers=HTMX
    )
    assert refused.status_code == 422
    assert refused.headers["X-Desk-Fields"] == "subject"
    assert customer.get("/portal/tickets").text.count("Phones") == 0

    opened = customer.post(
        "/portal/tickets",
        {"subject": "Phones reboot", "body": "Nightly."},
        files=[("files", ("core.bin", b"\x00\x01core\x00", "application/octet-stream"))],
    )
    assert opened.status_code == 200
    assert "core.bin" in opened.text
