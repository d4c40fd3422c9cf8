"""Known issues, incidents, enhancement requests and defects in the workspace."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import incidents, known_issues, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]


def test_an_l2_agent_records_a_known_issue_and_answers_a_ticket_with_its_fix(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Fax fails after upgrade")
    l2 = signed_in(web.l2)
    l2.get("/known-issues")
    created = l2.post(
        "/known-issues",
        {
            "title": "T.38 re-INVITE dropped by 6.0.0",
            "symptoms": "Faxes fail after the upgrade to 6.0.0",
            "fix": "Set t38-passthrough=on on the trunk.",
            "versions": "6.0.0",
        },
    )
    assert "Known issue recorded" in created.text
    issue_path = created.url.path

    linked = l2.post(f"{issue_path}/link", {"ticket": ticket.number, "send_fix": "yes"})
    assert linked.url.path == f"/tickets/{ticket.number}"
    assert "Set t38-passthrough=on on the trunk." in linked.text

    customer = signed_in(web.acme_contact)
    assert "Set t38-passthrough=on" in customer.get(f"/portal/tickets/{ticket.number}").text
    assert "T.38 re-INVITE dropped" in l2.get("/known-issues").text


def test_a_known_issues_fix_sent_from_the_workspace_is_labelled_via_web(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Fax fails", body_text="Since 6.0.0.", channel=Channel.PORTAL),
    )
    issue = known_issues.create_known_issue(
        web.app.desk,
        web.l2,
        known_issues.KnownIssueInput(title="T.38", symptoms="Faxes fail", fix="Set t38=on."),
    )
    l2 = signed_in(web.l2)
    l2.get(f"/known-issues/{issue.id}")
    page = l2.post(f"/known-issues/{issue.id}/link", {"ticket": ticket.number, "send_fix": "yes"})

    fix = tickets.get_ticket(web.app.desk, SYSTEM, ticket.number or "").messages[-1]
    assert ("Set t38=on." in fix.body_text, fix.channel) == (True, Channel.WEB)
    assert re.search(r"Public reply</span>.*?<span>via web</span>", page.text, re.DOTALL)


def test_an_l1_agent_may_not_record_known_issues(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)
    l1.get("/known-issues")
    refused = l1.post("/known-issues", {"title": "x", "symptoms": "y", "fix": "z"})
    assert refused.status_code == 403


def test_a_lead_declares_an_incident_links_tickets_from_the_queue_and_updates_everyone(
    web: WebDesk, signed_in: SignIn
) -> None:
    first = open_at_l1(web, "No calls at all")
    second = open_at_l1(web, "Trunk down")
    lead = signed_in(web.lead)
    lead.get("/incidents")
    declared = lead.post("/incidents", {"title": "Carrier trunk outage", "severity": "sev1"})
    incident_id = declared.url.path.rsplit("/", 1)[-1]

    lead.get("/queue?tier=1")
    linked = lead.post(
        "/queue/link-incident",
        {"ticket": [first.number, second.number], "incident": incident_id, "assignee": "me"},
    )
    assert "Linked 2 tickets" in linked.text

    posted = lead.post(
        f"/incidents/{incident_id}/updates",
        {"status": "identified", "text": "The carrier is restoring the trunk."},
    )
    assert "Update posted to 2 tickets" in posted.text
    for ticket in (first, second):
        thread = tickets.get_ticket(web.app.desk, SYSTEM, ticket.number or "").messages
        assert any("restoring the trunk" in m.body_text and m.is_public for m in thread)


def test_enhancement_requests_count_votes(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)
    l1.get("/enhancements")
    created = l1.post("/enhancements", {"title": "Syslog over TLS"})
    path = created.url.path
    voted = l1.post(f"{path}/votes", {"organisation": web.globex.name})
    assert "Vote recorded" in voted.text
    assert web.globex.name in voted.text
    assert "Syslog over TLS" in l1.get("/enhancements").text


def test_the_defect_list_renders(web: WebDesk, signed_in: SignIn) -> None:
    page = signed_in(web.l2).get("/defects")
    assert page.status_code == 200
    assert "No defects." in page.text


def test_an_l2_agent_edits_a_known_issue_and_a_bad_version_is_said_beside_its_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    l2 = signed_in(web.l2)
    l2.get("/known-issues")
    issue_path = l2.post(
        "/known-issues",
        {"title": "T.38 dropped", "symptoms": "Faxes fail", "fix": "Set t38=on.", "versions": ""},
    ).url.path
    form = l2.get(issue_path).text
    assert 'action="' + issue_path + '/edit"' in form and ">Set t38=on.</textarea>" in form

    bad = l2.post(
        f"{issue_path}/edit",
        {"fix": "Set t38=on.", "status": "open", "affected_versions": "six"},
        headers={"HX-Request": "true"},
    )
    edited = l2.post(
        f"{issue_path}/edit",
        {
            "fix": "Upgrade to 6.0.1.",
            "root_cause": "A regression in 6.0.0.",
            "status": "resolved",
            "affected_versions": "6.0.0, 5.9.2",
        },
    )

    assert bad.status_code == 422 and bad.headers["X-Desk-Fields"] == "affected_versions"
    assert "Known issue changed" in edited.text
    issue = known_issues.get_known_issue(web.app.desk, web.l2, int(issue_path.rsplit("/", 1)[-1]))
    record = issue.record
    assert (record.fix, record.root_cause, str(record.status)) == (
        "Upgrade to 6.0.1.",
        "A regression in 6.0.0.",
        "resolved",
    )
    assert record.affected_versions == ["6.0.0", "5.9.2"]


def test_a_lead_writes_the_post_incident_note_once_the_incident_is_resolved(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/incidents")
    path = lead.post("/incidents", {"title": "Carrier trunk outage", "severity": "sev1"}).url.path
    assert "Post-incident note" not in lead.get(path).text  # still running
    incidents.resolve_incident(web.app.desk, web.lead, int(path.rsplit("/", 1)[-1]), "Restored.")
    assert 'id="post-incident"' in lead.get(path).text

    saved = lead.post(f"{path}/post-incident-note", {"note": "The carrier's BGP flapped."})

    assert "Post-incident note saved" in saved.text
    assert "The carrier&#39;s BGP flapped." in saved.text
