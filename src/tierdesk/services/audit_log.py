"""The desk-wide audit log for leads and admins: who changed what, and when, across every kind
of record (agents, SLA policies, rules, outage decisions, triage models, tickets…).

A ticket's own trail stays in ``tickets``; this reads every event, so only leads and admins (and
the system, for the CLI) may use it. Reading is not itself audited, like every other read."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.audit_query import (
    DEFAULT_PAGE_SIZE,
    ActorRef,
    AuditQuery,
    parse_cursor,
    parse_moment,
    parse_record_id,
)
from tierdesk.domain.people import Actor, ActorKind
from tierdesk.domain.tickets import format_ticket_number
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk

_ACTOR_HELP = "an e-mail address, agent:<id>, contact:<id> or system"


@dataclass(frozen=True)
class AuditFilter:
    """The filter as people type it (query string, form, CLI options); empty means "any"."""

    entity: str = ""
    actor: str = ""
    action: str = ""
    since: str = ""
    until: str = ""
    cursor: str = ""
    limit: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class AuditEntry:
    event: AuditEvent
    ticket_number: str | None  # set when the event belongs to a ticket, for a link to it


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None  # None on the last page


def list_audit_events(desk: Desk, actor: Actor, wanted: AuditFilter) -> AuditPage:
    require_lead(actor, "read the audit log")
    with desk.uow() as uow:
        query = AuditQuery(
            entity=wanted.entity.strip() or None,
            actor=_actor_ref(uow, wanted.actor),
            action_prefix=wanted.action.strip() or None,
            since=parse_moment(wanted.since, "since") if wanted.since.strip() else None,
            until=(
                parse_moment(wanted.until, "until", end_of_day=True)
                if wanted.until.strip()
                else None
            ),
            before_id=parse_cursor(wanted.cursor) if wanted.cursor.strip() else None,
            limit=wanted.limit,
        )
        events = uow.audit.search(query)
    shown = events[: query.limit]
    more = len(events) > query.limit
    return AuditPage(
        entries=[AuditEntry(e, _ticket_number(desk, e)) for e in shown],
        next_cursor=str(shown[-1].id) if more and shown[-1].id is not None else None,
    )


def list_audit_entities(desk: Desk, actor: Actor) -> list[str]:
    """The kinds of record the trail holds events for, to offer as a filter."""
    require_lead(actor, "read the audit log")
    with desk.uow() as uow:
        return uow.audit.subject_types()


def _ticket_number(desk: Desk, event: AuditEvent) -> str | None:
    if event.ticket_id is None:
        return None
    return format_ticket_number(desk.ticket_prefix, event.ticket_id)


def _actor_ref(uow: UnitOfWork, text: str) -> ActorRef | None:
    value = text.strip()
    if not value:
        return None
    if value.lower() == str(ActorKind.SYSTEM):
        return ActorRef(str(ActorKind.SYSTEM))
    kind, colon, number = value.partition(":")
    if colon:
        kind, person_id = kind.lower(), parse_record_id(number)
        if kind not in (ActorKind.AGENT, ActorKind.CONTACT) or person_id is None:
            raise InvalidInputError(f"actor {text!r} is not {_ACTOR_HELP}", field="actor")
        people = uow.agents if kind == ActorKind.AGENT else uow.contacts
        if people.get(person_id) is None:
            raise InvalidInputError(f"there is no {kind} {person_id}", field="actor")
        return ActorRef(kind, person_id)
    if "@" in value:
        person = uow.agents.get_by_email(value) or uow.contacts.get_by_email(value)
        if person is not None:
            return ActorRef(str(person.kind), person.id)
        raise InvalidInputError(f"no agent or contact has the e-mail {value!r}", field="actor")
    raise InvalidInputError(f"actor {text!r} is not {_ACTOR_HELP}", field="actor")
