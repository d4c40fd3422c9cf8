"""What the services of known issues, defects, incidents and enhancements share: who may
manage them, loading, listing and reading a record with its linked tickets, linking a ticket,
the audit of record changes and public notices on tickets. Each kind describes itself with a
``RecordSpec`` in its own module and keeps there only what differs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from tierdesk.domain.audit import audit_event
from tierdesk.domain.messages import Channel, Message, MessageKind
from tierdesk.domain.people import Actor, Agent, Tier
from tierdesk.domain.record_links import RecordKind, RecordLink, link_ticket, record_reference
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.services import webhooks
from tierdesk.services.access import access_ticket, access_tickets, require_agent
from tierdesk.services.conversation import build_message
from tierdesk.services.desk import Desk


class LinkedRecord(Protocol):
    """What every kind of record has: an id once stored, and a title."""

    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...


R = TypeVar("R", bound=LinkedRecord)


class RecordStore(Protocol[R]):
    """The part of a kind's repository the shared services use (``uow.known_issues``…)."""

    def add(self, record: R, /) -> None: ...
    def get(self, record_id: int, /) -> R | None: ...


@dataclass(frozen=True)
class RecordSpec(Generic[R]):
    """One kind of linked record, as the shared services see it."""

    kind: RecordKind
    store: Callable[[UnitOfWork], RecordStore[R]]
    read: str  # the refusal's action: "customers cannot read known issues"


@dataclass(frozen=True)
class RecordView(Generic[R]):
    """One record as its page and the API show it."""

    record: R
    link_count: int  # every linked ticket
    tickets: list[Ticket]  # the linked tickets the reader may see, in link order


def load_record(uow: UnitOfWork, spec: RecordSpec[R], record_id: int) -> R:
    """The record, or the kind's not-found error (``KI-7 not found``)."""
    record = spec.store(uow).get(record_id)
    if record is None:
        raise not_found(spec.kind, record_id)
    return record


def change_record(uow: UnitOfWork, spec: RecordSpec[R], record_id: int) -> R:
    """The record, held for this transaction's change (``UnitOfWork.hold``): two people
    resolving one incident or shipping one enhancement at once take turns, and the second
    meets the state the first left (refused, or a no-op) instead of telling every customer
    twice."""
    record = load_record(uow, spec, record_id)
    uow.hold(record)
    return record


def add_record(
    uow: UnitOfWork,
    spec: RecordSpec[R],
    record: R,
    action: str,
    actor: Actor,
    at: datetime,
    changes: dict[str, Any],
) -> int:
    """Store a new record and audit its creation (``known-issue.created``); returns its id."""
    spec.store(uow).add(record)
    uow.flush()
    assert record.id is not None
    audit_record(uow, spec.kind, record.id, action, actor, at, changes)
    return record.id


def list_records(
    desk: Desk, actor: Actor, spec: RecordSpec[R], find: Callable[[UnitOfWork], list[R]]
) -> list[tuple[R, int]]:
    """The records ``find`` picks, each with how many tickets are linked to it."""
    require_agent(actor, spec.read)
    with desk.uow() as uow:
        records = find(uow)
        ids = [r.id for r in records if r.id is not None]
        counts = uow.record_links.counts(spec.kind, ids)
    return [(record, counts.get(record.id or 0, 0)) for record in records]


def view_record(uow: UnitOfWork, actor: Actor, spec: RecordSpec[R], record: R) -> RecordView[R]:
    assert record.id is not None
    count = len(uow.record_links.of_record(spec.kind, record.id))
    return RecordView(record, count, linked_tickets(uow, actor, spec.kind, record.id))


def get_record(desk: Desk, actor: Actor, spec: RecordSpec[R], record_id: int) -> RecordView[R]:
    require_agent(actor, spec.read)
    with desk.uow() as uow:
        return view_record(uow, actor, spec, load_record(uow, spec, record_id))


def require_level(actor: Actor, lowest: Tier, action: str) -> None:
    """Agents working ``lowest`` or a higher level (and leads, admins, the desk) may."""
    agent = require_agent(actor, action)
    if not isinstance(agent, Agent) or agent.is_lead:
        return
    top = agent.highest_tier
    if top is None or top < lowest:
        raise PermissionDeniedError(
            f"only {lowest.label} and above (or leads) can {action}", action=action
        )


def audit_record(
    uow: UnitOfWork,
    kind: RecordKind,
    record_id: int | None,
    action: str,
    actor: Actor,
    at: datetime,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """A change to the record itself, on the audit trail under its kind and id (and, for an
    incident's update, to the webhooks subscribed to it)."""
    event = audit_event(
        str(kind),
        f"{kind}.{action}",
        actor,
        at,
        subject_id=record_id,
        changes={"record": record_reference(kind, record_id), **(changes or {})},
        reason=reason,
    )
    uow.audit.add(event)
    webhooks.queue_record_event(uow, event)


def product_id_for(uow: UnitOfWork, product: str | None) -> int | None:
    if product is None or not product.strip():
        return None
    found = uow.products.get_by_key(product.strip())
    if found is None:
        raise InvalidInputError(f"unknown product {product!r}", field="product")
    return found.id


def customer_version(uow: UnitOfWork, ticket: Ticket) -> str | None:
    """The version the customer runs: the ticket's catalogue version, else an
    ``installed_version`` custom field (what mail intake or the portal recorded)."""
    if ticket.product_id is not None and ticket.version_id is not None:
        product = uow.products.get(ticket.product_id)
        if product is not None:
            for version in product.versions:
                if version.id == ticket.version_id:
                    return version.name
    installed = ticket.custom_fields.get("installed_version")
    return str(installed) if installed else None


def post_public_notice(
    desk: Desk,
    uow: UnitOfWork,
    actor: Actor,
    ticket: Ticket,
    text: str,
    at: datetime,
    *,
    channel: Channel = Channel.API,
) -> Message | None:
    """One public reply on ``ticket`` (mailed to the customer by the outbox handler). Closed
    tickets are final and get nothing. ``channel`` is where the sender acted (the workspace
    says web, the CLI cli), not how the ticket came in."""
    if ticket.status is Status.CLOSED:
        return None
    message = build_message(
        desk,
        actor,
        MessageKind.PUBLIC_REPLY,
        text=text,
        html=None,
        channel=channel,
        attachments=[],
        at=at,
    )
    ticket.add_message(message, actor)
    return message


def link_to_record(
    uow: UnitOfWork,
    desk: Desk,
    actor: Actor,
    kind: RecordKind,
    record_id: int,
    title: str,
    reference: int | str,
    at: datetime,
    existing: list[RecordLink] | None = None,
) -> tuple[Ticket, RecordLink]:
    """Link one ticket (through the one door) to a record; audited on the ticket. Linking
    many at once passes the record's ``existing`` links, kept up to date here, instead of
    reading them again for every ticket."""
    ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
    if existing is None:
        existing = uow.record_links.of_record(kind, record_id)
    link = link_ticket(kind, record_id, title, ticket, existing, actor, at)
    uow.record_links.add(link)
    existing.append(link)
    return ticket, link


def linked_tickets(uow: UnitOfWork, actor: Actor, kind: RecordKind, record_id: int) -> list[Ticket]:
    """The record's tickets that ``actor`` may see, in link order."""
    linked = [link.ticket_id for link in uow.record_links.of_record(kind, record_id)]
    return access_tickets(uow, actor, linked)


def not_found(kind: RecordKind, record_id: int) -> NotFoundError:
    reference = record_reference(kind, record_id)
    return NotFoundError(f"{reference} not found", record=reference)
