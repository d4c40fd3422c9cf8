"""The advisories in the workspace and the portal (issue 21 item 3): a record page's affected
customers, the form's errors next to their field, the preview, sending, marking, and a
contact acknowledging for its organisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.web.conftest import PASSWORD, Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import advisories, catalog, known_issues, people
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM

XSS = "<script>alert(1)</script>"


def _world(web: WebDesk) -> int:
    desk = web.app.desk
    versions = [("5.2.1", None), ("5.10", None)]
    catalog.create_product(
        desk, SYSTEM, catalog.NewProduct("Kestrel SBC", "sbc", versions=versions)
    )
    ib.add_item(desk, SYSTEM, web.acme.id or 0, ib.ItemInput("sbc", version="5.2.1", quantity=3))
    ib.add_item(desk, SYSTEM, web.globex.id or 0, ib.ItemInput("sbc", version="5.10"))
    issue = known_issues.create_known_issue(
        desk,
        SYSTEM,
        known_issues.KnownIssueInput(
            "Calls drop", "Calls drop", "Upgrade", product="sbc", affected_versions=["5.2.1"]
        ),
    )
    return issue.id or 0


def test_a_lead_advises_the_customers_a_known_issue_affects(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    issue_id = _world(web)
    lead = signed_in(web.lead)

    assert (
        f'hx-get="/known-issues/{issue_id}/affected"' in lead.get(f"/known-issues/{issue_id}").text
    )
    affected = lead.get(f"/known-issues/{issue_id}/affected").text
    assert "1 customer runs an affected version" in affected
    assert web.acme.name in affected and web.globex.name not in affected
    assert f"record=KI-{issue_id}" in affected

    form = {"product": "sbc", "version": "5.2.1", "reason": "known-issue", "message": XSS}
    lead.get(f"/advisories/new?reason=known-issue&record=KI-{issue_id}")
    wrong = lead.post("/advisories/new", {**form, "record": "KI-999", "target_version": "5.10"})
    assert wrong.status_code == 422
    assert 'id="adv-record-error"' in wrong.text and "KI-999 not found" in wrong.text

    good = {**form, "record": f"KI-{issue_id}", "target_version": "5.10"}
    preview = lead.post("/advisories/new", good)
    assert preview.status_code == 200
    assert "1 organisation run Kestrel SBC 5.2.1" in preview.text and web.acme.name in preview.text
    assert XSS not in preview.text

    sent = lead.post("/advisories/new", {**good, "action": "send"}, follow_redirects=True)
    assert sent.status_code == 200 and "Advisory sent" in sent.text
    assert web.acme.name in sent.text and XSS not in sent.text
    page = str(sent.url.path)
    lead.get(page)
    marked = lead.post(
        f"{page}/organisations/{web.acme.id}", {"state": "upgraded"}, follow_redirects=True
    )
    assert '<td class="state">upgraded' in marked.text


def test_a_contact_acknowledges_its_organisation_s_advisory_in_the_portal(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    issue_id = _world(web)
    lead = signed_in(web.lead)
    lead.get("/advisories/new")
    form = {"product": "sbc", "version": "5.2.1", "reason": "known-issue"}
    lead.post(
        "/advisories/new",
        {**form, "record": f"KI-{issue_id}", "message": "Please upgrade.", "action": "send"},
    )
    outsider = signed_in(web.globex_contact)
    assert "Please upgrade." not in outsider.get("/portal/advisories").text

    customer = signed_in(web.acme_contact)
    shown = customer.get("/portal/advisories").text
    assert "Upgrade advisory: Kestrel SBC 5.2.1" in shown and "Please upgrade." in shown
    assert f"A known issue affects this version: KI-{issue_id} (Calls drop)." in shown  # why
    number = shown.split('id="advisory-')[1].split('"')[0]
    done = customer.post(f"/portal/advisories/{number}/acknowledge", follow_redirects=True)

    assert "the advisory is acknowledged for your organisation" in done.text
    assert web.acme_contact.name in lead.get(f"/advisories/{number}").text
    refused = outsider.post(f"/portal/advisories/{number}/acknowledge")
    assert refused.status_code == 404


def test_a_customer_reads_the_end_of_support_day_as_their_language_writes_it(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    _world(web)
    new = people.NewContact("elodie@example.fr", "Elodie", web.acme.name, "fr", password=PASSWORD)
    french = people.create_contact(web.app.desk, SYSTEM, new).contact
    advisories.create_advisory(
        web.app.desk,
        web.lead,
        advisories.AdvisoryInput(
            "sbc", "5.2.1", "end-of-support", "Merci.", end_of_support=date(2027, 2, 5)
        ),
    )

    french_page = signed_in(french).get("/portal/advisories").text
    english_page = signed_in(web.acme_contact).get("/portal/advisories").text

    assert "Le support de cette version prend fin le 05/02/2027." in french_page
    assert "Support for this version ends on 2027-02-05." in english_page


def test_a_message_too_long_comes_back_in_the_form_with_the_reason_beside_it(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    _world(web)
    lead = signed_in(web.lead)
    lead.get("/advisories/new")
    long_message = "Please upgrade. " * 2_000  # 32,000 characters, the limit is 20,000

    answer = lead.post(
        "/advisories/new",
        {"product": "sbc", "version": "5.2.1", "reason": "end-of-support", "message": long_message},
    )

    assert answer.status_code == 413
    assert 'id="advisory-form"' in answer.text
    assert 'id="adv-message-error"' in answer.text and "longer than" in answer.text
    assert long_message.strip() in answer.text
