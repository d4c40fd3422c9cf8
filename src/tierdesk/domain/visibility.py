"""Who may see which ticket. One rule, used both to check one ticket and to filter lists.

- A customer contact sees the tickets of their own organisation, and only public messages.
- A lead or admin sees every ticket.
- An agent sees tickets at or below the highest level they work (a level-3 engineer can look at
  level-1 work), tickets in their queues, and tickets assigned to or followed by them (so the
  engineer who escalated a ticket can still follow it).
- Attachments marked restricted (customer-system diagnostics) are for the levels that may read
  them; a customer sees only the restricted files they uploaded themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.people import Actor, ActorKind, Agent, Contact, SystemActor
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
