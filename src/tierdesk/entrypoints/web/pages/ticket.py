"""The agent's ticket page: thread, trail, every SLA clock, composer with macros, packets, and
the assist panel (loaded by HTMX after the page, so the page itself renders fast)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tierdesk.domain.handoff import PACKET_PARTS, PacketStatus
from tierdesk.domain.people import Tier
from tierdesk.domain.public_answer import draft_public_answer
from tierdesk.domain.record_links import RecordKind, RecordLink, record_reference
from tierdesk.domain.tickets import Status, format_ticket_number
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import WebAgent
from tierdesk.entrypoints.web.pages.threads import download, thread
from tierdesk.entrypoints.web.pages.ticket_fields import details_context
from tierdesk.entrypoints.web.pages.trail import Names, shown_changes
from tierdesk.services import (
    answers,
    deadlines,
    escalation,
    knowledge,
    l3_outcomes,
    levels,
    macros,
    people,
    tickets,
)

router = APIRouter(include_in_schema=False)

# Where each kind of linked record has its page (entrypoints/web/pages/records.py, articles.py)
_RECORD_PAGES = {
    RecordKind.KNOWN_ISSUE: "/known-issues",
    RecordKind.DEFECT: "/defects",
    RecordKind.INCIDENT: "/incidents",
    RecordKind.ENHANCEMENT: "/enhancements",
    RecordKind.ARTICLE: "/articles",
}


def _linked_records(links: list[RecordLink]) -> list[tuple[str, str]]:
    """(reference, page) of each record the ticket is linked to, in link order: the known
    issue whose fix answered it, its defect, incident, enhancement, the articles that helped
    (until now only the trail said so)."""
    return [
        (
            record_reference(k.record_kind, k.record_id),
            f"{_RECORD_PAGES[k.record_kind]}/{k.record_id}",
        )
        for k in links
    ]


@router.get("/tickets/{reference}")
def ticket_page(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    ticket = tickets.get_ticket(desk, agent, reference)
    agents = {a.id: a for a in people.list_agents(desk, agent)}
    contacts = {c.id: c for c in people.list_contacts(desk, agent, ticket.organisation_id)}
    organisations = {o.id: o for o in people.list_organisations(desk, agent)}
    products = {p.id: p for p in tickets.list_products(desk)}
    events = tickets.ticket_events(desk, agent, reference)
    awaiting = ticket.escalation_state is PacketStatus.AWAITING
    names = Names(
        agents={a_id: a.name for a_id, a in agents.items() if a_id is not None},
        records={
            "requester_id": {c_id: c.name for c_id, c in contacts.items() if c_id is not None},
            "product_id": {p_id: p.name for p_id, p in products.items() if p_id is not None},
            "component_id": {c.id: c.name for p in products.values() for c in p.components if c.id},
            "version_id": {v.id: v.name for p in products.values() for v in p.versions if v.id},
        },
    )
    context = {
        "user": agent,
        "ticket": ticket,
        "requester": contacts.get(ticket.requester_id),
        "organisation": organisations.get(ticket.organisation_id),
        "assignee": agents.get(ticket.assignee_id) if ticket.assignee_id else None,
        "product": products.get(ticket.product_id) if ticket.product_id else None,
        "thread": thread(desk, agent, ticket),
        "trail": [(e, shown_changes(e.changes, names)) for e in events],
        # The newest change the page shows: the live stream may still bring it (it polls),
        # and live.js does not call it a change made since the page was opened.
        "seen_event": max((e.id or 0 for e in events), default=0),
        "deadlines": deadlines.ticket_deadlines(desk, agent, reference),
        "packets": escalation.list_packets(desk, agent, reference),
        "packet_parts": PACKET_PARTS,
        "macros": macros.list_macros(desk, agent),
        "related": tickets.related_tickets(desk, agent, reference),
        "records": _linked_records(l3_outcomes.ticket_records(desk, agent, reference).links),
        "link_numbers": {
            lk.target_ticket_id: format_ticket_number(desk.ticket_prefix, lk.target_ticket_id)
            for lk in ticket.links
        },
        "levels": {lv.level.tier: lv.level for lv in levels.list_levels(desk, agent)},
        "higher": [t for t in Tier if t > ticket.tier],
        "awaiting": awaiting,
        "may_decide": awaiting and (agent.is_lead or agent.works_tier(ticket.tier)),
        "active": ticket.status not in (Status.SOLVED, Status.CLOSED),
        "answer_draft": draft_public_answer(ticket.messages),  # prefills the solve dialog
        "now": desk.clock.now(),
        **details_context(
            ticket, agent, list(agents.values()), list(contacts.values()), list(products.values())
        ),
    }
    return render(request, "ticket.html", context)


@router.get("/tickets/{reference}/assist")
def assist_panel(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    found = knowledge.suggestions_for_ticket(desk, agent, reference)
    answer = answers.answer_of(desk, agent, reference)
    return render(
        request,
        "_assist.html",
        {"user": agent, "s": found, "reference": reference, "answer": answer},
    )


@router.get("/tickets/{reference}/escalate")
def escalate_dialog(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    ticket = tickets.get_ticket(desk, agent, reference)
    draft = escalation.draft_packet_for(desk, agent, reference)
    all_levels = {lv.level.tier: lv.level for lv in levels.list_levels(desk, agent)}
    context = {
        "user": agent,
        "ticket": ticket,
        "packet_rows": forms.packet_rows(draft),  # as the form reads them back
        "higher": [all_levels[t] for t in Tier if t > ticket.tier and t in all_levels],
    }
    return render(request, "_escalate.html", context)


@router.get("/tickets/{reference}/attachments/{attachment_id}")
def ticket_attachment(
    desk: DeskDep, agent: WebAgent, reference: str, attachment_id: RecordId
) -> Response:
    return download(desk, agent, reference, attachment_id)
