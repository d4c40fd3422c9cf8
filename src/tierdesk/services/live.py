"""Live updates: what changed since a web process last looked (read once per process for all of
its streams), who else is on a ticket, and whether a reply about to be sent crosses another.

Every web process reads the same database, so an agent on one process hears of a change made
on another; nothing is kept in one process's memory but the reader's mark."""

from __future__ import annotations

from datetime import timedelta

from tierdesk.domain.live import (
    Collision,
    LiveBatch,
    LiveCursor,
    Presence,
    PresenceState,
    Watermark,
)
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent
from tierdesk.services.access import access_ticket, desk_tickets, require_agent
from tierdesk.services.desk import Desk

BATCH_LIMIT = 500  # rows of each kind one poll reads; the rest follow on the next
STALE_PRESENCE = timedelta(hours=1)  # rows this old are deleted by the next heartbeat


def start_cursor(desk: Desk) -> LiveCursor:
    """A mark at the newest event and notification: a stream hears of what happens next."""
    with desk.uow() as uow:
        return LiveCursor(
            events=Watermark.at(uow.live_feed.last_event_id()),
            notifications=Watermark.at(uow.live_feed.last_notification_id()),
        )


def poll(desk: Desk, cursor: LiveCursor) -> tuple[LiveBatch, LiveCursor]:
    """What was committed after the cursor: ticket changes with the tickets as they are now
    (each stream decides per agent what it may hear of) and new notifications."""
    with desk.uow() as uow:
        changes = uow.live_feed.changes_after(cursor.events.floor, BATCH_LIMIT)
        fresh_events, events = cursor.events.advance(c.event_id for c in changes)
        new = set(fresh_events)
        changes = [c for c in changes if c.event_id in new]
        notes = uow.live_feed.notifications_after(cursor.notifications.floor, BATCH_LIMIT)
        fresh_notes, notifications = cursor.notifications.advance(n.id for n in notes)
        wanted = set(fresh_notes)
        notes = [n for n in notes if n.id in wanted]
        tickets = desk_tickets(uow, {c.ticket_id for c in changes}, why="live updates")
        batch = LiveBatch(
            changes=changes,
            ticket_by_id={t.id: t for t in tickets if t.id is not None},
            notifications=notes,
        )
        return batch, LiveCursor(events, notifications)


# -- presence and collisions ----------------------------------------------------------------


def _agent_id(agent: Agent) -> int:
    require_agent(agent, "be present on tickets")
    assert agent.id is not None
    return agent.id


def heartbeat(
    desk: Desk, agent: Agent, reference: str, state: PresenceState, ttl: timedelta
) -> list[Presence]:
    """The agent is on the ticket (viewing it, or typing a reply): their row is refreshed, and
    the others on it now are returned. Only a ticket the agent may open can be joined."""
    agent_id = _agent_id(agent)
    now = desk.clock.now()
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        uow.presence.touch(ticket.id, agent_id, state, now)
        uow.presence.forget_before(now - max(STALE_PRESENCE, ttl))
        others = [p for p in uow.presence.on_ticket(ticket.id, now - ttl) if p.agent_id != agent_id]
        uow.commit()
    return others


def leave_ticket(desk: Desk, agent: Agent, reference: str) -> None:
    """The agent's page closed: they are no longer on the ticket."""
    agent_id = _agent_id(agent)
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        uow.presence.leave(ticket.id, agent_id)
        uow.commit()


def last_seen_message(desk: Desk, agent: Agent, reference: str) -> int:
    """The newest message id on the ticket as the agent's page shows it (0: none)."""
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        return max((m.id for m in ticket.messages if m.id is not None), default=0)


def reply_collision(
    desk: Desk, agent: Agent, reference: str, seen_message_id: int, ttl: timedelta
) -> Collision:
    """Whether a public reply written on a page that showed messages up to ``seen_message_id``
    would cross another: messages added since by anybody else, colleagues typing a reply."""
    agent_id = _agent_id(agent)
    now = desk.clock.now()
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        wrote = [
            m.author_name
            for m in ticket.messages
            if m.id is not None
            and m.id > seen_message_id
            and not (m.author_kind == "agent" and m.author_id == agent_id)
            and m.kind is not MessageKind.INTERNAL_NOTE
        ]
        typing = [
            p.agent_name
            for p in uow.presence.on_ticket(ticket.id, now - ttl)
            if p.agent_id != agent_id and p.state is PresenceState.TYPING
        ]
    return Collision(wrote=tuple(dict.fromkeys(wrote)), typing=tuple(typing))
