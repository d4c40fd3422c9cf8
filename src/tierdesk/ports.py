"""The small interfaces the services need from the outside world. Adapters implement them;
``bootstrap`` wires them; tests use the real ones (fakes only for what lies off this machine)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.catalog import Product
from tierdesk.domain.people import Agent, Contact, Organisation, SupportPlan
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import Scope


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class TicketFilter:
    status: Sequence[str] = ()
    priority: Sequence[str] = ()
    type: Sequence[str] = ()
    tier: Sequence[int] = ()
    queue: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    organisation_id: int | None = None
    requester_id: int | None = None
    product_id: int | None = None
    tag: str | None = None
    text: str | None = None


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> None: ...
    def get(self, ticket_id: int) -> Ticket | None: ...
    def get_by_number(self, number: str) -> Ticket | None: ...
    def page(
        self, scope: Scope, filters: TicketFilter, limit: int, before_id: int | None
    ) -> list[Ticket]: ...
    def count(self, scope: Scope, filters: TicketFilter) -> int: ...
    def linked_to(self, ticket_id: int) -> list[Ticket]: ...


class AgentRepository(Protocol):
    def add(self, agent: Agent) -> None: ...
    def get(self, agent_id: int) -> Agent | None: ...
    def get_by_email(self, email: str) -> Agent | None: ...
    def all(self) -> list[Agent]: ...


class ContactRepository(Protocol):
    def add(self, contact: Contact) -> None: ...
    def get(self, contact_id: int) -> Contact | None: ...
    def get_by_email(self, email: str) -> Contact | None: ...
    def all(self, organisation_id: int | None = None) -> list[Contact]: ...


class OrganisationRepository(Protocol):
    def add(self, organisation: Organisation) -> None: ...
    def get(self, organisation_id: int) -> Organisation | None: ...
    def get_by_name(self, name: str) -> Organisation | None: ...
    def all(self) -> list[Organisation]: ...
    def plan(self, key: str) -> SupportPlan | None: ...
    def plan_by_id(self, plan_id: int) -> SupportPlan | None: ...
    def plans(self) -> list[SupportPlan]: ...
    def add_plan(self, plan: SupportPlan) -> None: ...


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...
    def get(self, product_id: int) -> Product | None: ...
    def get_by_key(self, key: str) -> Product | None: ...
    def all(self) -> list[Product]: ...


class AuditLog(Protocol):
    def add(self, event: AuditEvent) -> None: ...
    def for_ticket(self, ticket_id: int, *, public_only: bool) -> list[AuditEvent]: ...


@dataclass(frozen=True)
class StoredToken:
    principal_kind: str
    principal_id: int
    token_id: int


class TokenRepository(Protocol):
    def add(
        self, principal_kind: str, principal_id: int, digest: str, label: str, created_at: datetime
    ) -> int: ...
    def find(self, digest: str) -> StoredToken | None: ...
    def touch(self, token_id: int, at: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    tickets: TicketRepository
    agents: AgentRepository
    contacts: ContactRepository
    organisations: OrganisationRepository
    products: ProductRepository
    audit: AuditLog
    tokens: TokenRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def flush(self) -> None:
        """Send pending changes so new rows get their ids; still one transaction."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class Dispatcher(Protocol):
    """Called by the unit of work before it commits, with the ticket events just stored, so
    that handlers (routing, SLA clocks, rules…) act in the same transaction."""

    def __call__(self, uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None: ...


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    size: int
    sha256: str
    content_type: str


class FileStore(Protocol):
    """Where attachment bytes live. Keys are content addresses, so storing twice is harmless."""

    def put(self, data: bytes, declared_type: str | None, filename: str) -> StoredFile: ...
    def open(self, storage_key: str) -> bytes: ...


class HtmlSanitiser(Protocol):
    def __call__(self, html: str) -> str: ...


class HtmlToText(Protocol):
    def __call__(self, html: str) -> str: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
