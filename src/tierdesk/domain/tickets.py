"""The ticket and the rules of its life: status, priority, assignment, links. Its moves between
support levels are functions of ``ticket_levels.py`` (kept apart for size; they record on the
ticket through the same ``_record``).

Every state-changing method checks that the change makes sense, applies it and appends an
:class:`AuditEvent` to ``pending_events``; the unit of work stores those when it commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.handoff import PacketStatus
from tierdesk.domain.messages import Channel, Message, MessageKind, require_text
from tierdesk.domain.people import Actor, ActorKind, Agent, Tier
from tierdesk.domain.ticket_values import (
    ALLOWED_STATUS_CHANGES,
    LinkKind,
    Priority,
    Status,
    TicketType,
)
from tierdesk.errors import InvalidInputError, InvalidTransitionError

# The value types live in ticket_values.py; they are part of this module's interface too.
__all__ = [
    "ALLOWED_STATUS_CHANGES",
    "UPDATABLE_FIELDS",
    "LinkKind",
    "Priority",
    "Status",
    "Ticket",
    "TicketLink",
    "TicketType",
    "format_ticket_number",
    "normalise_tags",
    "parse_ticket_reference",
]


@dataclass(eq=False)
class TicketLink:
    kind: LinkKind
    target_ticket_id: int
    created_at: datetime
    created_by: str
    source_ticket_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Ticket:
    subject: str
    requester_id: int
    organisation_id: int
    created_at: datetime
    updated_at: datetime
    channel: Channel = Channel.API
    type: TicketType = TicketType.QUESTION
    priority: Priority = Priority.P3
    status: Status = Status.NEW
    tier: Tier = Tier.L0
    product_id: int | None = None
    component_id: int | None = None
    version_id: int | None = None
    queue: str | None = None
    assignee_id: int | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    followers: list[int] = field(default_factory=list)
    # Addresses on the customer's side copied on public replies (ticket_people.set_ccs).
    ccs: list[str] = field(default_factory=list)
    resolution: str | None = None  # for colleagues: root cause, what was done
    # For the customer: what the portal and customer-facing suggestions show of the solution
    # (None on tickets solved before it existed: customers then see the thread, nothing more).
    public_answer: str | None = None
    # The escalation that brought it to its level, in its packet's terms (ticket_levels.py):
    # awaiting acceptance, then accepted; None when it came otherwise (or was bounced back).
    escalation_state: PacketStatus | None = None
    first_response_at: datetime | None = None
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    number: str | None = None
    messages: list[Message] = field(default_factory=list)
    links: list[TicketLink] = field(default_factory=list)
    id: int | None = None
    pending_events: list[AuditEvent] = field(default_factory=list, repr=False)

    # -- recording ---------------------------------------------------------------------------

    def _record(
        self,
        action: str,
        by: Actor,
        at: datetime,
        *,
        changes: dict[str, Any] | None = None,
        reason: str | None = None,
        public: bool = False,
    ) -> None:
        self.updated_at = at
        event = audit_event("ticket", action, by, at, changes=changes, reason=reason, public=public)
        self.pending_events.append(event)

    def record_opened(self, by: Actor) -> None:
        self._record(
            "ticket.opened",
            by,
            self.created_at,
            changes={
                "subject": self.subject,
                "type": str(self.type),
                "priority": str(self.priority),
                "tier": int(self.tier),
                "channel": str(self.channel),
            },
            public=True,
        )

    def _require_active(self, action: str) -> None:
        if self.status is Status.CLOSED:
            raise InvalidTransitionError(
                f"ticket {self.number} is closed; open a follow-up ticket instead",
                ticket=self.number,
                action=action,
                status=str(self.status),
            )

    # -- conversation ------------------------------------------------------------------------

    def require_open_for_messages(self) -> None:
        """Refuse before a message is built: its attachments are stored as it is built, and
        a closed ticket's refusal came after that (the files stayed, named by no row)."""
        self._require_active("add_message")

    def add_message(self, message: Message, by: Actor) -> None:
        """Append a message; a customer writing wakes the ticket, a first public reply counts
        as the first response."""
        self._require_active("add_message")
        if by.kind is ActorKind.CONTACT and message.kind is not MessageKind.CUSTOMER:
            raise InvalidInputError("customers can only add customer messages", field="kind")
        self.messages = [*self.messages, message]
        self._record(
            "message.added",
            by,
            message.created_at,
            changes={"kind": str(message.kind), "excerpt": message.body_text[:160]},
            public=message.is_public,
        )
        at = message.created_at
        if message.kind is MessageKind.CUSTOMER:
            if self.status is Status.SOLVED:
                self._move_status(Status.OPEN, by, at, reason="customer replied to a solved ticket")
                self.solved_at = None
            elif self.status is Status.PENDING_CUSTOMER:
                self._move_status(Status.OPEN, by, at, reason="customer replied")
        elif message.kind is MessageKind.PUBLIC_REPLY:
            if self.first_response_at is None:
                self.first_response_at = at
            if self.status is Status.NEW:
                self._move_status(Status.OPEN, by, at, reason="first reply")

    # -- status ------------------------------------------------------------------------------

    def _move_status(self, new: Status, by: Actor, at: datetime, reason: str | None) -> None:
        old = self.status
        if new is old:
            raise InvalidTransitionError(
                f"ticket {self.number} is already {old}", ticket=self.number, status=str(old)
            )
        if new not in ALLOWED_STATUS_CHANGES[old]:
            raise InvalidTransitionError(
                f"ticket {self.number} cannot go from {old} to {new}",
                ticket=self.number,
                status=str(old),
                requested=str(new),
            )
        self.status = new
        self._record(
            "ticket.status_changed",
            by,
            at,
            changes={"status": [str(old), str(new)]},
            reason=reason,
            public=True,
        )

    def change_status(
        self, new: Status, by: Actor, at: datetime, reason: str | None = None
    ) -> None:
        if new is Status.SOLVED:
            raise InvalidTransitionError("use solve, which records the resolution", action="solve")
        if new is Status.CLOSED:
            self.close(by, at, reason)
            return
        if self.status is Status.SOLVED and new is Status.OPEN:
            self.reopen(by, at, reason or "reopened")
            return
        self._move_status(new, by, at, reason)

    def solve(
        self, resolution: str, by: Actor, at: datetime, public_answer: str | None = None
    ) -> None:
        """``resolution`` is the engineers' text, ``public_answer`` the customer's (blank: the
        customer is told nothing beyond the thread)."""
        self._require_active("solve")
        resolution = require_text(resolution, "resolution", max_length=20_000)
        answer = None
        if public_answer and public_answer.strip():
            answer = require_text(public_answer, "public_answer", max_length=20_000)
        self._move_status(Status.SOLVED, by, at, reason=None)
        self.resolution = resolution
        self.public_answer = answer
        self.solved_at = at
        self.pending_events[-1].changes["resolution"] = resolution
        if answer is not None:
            self.pending_events[-1].changes["public_answer"] = answer

    def close(self, by: Actor, at: datetime, reason: str | None = None) -> None:
        if self.status not in (Status.SOLVED, Status.NEW):
            # A ticket is closed after it was solved; a brand-new one may be closed as spam.
            raise InvalidTransitionError(
                f"ticket {self.number} must be solved before it is closed",
                ticket=self.number,
                status=str(self.status),
            )
        self._move_status(Status.CLOSED, by, at, reason)
        self.closed_at = at

    def reopen(self, by: Actor, at: datetime, reason: str) -> None:
        if self.status is not Status.SOLVED:
            raise InvalidTransitionError(
                f"only a solved ticket can be reopened; {self.number} is {self.status}",
                ticket=self.number,
                status=str(self.status),
            )
        self._move_status(Status.OPEN, by, at, reason=require_text(reason, "reason"))
        self.solved_at = None

    # -- priority, fields, assignment -------------------------------------------------------

    def change_priority(self, new: Priority, by: Actor, at: datetime, reason: str | None) -> None:
        self._require_active("change_priority")
        if new is self.priority:
            raise InvalidTransitionError(f"ticket {self.number} is already {new}")
        old, self.priority = self.priority, new
        self._record(
            "ticket.priority_changed",
            by,
            at,
            changes={"priority": [str(old), str(new)]},
            reason=reason,
            public=True,
        )

    def update_fields(self, by: Actor, at: datetime, **values: Any) -> None:
        """Change descriptive fields (subject, type, product, queue, tags…) in one audited step."""
        self._require_active("update")
        refuse_null_fields(values)
        changes: dict[str, list[Any]] = {}
        for name, value in values.items():
            if name not in UPDATABLE_FIELDS:
                raise InvalidInputError(f"field {name!r} cannot be changed this way", field=name)
            old = getattr(self, name)
            if old != value:
                setattr(self, name, value)
                changes[name] = [_plain(old), _plain(value)]
        if changes:
            self._record("ticket.updated", by, at, changes=changes)

    def assign(self, agent: Agent | None, by: Actor, at: datetime) -> None:
        self._require_active("assign")
        if agent is not None:
            if not agent.active:
                raise InvalidInputError(f"{agent.name} is not an active agent", field="assignee")
            if not agent.works_tier(self.tier) and not agent.is_lead:
                raise InvalidTransitionError(
                    f"{agent.name} does not work level {self.tier.label}, where "
                    f"{self.number} is now",
                    ticket=self.number,
                    tier=int(self.tier),
                )
        new_id = agent.id if agent else None
        if new_id == self.assignee_id:
            raise InvalidTransitionError(f"ticket {self.number} is already assigned so")
        old, self.assignee_id = self.assignee_id, new_id
        self._record("ticket.assigned", by, at, changes={"assignee_id": [old, new_id]})

    def route_to(
        self,
        queue: str | None,
        tier: Tier | None,
        assignee: Agent | None,
        why: str,
        by: Actor,
        at: datetime,
    ) -> None:
        """Record a routing decision: the queue (and, out of intake, the level) a ticket goes to,
        and who gets it. ``why`` says which rule or which comparison decided."""
        self._require_active("route")
        changes: dict[str, Any] = {}
        if queue != self.queue:
            changes["queue"] = [self.queue, queue]
            self.queue = queue
        if tier is not None and tier != self.tier:
            changes["tier"] = [int(self.tier), int(tier)]
            self.tier = tier
        new_assignee = assignee.id if assignee is not None else self.assignee_id
        if new_assignee != self.assignee_id:
            changes["assignee_id"] = [self.assignee_id, new_assignee]
            self.assignee_id = new_assignee
        self._record("ticket.routed", by, at, changes=changes, reason=require_text(why, "why"))

    def follow(self, agent_id: int) -> None:
        if agent_id not in self.followers:
            self.followers = [*self.followers, agent_id]

    # -- links and merges --------------------------------------------------------------------

    def link_to(self, target: Ticket, kind: LinkKind, by: Actor, at: datetime) -> TicketLink:
        self._require_active("link")
        if target.id is None or self.id is None:
            raise InvalidInputError("both tickets must be stored before they are linked")
        if target.id == self.id:
            raise InvalidTransitionError("a ticket cannot be linked to itself")
        if any(lk.target_ticket_id == target.id and lk.kind is kind for lk in self.links):
            raise InvalidTransitionError(
                f"{self.number} is already {kind} {target.number}", kind=str(kind)
            )
        if kind is LinkKind.MERGED_INTO:
            raise InvalidInputError("use merge to merge tickets", field="kind")
        link = TicketLink(kind=kind, target_ticket_id=target.id, created_at=at, created_by=by.name)
        self.links = [*self.links, link]
        self._record(
            "ticket.linked",
            by,
            at,
            changes={"kind": str(kind), "target": target.number},
        )
        return link

    def merge_into(self, target: Ticket, by: Actor, at: datetime, reason: str | None) -> None:
        """Fold this ticket into ``target``: this one closes with a merged-into link, the target
        records what it absorbed. The thread stays readable on both."""
        if target.id == self.id:
            raise InvalidTransitionError("a ticket cannot be merged into itself")
        self._require_active("merge")
        target._require_active("merge")
        if target.organisation_id != self.organisation_id:
            raise InvalidTransitionError(
                "tickets of different organisations cannot be merged; link them instead",
            )
        if target.id is None:
            raise InvalidInputError("the target ticket must be stored")
        self.links = [
            *self.links,
            TicketLink(
                kind=LinkKind.MERGED_INTO,
                target_ticket_id=target.id,
                created_at=at,
                created_by=by.name,
            ),
        ]
        old = self.status
        self.status, self.closed_at = Status.CLOSED, at
        self._record(
            "ticket.merged_into",
            by,
            at,
            changes={"target": target.number, "status": [str(old), str(Status.CLOSED)]},
            reason=reason,
            public=True,
        )
        target._record(
            "ticket.merged_from",
            by,
            at,
            changes={"source": self.number, "messages": len(self.messages)},
            reason=reason,
            public=True,
        )


UPDATABLE_FIELDS = frozenset(
    {
        "subject",
        "type",
        "product_id",
        "component_id",
        "version_id",
        "queue",
        "tags",
        "custom_fields",
        "language",
    }
)
# Fields a ticket always has a value for: sent as null, they are refused, not stored as nothing
# (a list of tickets would then fail to read it back).
NEVER_EMPTY_FIELDS = ("subject", "type", "tags", "custom_fields")


def refuse_null_fields(values: Mapping[str, Any]) -> None:
    for name in NEVER_EMPTY_FIELDS:
        if name in values and values[name] is None:
            raise InvalidInputError(f"{name} cannot be null: leave it out to keep it", field=name)


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a field value for the audit trail."""
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def format_ticket_number(prefix: str, ticket_id: int) -> str:
    """Human numbers start at 1001 so that the first ticket does not look like a test."""
    return f"{prefix}-{ticket_id + 1000}"


def _ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts "²" and "١٢"; int() refuses the first and reads the second.
    return text.isascii() and text.isdigit()


def parse_ticket_reference(reference: str, prefix: str) -> int | str:
    """``"42"`` is an id; ``"TD-1042"`` (any case) is a number. Returns the id or the number."""
    text = reference.strip()
    if _ascii_digits(text):
        return int(text)
    upper = text.upper()
    head, _, tail = upper.partition("-")
    if head == prefix.upper() and _ascii_digits(tail):
        return upper
    shown = text if len(text) <= 40 else f"{text[:40]}…"  # a pasted page is not echoed whole
    raise InvalidInputError(f"{shown!r} is neither a ticket id nor a number like {prefix}-1042")


def normalise_tags(tags: list[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        tag = tag.strip().lower().replace(" ", "-")
        if not tag:
            continue
        if len(tag) > 64:
            raise InvalidInputError(f"tag {tag[:20]!r}… is longer than 64 characters", field="tags")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned
