"""Who may see which ticket. One rule, used both to check one ticket and to filter lists.

- A customer contact sees the tickets of their own organisation, and only public messages.
- A lead or admin sees every ticket.
- An agent sees tickets at or below the highest level they work (a level-3 engineer can look at
  level-1 work), tickets in their queues, and tickets assigned to or followed by them (so the
  engineer who escalated a ticket can still follow it).
- Attachments marked restricted (customer-system diagnostics) are for the levels that may read
  them; a customer sees only the restricted files they uploaded themselves.
- The solution of a solved or closed ticket is desk knowledge: every agent may read it
  (``solution_of``), whatever level solved it, even when the ticket itself is beyond them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.people import Actor, ActorKind, Agent, Contact, SystemActor, Tier
from tierdesk.domain.record_links import RecordKind, RecordLink, record_reference
from tierdesk.domain.tickets import Ticket


@dataclass(frozen=True)
class Scope:
    """The set of tickets an actor may see, in a form storage can turn into a query."""

    everything: bool = False
    organisation_id: int | None = None
    agent_id: int | None = None
    max_tier: int | None = None
    queues: tuple[str, ...] = ()
    nothing: bool = False


def scope_for(actor: Actor) -> Scope:
    if isinstance(actor, SystemActor):
        return Scope(everything=True)
    if isinstance(actor, Contact):
        if not actor.active:
            return Scope(nothing=True)
        return Scope(organisation_id=actor.organisation_id)
    if not actor.active:
        return Scope(nothing=True)
    if actor.is_lead:
        return Scope(everything=True)
    top = actor.highest_tier
    return Scope(
        agent_id=actor.id,
        max_tier=int(top) if top is not None else None,
        queues=tuple(actor.queues),
    )


def can_see(actor: Actor, ticket: Ticket) -> bool:
    scope = scope_for(actor)
    if scope.nothing:
        return False
    if scope.everything:
        return True
    if scope.organisation_id is not None:
        return ticket.organisation_id == scope.organisation_id
    if scope.agent_id is not None and (
        ticket.assignee_id == scope.agent_id or scope.agent_id in ticket.followers
    ):
        return True
    if ticket.queue is not None and ticket.queue in scope.queues:
        return True
    return scope.max_tier is not None and int(ticket.tier) <= scope.max_tier


def may_read_internal(actor: Actor) -> bool:
    """Internal notes and the internal part of the audit trail are for the vendor's people."""
    return isinstance(actor, Agent | SystemActor)


def visible_resolution(actor: Actor, ticket: Ticket) -> str | None:
    """How a ticket was solved is written by engineers for engineers (internal steps, lab
    findings); customers read the public replies, never this field."""
    return ticket.resolution if may_read_internal(actor) else None


def visible_messages(actor: Actor, ticket: Ticket) -> list[Message]:
    if may_read_internal(actor):
        return list(ticket.messages)
    return [m for m in ticket.messages if m.is_public]


def visible_merged_messages(actor: Actor, source: Ticket) -> list[Message]:
    """What a reader of the ticket ``source`` was merged into sees of ``source``'s thread: the
    conversation with the customer (its public messages) for anyone who may read the target,
    its internal notes only for those of the vendor's people who may open ``source`` itself.
    A merge must not widen who reads notes written at a level (say, a level-2 lab note) to
    everyone who may open the surviving ticket."""
    if may_read_internal(actor) and can_see(actor, source):
        return list(source.messages)
    return [m for m in source.messages if m.is_public]


def visible_attachments(actor: Actor, message: Message, restricted_ok: bool) -> list[Attachment]:
    """Diagnostics marked restricted are shown only to those whose level may read them
    (``restricted_ok``) and to the customer who uploaded them: never to a customer when an
    agent attached them, even to a public reply."""
    own_upload = (
        isinstance(actor, Contact)
        and message.author_kind == ActorKind.CONTACT
        and message.author_id == actor.id
    )
    return [a for a in message.attachments if not a.restricted or restricted_ok or own_upload]


# -- a solution: what every agent may read of a solved ticket ---------------------------------

# The records a solution names: what the problem was (a known issue) or what broke (a defect).
SOLUTION_RECORDS = (RecordKind.KNOWN_ISSUE, RecordKind.DEFECT)


@dataclass(frozen=True)
class SolutionView:
    """What an agent may read of a solved or closed ticket, whatever its level: the public
    thread (customer messages and public replies, without attachments), the engineers'
    resolution and the answer the customer was given, the known issues and defects it is
    linked to, and the level that solved it.
    Never its internal notes (written at levels the reader may not work) nor any attachment
    (restricted diagnostics). ``openable`` says whether the reader may open the ticket itself;
    when not, the solution is shown inline and the ticket is not linked."""

    ticket_id: int
    number: str
    subject: str
    status: str
    solved_at: Tier  # the level the ticket was at when it was solved
    thread: tuple[Message, ...]
    resolution: str | None
    public_answer: str | None  # what the customer was told (``Ticket.public_answer``)
    records: tuple[str, ...]  # "KI-3", "DEF-12"
    openable: bool


def solution_of(
    actor: Actor, ticket: Ticket, record_links: Iterable[RecordLink] = ()
) -> SolutionView | None:
    """The solution the actor may read of ``ticket``; None when it is not solved yet, or the
    actor is not one of the vendor's people (a customer reads only their organisation's
    tickets, through ``can_see``, and never the resolution)."""
    if ticket.status.is_active or not isinstance(actor, Agent | SystemActor):
        return None
    if isinstance(actor, Agent) and not actor.active:
        return None
    assert ticket.id is not None
    return SolutionView(
        ticket_id=ticket.id,
        number=ticket.number or str(ticket.id),
        subject=ticket.subject,
        status=str(ticket.status),
        solved_at=ticket.tier,
        thread=tuple(replace(m, attachments=[]) for m in ticket.messages if m.is_public),
        resolution=ticket.resolution,
        public_answer=ticket.public_answer,
        records=tuple(
            record_reference(link.record_kind, link.record_id)
            for link in record_links
            if link.record_kind in SOLUTION_RECORDS
        ),
        openable=can_see(actor, ticket),
    )
