"""Opening a defect from a ticket in the workspace, on both engines: an L3 engineer gets a
draft from the ticket (subject, severity from priority, symptoms and steps from its thread),
edits it and opens it, the ticket linked; an emptied field is named next to itself; what was
typed is shown escaped; below L3 there is no such action."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk, agent_with_password
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import conversation, defects

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_an_l3_engineer_opens_a_defect_drafted_from_the_ticket(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "One-way audio after the upgrade", "Callers hear nothing at all.")
    conversation.add_message(
        web.app.desk,
        web.l1,
        ticket.number or "",
        MessageKind.INTERNAL_NOTE,
        text="Restarted the media relay. No change.",
    )
    l3 = signed_in(agent_with_password(web.app, [3]))
    assert "Open a defect…" in l3.get(f"/tickets/{ticket.number}").text

    form = l3.get(f"/tickets/{ticket.number}/defect").text
    opened = l3.post(
        f"/tickets/{ticket.number}/defect",
        {
            "title": "Media relay drops RTP <b>after</b> 6.2",
            "severity": "critical",
            "actual": "Callers hear nothing at all.",
            "steps": "Upgrade to 6.2\nPlace a call through the relay",
            "expected": "Two-way audio",
            "versions": "6.2.0",
        },
    )

    assert "One-way audio after the upgrade" in form and "Restarted the media relay" in form
    assert "Callers hear nothing" in form
    assert "Defect DEF-" in opened.text and opened.url.path.startswith("/defects/")
    assert "Media relay drops RTP &lt;b&gt;after&lt;/b&gt; 6.2" in opened.text
    assert f"/tickets/{ticket.number}" in opened.text  # linked
    [(defect, linked)] = defects.list_defects(web.app.desk, web.lead)
    assert (str(defect.severity), defect.source_ticket_id, linked) == ("critical", ticket.id, 1)
    assert defect.reproduction["steps"] == ["Upgrade to 6.2", "Place a call through the relay"]


def test_a_defect_without_what_happens_is_named_next_to_its_field_and_not_opened(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "One-way audio")
    lead = signed_in(web.lead)
    lead.get(f"/tickets/{ticket.number}")

    refused = lead.post(
        f"/tickets/{ticket.number}/defect",
        {"title": "No audio", "actual": "", "steps": "Call"},
        headers=HTMX,
    )

    assert refused.status_code == 422 and refused.headers["X-Desk-Fields"] == "actual"
    assert defects.list_defects(web.app.desk, web.lead) == []


def test_an_affected_version_that_is_no_version_is_named_next_to_its_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "One-way audio")
    lead = signed_in(web.lead)
    lead.get(f"/tickets/{ticket.number}")
    form = {"title": "No audio", "actual": "Silence", "steps": "Call"}

    refused = [
        lead.post(
            f"/tickets/{ticket.number}/defect",
            {**form, "versions": f"6.2.0, {typed}"},
            headers=HTMX,
        )
        for typed in ("<script>alert(1)</script>", "latest", "x" * 300)
    ]
    opened = lead.post(f"/tickets/{ticket.number}/defect", {**form, "versions": "6.2.0 v6.3-rc1"})

    assert [r.status_code for r in refused] == [422] * 3
    assert {r.headers["X-Desk-Fields"] for r in refused} == {"affected_versions"}
    assert opened.status_code == 200 and "Defect DEF-" in opened.text
    [(defect, _)] = defects.list_defects(web.app.desk, web.lead)
    assert defect.reproduction["affected_versions"] == ["6.2.0", "v6.3-rc1"]


def test_below_l3_there_is_no_open_a_defect(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "One-way audio")
    l2 = signed_in(web.l2)

    page = l2.get(f"/tickets/{ticket.number}").text

    assert "Open a defect" not in page
    assert l2.get(f"/tickets/{ticket.number}/defect").status_code == 403
