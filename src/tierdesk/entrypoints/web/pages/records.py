"""Pages for the records tickets link to: known issues, defects (with their external-tracker
link), incidents (link tickets, post an update to all) and enhancement requests (votes). Every
kind's list and record page render through the shared ``records/_list.html`` and
``records/_detail.html``; the kind's own template fills their blocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.domain.incidents import IncidentSeverity, IncidentStatus
from tierdesk.domain.known_issues import KnownIssueStatus
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, RepeatedRequestError
from tierdesk.services import defects, enhancements, incidents, known_issues, people, tickets
from tierdesk.services.desk import Desk

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class RecordPages:
    """Where a kind's pages live and what they are called."""

    path: str  # "/known-issues"
    heading: str  # "Known issues"
    template: str  # "known_issue": records/known_issue.html, its list records/known_issues.html


KNOWN_ISSUES = RecordPages("/known-issues", "Known issues", "known_issue")
DEFECTS = RecordPages("/defects", "Defects", "defect")
INCIDENTS = RecordPages("/incidents", "Incidents", "incident")
ENHANCEMENTS = RecordPages("/enhancements", "Enhancement requests", "enhancement")


class _View(Protocol):
    @property
    def record(self) -> object: ...


Rows = Sequence[tuple[object, int]]  # each record with its count (linked tickets, or votes)
Extras = Callable[[Desk, Agent], dict[str, Any]]


def _nothing(_desk: Desk, _agent: Agent) -> dict[str, Any]:
    return {}


def add_record_pages(
    pages: RecordPages,
    rows: Callable[[Desk, Agent], Rows],
    view: Callable[[Desk, Agent, int], _View],
    *,
    list_extras: Extras = _nothing,
    page_extras: Extras = _nothing,
) -> None:
    """A kind's list page and record page, through the shared templates; ``*_extras`` add
    what the kind's blocks need (the products of the create form…)."""

    def record_list(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
        shown = {"heading": pages.heading, "path": pages.path, "rows": rows(desk, agent)}
        context = {"user": agent, **shown, **list_extras(desk, agent)}
        return render(request, f"records/{pages.template}s.html", context)

    def record_page(
        request: Request, desk: DeskDep, agent: WebAgent, record_id: RecordId
    ) -> Response:
        found = view(desk, agent, record_id)
        shown = {"heading": pages.heading, "path": pages.path, "view": found}
        context = {"user": agent, **shown, "record": found.record, **page_extras(desk, agent)}
        return render(request, f"records/{pages.template}.html", context)

    router.add_api_route(pages.path, record_list, name=f"{pages.template}_list")
    router.add_api_route(f"{pages.path}/{{record_id}}", record_page, name=f"{pages.template}_page")


def _products(desk: Desk, _agent: Agent) -> dict[str, Any]:
    return {"products": tickets.list_products(desk)}


add_record_pages(
    KNOWN_ISSUES,
    known_issues.list_known_issues,
    known_issues.get_known_issue,
    list_extras=_products,
    page_extras=lambda _desk, _agent: {"statuses": [str(s) for s in KnownIssueStatus]},
)
add_record_pages(DEFECTS, defects.list_defects, defects.get_defect)
add_record_pages(
    INCIDENTS,
    incidents.list_incidents,
    incidents.get_incident,
    list_extras=lambda desk, agent: {
        "severities": [str(s) for s in IncidentSeverity],
        **_products(desk, agent),
    },
    page_extras=lambda _desk, _agent: {"statuses": [str(s) for s in IncidentStatus]},
)
add_record_pages(
    ENHANCEMENTS,
    enhancements.list_enhancements,  # counted by votes
    enhancements.get_enhancement,
    list_extras=_products,
    page_extras=lambda desk, agent: {
        "organisations": people.list_organisations(desk, agent),
        "statuses": [str(s) for s in EnhancementStatus],
    },
)


def _references(text: str) -> list[int | str]:
    return [r.strip() for r in text.replace(",", " ").split() if r.strip()]


Choice = TypeVar("Choice", IncidentStatus, IncidentSeverity, EnhancementStatus, KnownIssueStatus)


def _choice(kind: type[Choice], value: str, field: str) -> Choice:
    try:
        return kind(value)
    except ValueError as exc:
        raise InvalidInputError(f"unknown value {value!r}", field=field) from exc


@router.post("/known-issues", dependencies=[Csrf])
def create_known_issue(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    title: Annotated[str, Form()],
    symptoms: Annotated[str, Form()],
    fix: Annotated[str, Form()],
    root_cause: Annotated[str, Form()] = "",
    product: Annotated[str, Form()] = "",
    versions: Annotated[str, Form()] = "",
) -> Response:
    issue = known_issues.create_known_issue(
        desk,
        agent,
        known_issues.KnownIssueInput(
            title=title,
            symptoms=symptoms,
            fix=fix,
            root_cause=root_cause,
            product=product or None,
            affected_versions=[str(v) for v in _references(versions)],
        ),
    )
    return go(request, f"/known-issues/{issue.id}?notice=Known+issue+recorded")


@router.post("/known-issues/{issue_id}/link", dependencies=[Csrf])
def link_known_issue(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    issue_id: RecordId,
    ticket: Annotated[str, Form()],
    send_fix: Annotated[str, Form()] = "",
) -> Response:
    _issue, linked = known_issues.link_known_issue(
        desk, agent, issue_id, ticket.strip(), send_fix=send_fix == "yes", channel=Channel.WEB
    )
    what = "Linked+and+answered+with+the+fix" if send_fix == "yes" else "Linked"
    return go(request, f"/tickets/{linked.number}?notice={what}")


@router.post("/known-issues/{issue_id}/edit", dependencies=[Csrf])
def edit_known_issue(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    issue_id: RecordId,
    fix: Annotated[str, Form()],
    status: Annotated[str, Form()],
    root_cause: Annotated[str, Form()] = "",
    affected_versions: Annotated[str, Form()] = "",
) -> Response:
    """The whole form as shown (the API's PATCH takes fields one by one): what did not change
    changes nothing, and a form that changes nothing says so."""
    known_issues.update_known_issue(
        desk,
        agent,
        issue_id,
        fix=fix,
        root_cause=root_cause,
        status=_choice(KnownIssueStatus, status, "status"),
        affected_versions=affected_versions.replace(",", " ").split(),  # "5.2.0, 5.2.1"
    )
    return go(request, f"/known-issues/{issue_id}?notice=Known+issue+changed")


@router.post("/defects/{defect_id}/link", dependencies=[Csrf])
def link_defect(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    defect_id: RecordId,
    ticket: Annotated[str, Form()],
) -> Response:
    defects.link_defect(desk, agent, defect_id, ticket.strip())
    return go(request, f"/defects/{defect_id}?notice=Ticket+linked")


@router.post("/defects/{defect_id}/fixed", dependencies=[Csrf])
def defect_fixed(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    defect_id: RecordId,
    version: Annotated[str, Form()],
) -> Response:
    defects.mark_defect_fixed(desk, agent, defect_id, version.strip(), channel=Channel.WEB)
    return go(request, f"/defects/{defect_id}?notice=Marked+fixed;+linked+tickets+told")


@router.post("/incidents", dependencies=[Csrf])
def declare_incident(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    title: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = "sev2",
    product: Annotated[str, Form()] = "",
    tickets_text: Annotated[str, Form(alias="tickets")] = "",
) -> Response:
    incident = incidents.declare_incident(
        desk,
        agent,
        title,
        description,
        _choice(IncidentSeverity, severity, "severity"),
        product or None,
        _references(tickets_text) or None,
    )
    return go(request, f"/incidents/{incident.id}?notice=Incident+declared")


@router.post("/incidents/{incident_id}/link", dependencies=[Csrf])
def link_incident(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    incident_id: RecordId,
    tickets_text: Annotated[str, Form(alias="tickets")],
) -> Response:
    linked = incidents.link_incident_tickets(desk, agent, incident_id, _references(tickets_text))
    return go(request, f"/incidents/{incident_id}?notice=Linked+{len(linked)}+tickets")


@router.post("/incidents/{incident_id}/post-incident-note", dependencies=[Csrf])
def post_incident_note(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    incident_id: RecordId,
    note: Annotated[str, Form()],
) -> Response:
    incidents.write_post_incident_note(desk, agent, incident_id, note)
    return go(request, f"/incidents/{incident_id}?notice=Post-incident+note+saved")


@router.post("/incidents/{incident_id}/updates", dependencies=[Csrf])
def post_update(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    incident_id: RecordId,
    status: Annotated[str, Form()],
    text: Annotated[str, Form()],
    form_key: forms.FormKey = None,
) -> Response:
    # Every linked customer is mailed: Back, then Post again must not tell them twice.
    try:
        update = incidents.post_incident_update(
            desk,
            agent,
            incident_id,
            _choice(IncidentStatus, status, "status"),
            text,
            channel=Channel.WEB,
            idempotency_key=form_key,
        )
    except RepeatedRequestError:  # posted by this very form before
        return go(request, f"/incidents/{incident_id}?notice=Update+posted")
    return go(
        request,
        f"/incidents/{incident_id}?notice=Update+posted+to+{update.tickets_notified}+tickets",
    )


@router.post("/enhancements", dependencies=[Csrf])
def create_enhancement(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    title: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    product: Annotated[str, Form()] = "",
) -> Response:
    created = enhancements.create_enhancement(desk, agent, title, description, product or None)
    return go(request, f"/enhancements/{created.id}?notice=Request+recorded")


@router.post("/enhancements/{enhancement_id}/votes", dependencies=[Csrf])
def vote(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    enhancement_id: RecordId,
    organisation: Annotated[str, Form()],
) -> Response:
    enhancements.vote_for_enhancement(desk, agent, enhancement_id, organisation)
    return go(request, f"/enhancements/{enhancement_id}?notice=Vote+recorded")


@router.post("/enhancements/{enhancement_id}/status", dependencies=[Csrf])
def change_enhancement_status(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    enhancement_id: RecordId,
    status: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A lead moves the request on; shipped needs the release, and then every requesting
    ticket is told (services/enhancements.py, as ``PUT /api/v1/enhancements/{id}/status``)."""
    chosen = _choice(EnhancementStatus, status, "status")
    if chosen is EnhancementStatus.SHIPPED:
        if not version.strip():
            raise InvalidInputError("give the release it shipped in", field="version")
        told = enhancements.ship_enhancement(desk, agent, enhancement_id, version.strip(), note)
        notice = f"Shipped;+{told}+linked+tickets+told"
    else:
        enhancements.change_enhancement_status(desk, agent, enhancement_id, chosen, note)
        notice = f"Status+set+to+{chosen}"
    return go(request, f"/enhancements/{enhancement_id}?notice={notice}")


@router.post("/enhancements/{enhancement_id}/link", dependencies=[Csrf])
def link_enhancement(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    enhancement_id: RecordId,
    ticket: Annotated[str, Form()],
) -> Response:
    enhancements.link_enhancement(desk, agent, enhancement_id, ticket.strip())
    return go(request, f"/enhancements/{enhancement_id}?notice=Ticket+linked")


@router.get("/tickets/{reference}/known-fix")
def known_fix_form(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    """L3's "known fix" with no known issue to name: a new one, drafted from the ticket."""
    proposal = known_issues.draft_known_issue_for(desk, agent, reference)
    context = {
        "user": agent,
        "reference": reference,
        "draft": proposal.issue,
        "fix_was_sent": proposal.fix_was_sent,
        "products": tickets.list_products(desk),
    }
    return render(request, "records/_known_fix.html", context)


@router.post("/tickets/{reference}/known-fix", dependencies=[Csrf])
def record_known_fix(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    title: Annotated[str, Form()],
    symptoms: Annotated[str, Form()],
    fix: Annotated[str, Form()],
    root_cause: Annotated[str, Form()] = "",
    product: Annotated[str, Form()] = "",
    versions: Annotated[str, Form()] = "",
    send_fix: Annotated[str, Form()] = "",
) -> Response:
    issue, ticket = known_issues.record_known_fix(
        desk,
        agent,
        reference,
        known_issues.KnownIssueInput(
            title=title,
            symptoms=symptoms,
            fix=fix,
            root_cause=root_cause,
            product=product or None,
            affected_versions=[str(v) for v in _references(versions)],
        ),
        send_fix=send_fix == "yes",
        channel=Channel.WEB,
    )
    return go(request, f"/tickets/{ticket.number}?notice=Known+fix:+KI-{issue.id}+recorded")
