"""Incidents (L4): declare one, link many tickets at once, post status updates that reach every
affected customer on their own ticket, resolve it and solve its tickets together, keep a
post-incident note. Each of these is one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.incidents import (
    Incident,
    IncidentSeverity,
    IncidentStatus,
    IncidentUpdate,
    update_message,
)
from tierdesk.domain.messages import Channel, require_text
from tierdesk.domain.people import Actor, Contact, Tier
from tierdesk.domain.record_links import RecordKind
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import DeskPurpose, desk_tickets, require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import claim_key
from tierdesk.services.languages import language_for_customer
from tierdesk.services.linked_records import (
    RecordSpec,
    RecordView,
    add_record,
    audit_record,
    change_record,
    link_to_record,
    list_records,
    load_record,
    post_public_notice,
    product_id_for,
    require_level,
    view_record,
)

KIND = RecordKind.INCIDENT
INCIDENTS: RecordSpec[Incident] = RecordSpec(KIND, lambda uow: uow.incidents, read="read incidents")
# Incidents are level 4's (product development) and the leads'.
RUNNERS = Tier.L4
MAX_TICKETS_PER_CALL = 1000


@dataclass(frozen=True)
class IncidentView(RecordView[Incident]):
    updates: list[IncidentUpdate]


def declare_incident(
    desk: Desk,
    actor: Actor,
    title: str,
    description: str = "",
    severity: IncidentSeverity = IncidentSeverity.SEV2,
    product: str | None = None,
    tickets: list[int | str] | None = None,
) -> Incident:
    with desk.uow() as uow:
        incident = open_incident(uow, desk, actor, title, description, severity, product, tickets)
        uow.commit()
        return incident


def open_incident(
    uow: UnitOfWork,
    desk: Desk,
    actor: Actor,
    title: str,
    description: str = "",
    severity: IncidentSeverity = IncidentSeverity.SEV2,
    product: str | None = None,
    tickets: list[int | str] | None = None,
) -> Incident:
    """``declare_incident`` inside the caller's transaction, which commits (declaring one from
    an outage proposal also decides the proposal, all or nothing)."""
    require_level(actor, RUNNERS, "declare incidents")
    now = desk.clock.now()
    incident = Incident(
        title=title,
        description=description,
        severity=severity,
        declared_at=now,
        declared_by=actor.name,
        updated_at=now,
        product_id=product_id_for(uow, product),
    )
    changes = {"title": incident.title, "severity": str(severity)}
    add_record(uow, INCIDENTS, incident, "declared", actor, now, changes)
    _link_all(uow, desk, actor, incident, tickets or [])
    return incident


def _link_all(
    uow: UnitOfWork, desk: Desk, actor: Actor, incident: Incident, references: list[int | str]
) -> list[Ticket]:
    if len(references) > MAX_TICKETS_PER_CALL:
        raise InvalidInputError(
            f"link at most {MAX_TICKETS_PER_CALL} tickets per call", field="tickets"
        )
    assert incident.id is not None
    now = desk.clock.now()
    existing = uow.record_links.of_record(KIND, incident.id)
    linked = [
        link_to_record(uow, desk, actor, KIND, incident.id, incident.title, ref, now, existing)[0]
        for ref in references
    ]
    if linked:
        audit_record(
            uow,
            KIND,
            incident.id,
            "tickets_linked",
            actor,
            now,
            {"tickets": [t.number for t in linked]},
        )
    return linked


def link_incident_tickets(
    desk: Desk, actor: Actor, incident_id: int, references: list[int | str]
) -> list[Ticket]:
    """Link many tickets at once; all or none (one unknown or already linked refuses all)."""
    require_agent(actor, "link tickets to incidents")
    if not references:
        raise InvalidInputError("name at least one ticket", field="tickets")
    with desk.uow() as uow:
        incident = change_record(uow, INCIDENTS, incident_id)
        incident.require_open("link tickets")
        linked = _link_all(uow, desk, actor, incident, references)
        uow.commit()
        return linked


def post_incident_update(
    desk: Desk,
    actor: Actor,
    incident_id: int,
    status: IncidentStatus,
    text: str,
    *,
    channel: Channel = Channel.API,
    idempotency_key: str | None = None,
) -> IncidentUpdate:
    """Exactly one public message on every linked ticket (closed ones are final and skipped).
    With ``idempotency_key`` (the workspace form's), the same post sent again tells no customer
    twice: the key is kept with the first linked ticket, and a repeat raises
    ``RepeatedRequestError`` (services/idempotency.py)."""
    require_level(actor, RUNNERS, "post incident updates")
    text = require_text(text, "text", max_length=20_000)
    with desk.uow() as uow:
        incident = change_record(uow, INCIDENTS, incident_id)
        now = desk.clock.now()
        linked = _linked(uow, incident, "incident broadcast")
        if linked:  # with nobody linked there is nobody to tell twice (a key names a ticket)
            claim_key(uow, actor, idempotency_key, linked[0], now)
        incident.move_to(status, now)
        told = _broadcast(uow, desk, actor, incident, linked, status, text, channel)
        assert incident.id is not None
        update = IncidentUpdate(
            incident_id=incident.id,
            status=status,
            text=text,
            posted_at=now,
            posted_by=actor.name,
            tickets_notified=told,
        )
        uow.incidents.add_update(update)
        audit_record(
            uow,
            KIND,
            incident.id,
            "update_posted",
            actor,
            now,
            {"status": str(status), "tickets_notified": told},
        )
        uow.commit()
        return update


def _linked(uow: UnitOfWork, incident: Incident, why: DeskPurpose) -> list[Ticket]:
    assert incident.id is not None
    linked = [link.ticket_id for link in uow.record_links.of_record(KIND, incident.id)]
    return desk_tickets(uow, linked, why=why)


def _broadcast(
    uow: UnitOfWork,
    desk: Desk,
    actor: Actor,
    incident: Incident,
    linked: list[Ticket],
    status: IncidentStatus,
    text: str,
    channel: Channel = Channel.API,
) -> int:
    """One update per linked ticket, headed in that ticket's customer's language (the text
    itself is the author's)."""
    now = desk.clock.now()
    told = 0
    for ticket in linked:
        message = update_message(incident, status, text, language_for_customer(uow, ticket))
        if post_public_notice(desk, uow, actor, ticket, message, now, channel=channel):
            told += 1
    return told


def resolve_incident(desk: Desk, actor: Actor, incident_id: int, resolution: str) -> Incident:
    """Resolve the incident: the resolution goes to every linked ticket as a last update and
    every linked ticket still open is solved with it."""
    require_level(actor, RUNNERS, "resolve incidents")
    resolution = require_text(resolution, "resolution", max_length=20_000)
    with desk.uow() as uow:
        incident = change_record(uow, INCIDENTS, incident_id)
        now = desk.clock.now()
        incident.resolve(now)
        assert incident.id is not None
        linked = _linked(uow, incident, "incident resolution")  # told, then solved
        told = _broadcast(uow, desk, actor, incident, linked, IncidentStatus.RESOLVED, resolution)
        solved = 0
        for ticket in linked:
            if ticket.status.is_active:
                # The resolution was broadcast to the customers already: it is their answer too.
                ticket.solve(
                    f"Resolved with incident INC-{incident.id}: {resolution}",
                    actor,
                    now,
                    public_answer=resolution,
                )
                solved += 1
        uow.incidents.add_update(
            IncidentUpdate(
                incident_id=incident.id,
                status=IncidentStatus.RESOLVED,
                text=resolution,
                posted_at=now,
                posted_by=actor.name,
                tickets_notified=told,
            )
        )
        audit_record(
            uow,
            KIND,
            incident.id,
            "resolved",
            actor,
            now,
            {"tickets_notified": told, "tickets_solved": solved},
        )
        uow.commit()
        return incident


def write_post_incident_note(desk: Desk, actor: Actor, incident_id: int, note: str) -> Incident:
    require_level(actor, RUNNERS, "write post-incident notes")
    with desk.uow() as uow:
        incident = change_record(uow, INCIDENTS, incident_id)
        now = desk.clock.now()
        incident.write_post_incident_note(note, now)
        audit_record(uow, KIND, incident.id, "post_incident_note", actor, now)
        uow.commit()
        return incident


def list_incidents(
    desk: Desk, actor: Actor, status: IncidentStatus | None = None
) -> list[tuple[Incident, int]]:
    return list_records(desk, actor, INCIDENTS, lambda uow: uow.incidents.find(status))


def get_incident(desk: Desk, actor: Actor, incident_id: int) -> IncidentView:
    require_agent(actor, INCIDENTS.read)
    with desk.uow() as uow:
        incident = load_record(uow, INCIDENTS, incident_id)
        updates = uow.incidents.updates(incident_id)
        view = view_record(uow, actor, INCIDENTS, incident)
        return IncidentView(view.record, view.link_count, view.tickets, updates)


@dataclass(frozen=True)
class IncidentNotice:
    """What the portal's banner shows a customer: the incident and its latest update."""

    incident: Incident
    latest: IncidentUpdate | None


def incidents_for_customer(desk: Desk, contact: Contact) -> list[IncidentNotice]:
    """The open incidents that affect the contact's organisation, newest first. An incident
    affects the organisations whose tickets are linked to it; nobody else ever sees it."""
    with desk.uow() as uow:
        found = []
        for incident in uow.incidents.find(None):
            if incident.is_resolved or incident.id is None:
                continue
            linked = [link.ticket_id for link in uow.record_links.of_record(KIND, incident.id)]
            tickets = desk_tickets(uow, linked, why="incident banner")
            if any(t.organisation_id == contact.organisation_id for t in tickets):
                updates = uow.incidents.updates(incident.id)
                found.append(IncidentNotice(incident, updates[-1] if updates else None))
        return sorted(found, key=lambda n: n.incident.declared_at, reverse=True)
