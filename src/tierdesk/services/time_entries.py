"""Time spent (issue 21): agents log time on tickets, the desk reads how long each ticket spent
in each status and at each level from its trail, and leads report logged time per
organisation, contract (the organisation's support plan), agent and period.

Who sees what: an entry is reached through its ticket's door (``access_ticket``), so an agent
sees the time logged on the tickets they may open; agents change their own entries, leads and
admins anyone's. Customers never see logged time (it is agents' and billing's business): every
use case here refuses contacts. Reports are for leads and admins; an agent's list is their own
entries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.time_spent import (
    StatusTime,
    TimeEntry,
    TimeTotal,
    check_grouping,
    check_note,
    check_span,
    check_work_date,
    may_change,
    parse_duration,
    time_in_status,
    total_time,
)
from tierdesk.errors import NotFoundError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import claim_key


@dataclass(frozen=True)
class LoggedTime:
    """What an agent logs: ``minutes`` as typed ("1h 30m", "90", "1.5h") or a number;
    ``work_date`` None is today (UTC)."""

    minutes: str | int
    work_date: date | None = None
    note: str = ""
    billable: bool = True


@dataclass(frozen=True)
class TimeChanges:
    """An edit: what is None stays as it is."""

    minutes: str | int | None = None
    work_date: date | None = None
    note: str | None = None
    billable: bool | None = None


@dataclass(frozen=True)
class TicketTime:
    """A ticket's time panel: its entries (newest first), their totals, who logged them, and
    the time it spent in each status and at each level."""

    ticket: Ticket
    entries: list[TimeEntry]
    agent_names: dict[int, str]
    status_time: StatusTime

    @property
    def total(self) -> int:
        return sum(e.minutes for e in self.entries)

    @property
    def billable(self) -> int:
        return sum(e.minutes for e in self.entries if e.billable)


def _agent(actor: Actor, action: str) -> Agent:
    """Only agents log and read time: contacts never, and the desk itself logs none."""
    if not isinstance(actor, Agent) or actor.id is None:
        raise PermissionDeniedError(f"only agents {action}", action=action)
    return actor


def _audit(
    uow: UnitOfWork, action: str, actor: Agent, entry: TimeEntry, changes: dict[str, Any]
) -> None:
    event = audit_event(
        "time_entry", action, actor, entry.updated_at, subject_id=entry.id, changes=changes
    )
    # On the ticket's trail for colleagues; never public (customers do not see logged time).
    uow.audit.add(replace(event, ticket_id=entry.ticket_id, public=False))


def log_time(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    logged: LoggedTime,
    *,
    idempotency_key: str | None = None,
) -> TimeEntry:
    """A key that logged an entry already (a double click on the form) is refused with
    ``RepeatedRequestError``: the first post's entry stands (services/idempotency.py)."""
    agent = _agent(actor, "log time")
    minutes = parse_duration(logged.minutes)
    now = desk.clock.now()
    day = check_work_date(logged.work_date or now.date(), now.date())
    note = check_note(logged.note)
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        claim_key(uow, agent, idempotency_key, ticket, now)
        assert agent.id is not None
        entry = TimeEntry(ticket.id, agent.id, minutes, day, now, now, note, logged.billable)
        uow.time_entries.add(entry)
        uow.flush()
        changes = {"minutes": minutes, "work_date": day.isoformat(), "billable": logged.billable}
        _audit(uow, "time.logged", agent, entry, changes)
        uow.commit()
        return entry


def _own_entry(uow: UnitOfWork, desk: Desk, agent: Agent, entry_id: int) -> TimeEntry:
    """The entry, through its ticket's door; missing and not-visible look the same."""
    entry = uow.time_entries.get(entry_id)
    if entry is None:
        raise NotFoundError(f"time entry {entry_id} not found", field="entry")
    try:
        access_ticket(uow, agent, entry.ticket_id, desk.ticket_prefix)
    except NotFoundError:
        raise NotFoundError(f"time entry {entry_id} not found", field="entry") from None
    return entry


def _changeable(uow: UnitOfWork, desk: Desk, agent: Agent, entry_id: int) -> TimeEntry:
    entry = _own_entry(uow, desk, agent, entry_id)
    if not may_change(entry, agent.id, agent.is_lead):
        raise PermissionDeniedError(
            "agents change only their own time entries", action="change time entries"
        )
    return entry


def get_time_entry(desk: Desk, actor: Actor, entry_id: int) -> TimeEntry:
    agent = _agent(actor, "read logged time")
    with desk.uow() as uow:
        return _own_entry(uow, desk, agent, entry_id)


def edit_time_entry(desk: Desk, actor: Actor, entry_id: int, edit: TimeChanges) -> TimeEntry:
    agent = _agent(actor, "change logged time")
    minutes = parse_duration(edit.minutes) if edit.minutes is not None else None
    now = desk.clock.now()
    day = check_work_date(edit.work_date, now.date()) if edit.work_date else None
    note = check_note(edit.note) if edit.note is not None else None
    with desk.uow() as uow:
        entry = _changeable(uow, desk, agent, entry_id)
        changes: dict[str, Any] = entry.change(
            now, minutes=minutes, work_date=day, note=note, billable=edit.billable
        )
        if "note" in changes:  # the note's text stays out of the trail; its entry has it
            changes["note"] = "changed"
        if changes:
            _audit(uow, "time.changed", agent, entry, changes)
        uow.commit()
        return entry


def delete_time_entry(desk: Desk, actor: Actor, entry_id: int) -> None:
    agent = _agent(actor, "delete logged time")
    with desk.uow() as uow:
        entry = _changeable(uow, desk, agent, entry_id)
        uow.hold(entry)  # removed twice at once: the second is told, not audited twice
        entry.updated_at = desk.clock.now()
        _audit(uow, "time.deleted", agent, entry, {"minutes": entry.minutes})
        uow.time_entries.delete(entry)
        uow.commit()


def ticket_time(desk: Desk, actor: Actor, reference: int | str) -> TicketTime:
    agent = _agent(actor, "read logged time")
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        entries = uow.time_entries.find(ticket_id=ticket.id)
        trail = uow.audit.for_ticket(ticket.id, public_only=False)
        names = {a.id: a.name for a in uow.agents.all() if a.id is not None}
    spent = time_in_status(
        trail,
        ticket.created_at,
        str(ticket.status),
        int(ticket.tier),
        desk.clock.now(),
        ticket.closed_at,
    )
    return TicketTime(ticket, entries, names, spent)


def status_time(desk: Desk, actor: Actor, reference: int | str) -> StatusTime:
    return ticket_time(desk, actor, reference).status_time


def list_time_entries(
    desk: Desk,
    actor: Actor,
    *,
    ticket: int | str | None = None,
    agent_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
) -> list[TimeEntry]:
    """Newest first. An agent lists their own entries (or a ticket's they may open); a lead
    anyone's."""
    agent = _agent(actor, "read logged time")
    if not agent.is_lead and ticket is None:
        if agent_id is not None and agent_id != agent.id:
            raise PermissionDeniedError(
                "agents list their own time entries; leads list anyone's",
                action="list time entries",
            )
        agent_id = agent.id
    with desk.uow() as uow:
        ticket_id = None
        if ticket is not None:
            ticket_id = access_ticket(uow, agent, ticket, desk.ticket_prefix).id
        return uow.time_entries.find(
            ticket_id=ticket_id, agent_id=agent_id, since=since, until=until, limit=limit
        )


@dataclass(frozen=True)
class TimeReport:
    since: date
    until: date
    grouping: str
    totals: list[TimeTotal]

    @property
    def billable(self) -> int:
        return sum(t.billable for t in self.totals)

    @property
    def unbilled(self) -> int:
        return sum(t.unbilled for t in self.totals)


def default_span(desk: Desk) -> tuple[date, date]:
    """This month so far."""
    today = desk.clock.now().date()
    return today.replace(day=1), today


def time_report(
    desk: Desk,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    grouping: str = "organisation",
    organisation_id: int | None = None,
) -> TimeReport:
    """Logged time of the days ``since``…``until`` (default: this month) per organisation,
    contract (support plan), agent, month or week, billable and not."""
    require_lead(actor, "read the time reports")
    check_grouping(grouping)
    first, last = default_span(desk)
    since, until = since or first, until or last
    check_span(since, until)
    with desk.uow() as uow:
        rows = uow.time_entries.report_rows(since, until, organisation_id)
        labels: dict[str, str] = {}
        if grouping == "organisation":
            labels = {str(o.id): o.name for o in uow.organisations.all()}
        elif grouping == "plan":
            labels = {str(p.id): p.name for p in uow.organisations.plans()}
        elif grouping == "agent":
            labels = {str(a.id): a.name for a in uow.agents.all()}
    return TimeReport(since, until, grouping, total_time(rows, grouping, labels))
