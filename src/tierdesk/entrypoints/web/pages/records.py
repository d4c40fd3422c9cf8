"""Pages for the records tickets link to: known issues, defects (with their external-tracker
link), incidents (link tickets, post an update to all) and enhancement requests (votes)."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.domain.incidents import IncidentSeverity, IncidentStatus
from tierdesk.domain.messages import Channel
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import defects, enhancements, incidents, known_issues, people, tickets

router = APIRouter(include_in_schema=False)


def _references(text: str) -> list[int | str]:
    return [r.strip() for r in text.replace(",", " ").split() if r.strip()]


Choice = TypeVar("Choice", IncidentStatus, IncidentSeverity, EnhancementStatus)


def _choice(kind: type[Choice], value: str, field: str) -> Choice:
    try:
        return kind(value)
    except ValueError as exc:
        raise InvalidInputError(f"unknown value {value!r}", field=field) from exc


@router.get("/known-issues")
def known_issue_list(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    context = {
        "user": agent,
        "issues": known_issues.list_known_issues(desk, agent),
        "products": tickets.list_products(desk),
    }
    return render(request, "records/known_issues.html", context)


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


@router.get("/known-issues/{issue_id}")
def known_issue_page(
    request: Request, desk: DeskDep, agent: WebAgent, issue_id: RecordId
) -> Response:
    view = known_issues.get_known_issue(desk, agent, issue_id)
    return render(request, "records/known_issue.html", {"user": agent, "view": view})


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


@router.get("/defects")
def defect_list(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    context = {"user": agent, "defects": defects.list_defects(desk, agent)}
    return render(request, "records/defects.html", context)


@router.get("/defects/{defect_id}")
def defect_page(request: Request, desk: DeskDep, agent: WebAgent, defect_id: RecordId) -> Response:
    view = defects.get_defect(desk, agent, defect_id)
    return render(request, "records/defect.html", {"user": agent, "view": view})


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


@router.get("/incidents")
def incident_list(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    context = {
        "user": agent,
        "incidents": incidents.list_incidents(desk, agent),
        "severities": [str(s) for s in IncidentSeverity],
        "products": tickets.list_products(desk),
    }
    return render(request, "records/incidents.html", context)


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


@router.get("/incidents/{incident_id}")
def incident_page(
    request: Request, desk: DeskDep, agent: WebAgent, incident_id: RecordId
) -> Response:
    view = incidents.get_incident(desk, agent, incident_id)
    context = {"user": agent, "view": view, "statuses": [str(s) for s in IncidentStatus]}
    return render(request, "records/incident.html", context)


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


@router.post("/incidents/{incident_id}/updates", dependencies=[Csrf])
def post_update(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    incident_id: RecordId,
    status: Annotated[str, Form()],
    text: Annotated[str, Form()],
) -> Response:
    update = incidents.post_incident_update(
        desk,
        agent,
        incident_id,
        _choice(IncidentStatus, status, "status"),
        text,
        channel=Channel.WEB,
    )
    return go(
        request,
        f"/incidents/{incident_id}?notice=Update+posted+to+{update.tickets_notified}+tickets",
    )


@router.get("/enhancements")
def enhancement_list(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    context = {
        "user": agent,
        "enhancements": enhancements.list_enhancements(desk, agent),
        "products": tickets.list_products(desk),
    }
    return render(request, "records/enhancements.html", context)


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


@router.get("/enhancements/{enhancement_id}")
def enhancement_page(
    request: Request, desk: DeskDep, agent: WebAgent, enhancement_id: RecordId
) -> Response:
    view = enhancements.get_enhancement(desk, agent, enhancement_id)
    context = {
        "user": agent,
        "view": view,
        "organisations": people.list_organisations(desk, agent),
    }
    return render(request, "records/enhancement.html", context)


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
