"""Plain domain objects for tests that need no database: keyword-default builders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tierdesk.domain.messages import Channel, Message, MessageKind
from tierdesk.domain.people import Actor, Agent, Contact, Role, SystemActor, Tier
from tierdesk.domain.tickets import Status, Ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SYSTEM = SystemActor()


def at(minutes: int) -> datetime:
    """A moment ``minutes`` after the tests' fixed origin."""
    return T0 + timedelta(minutes=minutes)


def an_agent(
    *,
    id: int = 10,
    tiers: list[int] | None = None,
    role: Role = Role.AGENT,
    queues: list[str] | None = None,
    active: bool = True,
    name: str = "Ada Agent",
) -> Agent:
    return Agent(
        email=f"agent{id}@kestrel.example",
        name=name,
        created_at=T0,
        tiers=[1] if tiers is None else tiers,
        role=role,
        queues=queues or [],
        active=active,
        id=id,
    )


def a_contact(
    *, id: int = 100, organisation_id: int = 1, active: bool = True, name: str = "Cleo Contact"
) -> Contact:
    return Contact(
        email=f"contact{id}@customer.example",
        name=name,
        organisation_id=organisation_id,
        created_at=T0,
        active=active,
        id=id,
    )


def a_ticket(
    *,
    id: int = 1,
    organisation_id: int = 1,
    requester_id: int = 100,
    status: Status = Status.NEW,
    tier: Tier = Tier.L1,
    queue: str | None = None,
    assignee_id: int | None = None,
    followers: list[int] | None = None,
) -> Ticket:
    """A stored-looking ticket, already in ``status`` with the timestamps that status implies."""
    ticket = Ticket(
        subject="Phones drop calls after 30 seconds",
        requester_id=requester_id,
        organisation_id=organisation_id,
        created_at=T0,
        updated_at=T0,
        status=status,
        tier=tier,
        queue=queue,
        assignee_id=assignee_id,
        followers=list(followers or []),
        number=f"TD-{id + 1000}",
        id=id,
    )
    if status is Status.SOLVED:
        ticket.solved_at, ticket.resolution = T0, "Firmware 4.2 fixes it."
    if status is Status.CLOSED:
        ticket.closed_at = T0
    return ticket


def a_message(
    kind: MessageKind, by: Actor, when: datetime, *, text: str = "Any news on this?"
) -> Message:
    return Message(
        kind=kind,
        author_kind=str(by.kind),
        author_id=by.id,
        author_name=by.name,
        body_text=text,
        created_at=when,
        channel=Channel.API,
    )


def snapshot(ticket: Ticket) -> dict[str, object]:
    """Everything a refused change must leave as it was."""
    return {
        "status": ticket.status,
        "tier": ticket.tier,
        "priority": ticket.priority,
        "assignee_id": ticket.assignee_id,
        "followers": list(ticket.followers),
        "tags": list(ticket.tags),
        "messages": len(ticket.messages),
        "links": [(lk.kind, lk.target_ticket_id) for lk in ticket.links],
        "resolution": ticket.resolution,
        "first_response_at": ticket.first_response_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "updated_at": ticket.updated_at,
        "events": len(ticket.pending_events),
    }
