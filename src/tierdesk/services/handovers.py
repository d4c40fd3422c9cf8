"""Follow-the-sun hand-overs: at the end of a region's shift (the periodic job, or an engineer's
or a lead's "hand over now"), each open ticket of the region's engineers gets a note for the
region taking over; an engineer of that region accepts it (becomes the assignee) or a lead
reassigns it.

Agents only: notes are internal. Every ticket is reached through the actor's door
(``access_ticket``/``visible_ticket_ids``); the engineer's open tickets are read through the
engineer's own door, so the job hands over exactly what that engineer may see and works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.handovers import Clock, Handover, HandoverStatus, draft_note, supersede_earlier
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.regions import Region
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError, NotFoundError, PermissionDeniedError
from tierdesk.ports import TicketFilter, UnitOfWork
from tierdesk.ports.regions import HandoverFilter
from tierdesk.services.access import (
    access_ticket,
    access_ticket_page,
    access_tickets,
    require_agent,
    require_lead,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.escalation import packet_draft
from tierdesk.services.regions import region_of
from tierdesk.services.work_queue import ACTIVE_STATUSES

MAX_OPEN_TICKETS = 500  # an engineer's open tickets handed over at once


@dataclass(frozen=True)
class HandoverView:
    handover: Handover
    ticket: Ticket
    from_region: str
    to_region: str
    from_agent: str
    assignee: str | None = None


@dataclass(frozen=True)
class ShiftHandover:
    """What one hand-over round did for one engineer."""

    agent: Agent
    shift_end: datetime
    drafted: int
    handed_over: int


# -- drafting and handing over --------------------------------------------------------------


def _clocks(uow: UnitOfWork, ticket_id: int) -> list[Clock]:
    running = uow.deadlines.running_for_tickets([ticket_id]).get(ticket_id, [])
    return [
        Clock(
            f"{d.kind}" + (f" {d.tier.label}" if d.tier is not None else ""),
            d.due_at,
            paused=d.paused_since is not None,
            breached=d.breached_at is not None,
        )
        for d in running
    ]


def _hand_over_agent(
    uow: UnitOfWork,
    agent: Agent,
    region: Region,
    end: datetime,
    by: Actor,
    now: datetime,
    *,
    send: bool,
) -> ShiftHandover:
    """Draft a note for each of the engineer's open tickets that has none for this shift end;
    with ``send``, hand every draft of this shift end over."""
    assert region.id is not None
    assert region.hands_to_id is not None
    assert agent.id is not None
    mine = TicketFilter(status=ACTIVE_STATUSES, assignee_id=agent.id)
    tickets = access_ticket_page(uow, agent, mine, MAX_OPEN_TICKETS, None)
    existing = uow.handovers.for_shift([t.id for t in tickets if t.id is not None], end)
    drafted = handed = 0
    for ticket in tickets:
        assert ticket.id is not None
        handover = existing.get(ticket.id)
        if handover is None:
            note = draft_note(
                ticket, packet_draft(uow, ticket), _clocks(uow, ticket.id), agent.name, now
            )
            handover = Handover(ticket.id, region.id, region.hands_to_id, agent.id, end, note, now)
            uow.handovers.add(handover)
            drafted += 1
        if send and handover.status is HandoverStatus.DRAFTED:
            handover.hand_over(ticket, by, now)
            supersede_earlier(uow.handovers.for_ticket(ticket.id), handover)
            handed += 1
    return ShiftHandover(agent, end, drafted, handed)


def _engineer(uow: UnitOfWork, actor: Actor, agent_id: int | None) -> tuple[Agent, Region]:
    """The engineer whose tickets are handed over: the actor, or anyone a lead names."""
    me = require_agent(actor, "hand tickets over")
    target = me if agent_id is None else uow.agents.get(agent_id)
    if not isinstance(target, Agent):
        raise NotFoundError(f"agent {agent_id} not found", agent=agent_id)
    if isinstance(me, Agent) and me.id != target.id and not me.is_lead:
        raise PermissionDeniedError("only leads hand over someone else's tickets")
    region = region_of(uow, target)
    if region is None or region.hands_to_id is None:
        raise InvalidTransitionError(
            f"{target.name} is in no region that hands over to another; a lead sets it up"
        )
    return target, region


def _hand_over(desk: Desk, actor: Actor, agent_id: int | None, *, send: bool) -> ShiftHandover:
    now = desk.clock.now()
    with desk.uow() as uow:
        agent, region = _engineer(uow, actor, agent_id)
        end = region.current_shift_end(now)
        if end is None:
            raise InvalidTransitionError(f"{region.name} has had no shift yet")
        done = _hand_over_agent(uow, agent, region, end, actor, now, send=send)
        uow.commit()
        return done


def prepare_handover(desk: Desk, actor: Actor, agent_id: int | None = None) -> ShiftHandover:
    """Draft the notes of this shift for the engineer to read and edit before they go."""
    return _hand_over(desk, actor, agent_id, send=False)


def hand_over_now(desk: Desk, actor: Actor, agent_id: int | None = None) -> ShiftHandover:
    """Hand the engineer's open tickets over now (drafting the notes still missing)."""
    return _hand_over(desk, actor, agent_id, send=True)


def run_shift_ends(desk: Desk) -> list[ShiftHandover]:
    """The periodic job: every region whose shift ended since its last hand-over hands each of
    its engineers' open tickets over, once per shift end."""
    now = desk.clock.now()
    done: list[ShiftHandover] = []
    with desk.uow() as uow:
        for region in uow.regions.all():
            end = region.due_shift_end(now)
            if end is None or region.hands_to_id is None or region.id is None:
                continue
            for agent_id in uow.regions.members(region.id):
                agent = uow.agents.get(agent_id)
                if agent is not None and agent.active:
                    done.append(_hand_over_agent(uow, agent, region, end, SYSTEM, now, send=True))
            region.handed_over_until = end
        uow.commit()
    return done


# -- reading --------------------------------------------------------------------------------


def _views(uow: UnitOfWork, actor: Actor, found: list[Handover]) -> list[HandoverView]:
    tickets = {t.id: t for t in access_tickets(uow, actor, [h.ticket_id for h in found])}
    regions = {r.id: r.name for r in uow.regions.all()}
    names: dict[int, str] = {}

    def name(agent_id: int | None) -> str | None:
        if agent_id is None:
            return None
        if agent_id not in names:
            agent = uow.agents.get(agent_id)
            names[agent_id] = agent.name if agent else f"agent {agent_id}"
        return names[agent_id]

    return [
        HandoverView(
            h,
            tickets[h.ticket_id],
            regions.get(h.from_region_id, "?"),
            regions.get(h.to_region_id, "?"),
            name(h.from_agent_id) or "?",
            name(h.assignee_id),
        )
        for h in found
        if h.ticket_id in tickets
    ]


def list_handovers(
    desk: Desk, actor: Actor, wanted: HandoverFilter, limit: int, before_id: int | None = None
) -> list[HandoverView]:
    """Newest first, up to ``limit`` of those whose tickets the actor may see. A draft is its
    writer's (and the leads') until it is handed over."""
    require_agent(actor, "read hand-overs")
    shown: list[HandoverView] = []
    with desk.uow() as uow:
        while len(shown) < limit:
            batch = uow.handovers.page(wanted, limit, before_id)
            if not batch:
                break
            before_id = batch[-1].id
            shown += [v for v in _views(uow, actor, batch) if _may_read(actor, v.handover)]
    return shown[:limit]


def _may_read(actor: Actor, handover: Handover) -> bool:
    if handover.status is not HandoverStatus.DRAFTED or not isinstance(actor, Agent):
        return True
    return actor.is_lead or actor.id == handover.from_agent_id


def handed_over_to_me(desk: Desk, actor: Actor, limit: int = 200) -> list[HandoverView]:
    """What the actor's region was handed and nobody took yet (the queue's view)."""
    with desk.uow() as uow:
        region = region_of(uow, actor)
    if region is None:
        return []
    wanted = HandoverFilter(to_region_id=region.id, status=HandoverStatus.AWAITING)
    return list_handovers(desk, actor, wanted, limit)


def ticket_handovers(desk: Desk, actor: Actor, reference: int | str) -> list[HandoverView]:
    """The ticket's hand-overs, newest first (the ticket page's panel)."""
    require_agent(actor, "read hand-overs")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        found = list(reversed(uow.handovers.for_ticket(ticket.id)))
        return [v for v in _views(uow, actor, found) if _may_read(actor, v.handover)]


def get_handover(desk: Desk, actor: Actor, handover_id: int) -> HandoverView:
    require_agent(actor, "read hand-overs")
    with desk.uow() as uow:
        return _one(uow, actor, handover_id)


def _one(uow: UnitOfWork, actor: Actor, handover_id: int) -> HandoverView:
    handover = uow.handovers.get(handover_id)
    views = _views(uow, actor, [handover]) if handover else []
    if not views or not _may_read(actor, views[0].handover):
        raise NotFoundError(f"hand-over {handover_id} not found", handover=handover_id)
    return views[0]


# -- changing -------------------------------------------------------------------------------


def edit_handover_note(desk: Desk, actor: Actor, handover_id: int, note: str) -> HandoverView:
    require_agent(actor, "edit hand-over notes")
    with desk.uow() as uow:
        view = _one(uow, actor, handover_id)
        view.handover.edit(note, actor)
        uow.commit()
        return view


def accept_handover(
    desk: Desk, actor: Actor, handover_id: int, assignee_id: int | None = None
) -> HandoverView:
    """An engineer of the receiving region takes the ticket; a lead may name who takes it
    (``assignee_id``: reassigning)."""
    agent = require_agent(actor, "accept hand-overs")
    if not isinstance(agent, Agent):
        raise PermissionDeniedError("a hand-over is accepted by a person")
    now = desk.clock.now()
    with desk.uow() as uow:
        view = _one(uow, actor, handover_id)
        owner = agent if assignee_id is None else uow.agents.get(assignee_id)
        if owner is None:
            raise NotFoundError(f"agent {assignee_id} not found", field="assignee")
        by_region = region_of(uow, agent)
        view.handover.accept(view.ticket, owner, agent, by_region.id if by_region else None, now)
        uow.commit()
        return HandoverView(
            view.handover,
            view.ticket,
            view.from_region,
            view.to_region,
            view.from_agent,
            owner.name,
        )


def reassign_handover(desk: Desk, actor: Actor, handover_id: int, assignee_id: int) -> HandoverView:
    """A lead hands the ticket to someone, whichever region they are in."""
    require_lead(actor, "reassign hand-overs")
    return accept_handover(desk, actor, handover_id, assignee_id)
