"""The small interfaces the services need from the outside world. Adapters implement them;
``bootstrap`` wires them; tests use the real ones (fakes only for what lies off this machine)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.audit_query import AuditQuery
from tierdesk.domain.calendars import BusinessCalendar
from tierdesk.domain.catalog import Product
from tierdesk.domain.handoff import HandoffPacket
from tierdesk.domain.jobs import ClaimedJob, Job, JobStatus
from tierdesk.domain.knowledge import (
    DocumentKind,
    IndexState,
    KnowledgeArticle,
    Passage,
    ScoredDocument,
    SearchDocument,
    SearchFilter,
)
from tierdesk.domain.levels import Level
from tierdesk.domain.notifications import Notification
from tierdesk.domain.people import Agent, Contact, Organisation, SupportPlan, Tier
from tierdesk.domain.routing import Queue, RoutingRule
from tierdesk.domain.rules import AutomationRule, Prefilter, Trigger
from tierdesk.domain.sla import Deadline, LevelTarget, SlaPolicy
from tierdesk.domain.tickets import Priority, Ticket
from tierdesk.domain.visibility import Scope

# The interfaces of the modules beside this one (one per noun: defects.py, mail.py…), imported
# here for the unit of work and re-exported.
from tierdesk.ports.defects import DefectRepository as DefectRepository
from tierdesk.ports.defects import IssueTracker as IssueTracker
from tierdesk.ports.enhancements import EnhancementRepository as EnhancementRepository
from tierdesk.ports.incidents import IncidentRepository as IncidentRepository
from tierdesk.ports.known_issues import KnownIssueRepository as KnownIssueRepository
from tierdesk.ports.l3_outcomes import OutcomeRepository as OutcomeRepository
from tierdesk.ports.mail import EmailReader as EmailReader
from tierdesk.ports.mail import MailboxReader as MailboxReader
from tierdesk.ports.mail import MailRepository as MailRepository
from tierdesk.ports.mail import MailTransport as MailTransport
from tierdesk.ports.metrics import MetricsSource as MetricsSource
from tierdesk.ports.record_links import RecordLinkRepository as RecordLinkRepository
from tierdesk.ports.understanding import UnderstandingRepository as UnderstandingRepository
from tierdesk.ports.web import SessionRepository as SessionRepository
from tierdesk.ports.web import SignInFailureRepository as SignInFailureRepository
from tierdesk.ports.web import WebRepository as WebRepository


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
    def get_many(self, ticket_ids: Collection[int]) -> list[Ticket]:
        """These tickets, in no particular order, in one query; missing ones left out."""
        ...

    def page(
        self, scope: Scope, filters: TicketFilter, limit: int, before_id: int | None
    ) -> list[Ticket]: ...
    def count(self, scope: Scope, filters: TicketFilter) -> int: ...
    def linked_to(self, ticket_id: int) -> list[Ticket]: ...
    def visible_ids(self, scope: Scope, ticket_ids: Collection[int]) -> set[int]: ...


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
    def search(self, query: AuditQuery) -> list[AuditEvent]:
        """Events matching ``query``, newest first: up to one more than ``query.limit``, so
        the caller knows whether another page follows."""
        ...

    def subject_types(self) -> list[str]: ...


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


class LevelRepository(Protocol):
    def all(self) -> list[Level]: ...
    def get(self, tier: Tier) -> Level | None: ...


class PacketRepository(Protocol):
    def add(self, packet: HandoffPacket) -> None: ...
    def for_ticket(self, ticket_id: int) -> list[HandoffPacket]: ...
    def latest(self, ticket_id: int) -> HandoffPacket | None: ...
    def next_sequence(self, ticket_id: int) -> int: ...


@dataclass(frozen=True)
class CatalogNames:
    """What routing and rules need to know of a ticket's product, component and plan."""

    product_key: str | None = None
    product_name: str | None = None
    component_name: str | None = None
    plan_key: str | None = None


class RoutingRepository(Protocol):
    """Queues, routing rules, and what assignment needs to know about agents."""

    def add_queue(self, queue: Queue, at: datetime) -> None: ...
    def queue(self, key: str) -> Queue | None: ...
    def queue_for_assignment(self, key: str) -> Queue | None:
        """The queue, locked until commit where the engine can, so that concurrent
        assignments into one queue see each other's choices."""
        ...

    def queues(self) -> list[Queue]: ...
    def update_queue(self, queue: Queue) -> None: ...
    def members(self, queue_key: str) -> list[Agent]: ...
    def catalog_names(
        self, organisation_id: int, product_id: int | None, component_id: int | None
    ) -> CatalogNames:
        """One light read instead of loading the product with all its versions."""
        ...

    def add_rule(self, rule: RoutingRule, at: datetime) -> None: ...
    def rule(self, rule_id: int) -> RoutingRule | None: ...
    def rules(self) -> list[RoutingRule]: ...
    def update_rule(self, rule: RoutingRule, at: datetime) -> None: ...
    def delete_rule(self, rule_id: int) -> None: ...
    def open_tickets(self, agent_ids: Sequence[int]) -> dict[int, int]: ...
    def last_assigned(self, agent_ids: Sequence[int]) -> dict[int, datetime]: ...
    def mark_assigned(self, agent_id: int, at: datetime) -> None: ...


@dataclass(frozen=True)
class RuleFiring:
    rule_id: int
    ticket_id: int
    trigger_key: str
    fired_at: datetime
    closed_at: datetime | None


class RuleRepository(Protocol):
    """Automation rules and their firings (the record that makes "at most once" hold)."""

    def add(self, rule: AutomationRule) -> None: ...
    def get(self, rule_id: int) -> AutomationRule | None: ...
    def get_by_name(self, name: str) -> AutomationRule | None: ...
    def all(
        self, trigger: Trigger | None = None, enabled_only: bool = False
    ) -> list[AutomationRule]: ...
    def update(self, rule: AutomationRule) -> None: ...
    def claim(self, rule_id: int, ticket_id: int, trigger_key: str, at: datetime) -> bool:
        """Record a firing; False (and nothing stored) when that key was claimed already."""
        ...

    def unclaim(self, rule_id: int, ticket_id: int, trigger_key: str) -> None:
        """Forget a claim whose firing turned out to have nothing to do."""
        ...

    def episodes(self, rule_id: int, ticket_id: int) -> tuple[int, bool]:
        """How many episodes a time rule has had on a ticket, and whether one is open."""
        ...

    def close_episodes(self, rule_id: int, ticket_id: int, at: datetime) -> None: ...
    def tickets_with_open_episodes(self, rule_id: int) -> list[int]: ...
    def rules_with_open_episodes(self, ticket_id: int) -> list[int]: ...
    def candidate_tickets(self, where: Prefilter, after_id: int, limit: int) -> list[int]:
        """Ids of tickets that are not closed and pass ``where``, ascending, after ``after_id``."""
        ...

    def status_since(self, ticket_id: int) -> datetime | None:
        """When the ticket last changed status (None: never since it was opened)."""
        ...

    def firings(self, rule_id: int, limit: int) -> list[RuleFiring]: ...


class SlaRepository(Protocol):
    """Business calendars, SLA policies (priority x plan) and per-level targets."""

    def calendars(self) -> list[BusinessCalendar]: ...
    def calendar(self, calendar_id: int) -> BusinessCalendar | None: ...
    def calendar_by_name(self, name: str) -> BusinessCalendar | None: ...
    def add_calendar(self, calendar: BusinessCalendar) -> BusinessCalendar:
        """Store a new calendar; returns it with its id."""
        ...

    def update_calendar(self, calendar: BusinessCalendar) -> None: ...
    def policies(self) -> list[SlaPolicy]: ...
    def policy(self, policy_id: int) -> SlaPolicy | None: ...
    def policy_for(self, priority: Priority, plan_id: int) -> SlaPolicy | None: ...
    def add_policy(self, policy: SlaPolicy) -> None: ...
    def update_policy(self, policy: SlaPolicy) -> None: ...
    def level_targets(self) -> list[LevelTarget]: ...
    def level_target(self, tier: Tier) -> LevelTarget | None: ...
    def save_level_target(self, target: LevelTarget) -> None: ...


class DeadlineRepository(Protocol):
    """Every SLA clock of every ticket."""

    def add(self, deadline: Deadline) -> None: ...
    def save(self, deadline: Deadline) -> None:
        """Store a clock's changes, except ``warned_at``/``breached_at``: only the
        ``mark_*`` calls set those, so a stale copy can never undo a firing."""
        ...

    def get(self, deadline_id: int) -> Deadline | None: ...
    def for_ticket(self, ticket_id: int) -> list[Deadline]: ...
    def running_for_tickets(self, ticket_ids: Sequence[int]) -> dict[int, list[Deadline]]:
        """The running clocks of many tickets in one query (the workspace's queue)."""
        ...

    def running_on_calendar(self, calendar_id: int) -> list[Deadline]: ...
    def to_warn(self, now: datetime, limit: int, since: datetime | None = None) -> list[Deadline]:
        """Running clocks whose warning time has come and that still need it: due after
        ``since`` (default ``now``), so a sweep that looks back to the last one also warns of
        clocks that ran out in between (before their breach fires)."""
        ...

    def to_breach(self, now: datetime, limit: int) -> list[Deadline]: ...
    def mark_warned(self, deadline_id: int, at: datetime) -> bool:
        """Set ``warned_at`` if the clock still needs its warning; False when another sweep
        did it first or the clock ended meanwhile."""
        ...

    def mark_breached(self, deadline_id: int, at: datetime) -> bool: ...


class NotificationRepository(Protocol):
    def add(self, notification: Notification) -> None: ...
    def for_agent(self, agent_id: int, *, unread_only: bool, limit: int) -> list[Notification]: ...
    def mark_read(self, agent_id: int, ids: Sequence[int] | None, at: datetime) -> int: ...


class JobQueue(Protocol):
    """The job outbox. ``enqueue`` writes in the caller's transaction."""

    def enqueue(
        self,
        name: str,
        payload: dict[str, Any],
        *,
        at: datetime,
        run_at: datetime,
        key: str | None,
        max_attempts: int,
    ) -> int | None:
        """The new job's id; None when a job with this key exists already."""
        ...

    def claim_next(
        self, worker: str, now: datetime, leases: Mapping[str, timedelta]
    ) -> ClaimedJob | None:
        """Lease the next due job whose name is in ``leases`` (for that long), or one whose
        worker's lease ran out; records the attempt."""
        ...

    def finish(self, claimed: ClaimedJob, worker: str, at: datetime) -> bool: ...
    def retry(
        self, claimed: ClaimedJob, worker: str, error: str, at: datetime, run_at: datetime
    ) -> bool: ...
    def fail(self, claimed: ClaimedJob, worker: str, error: str, at: datetime) -> bool: ...
    def get(self, job_id: int) -> Job | None: ...
    def by_key(self, key: str) -> Job | None: ...
    def recent(self, statuses: Sequence[JobStatus], limit: int) -> list[Job]: ...
    def last_done_run_at(self, name: str) -> datetime | None:
        """When the newest job of task ``name`` that finished ``done`` was due (its slot, for a
        periodic job): the run covered everything up to at least then."""
        ...

    def prune(self, finished_before: datetime) -> int: ...


class SearchStore(Protocol):
    """Search documents, their passages with vectors, and the text index (``adapters/search``)."""

    def fingerprints(self, keys: Sequence[str]) -> dict[str, str]: ...
    def put(self, document: SearchDocument, passages: Sequence[Passage], model: str) -> int: ...
    def remove(self, keys: Sequence[str]) -> None: ...
    def remove_article(self, article_id: int) -> None: ...
    def remove_kinds(self, kinds: Sequence[DocumentKind]) -> None: ...
    def update_access(self, document: SearchDocument) -> None: ...
    def count(self, kinds: Sequence[DocumentKind] = ()) -> int: ...
    def document_frequencies(self, terms: Sequence[str]) -> Mapping[str, int]: ...
    def lexical(
        self, terms: Sequence[str], where: SearchFilter, limit: int
    ) -> dict[int, float]: ...
    def nearest(
        self, vectors: Sequence[bytes], model: str, where: SearchFilter, limit: int
    ) -> tuple[dict[int, float], dict[int, int]]: ...
    def passage_scores(
        self, vectors: Sequence[bytes], model: str, doc_ids: Sequence[int]
    ) -> tuple[dict[int, float], dict[int, int]]: ...
    def passage_texts(self, passage_ids: Sequence[int]) -> dict[int, str]: ...
    def documents(self, ids: Sequence[int]) -> dict[int, SearchDocument]: ...
    def of_kinds(self, kinds: Sequence[DocumentKind]) -> list[SearchDocument]: ...


class KnowledgeRepository(Protocol):
    def add(self, article: KnowledgeArticle) -> None: ...
    def get(self, article_id: int) -> KnowledgeArticle | None: ...
    def find(
        self, sha256: str, product: str | None, version: str | None
    ) -> KnowledgeArticle | None: ...
    def all(self, product: str | None = None) -> list[KnowledgeArticle]: ...
    def record_indexing(
        self, article_id: int, state: IndexState, indexed: int, error: str | None = None
    ) -> None:
        """How far the article's sections are in the search index."""
        ...

    def remove(self, article_id: int) -> None: ...


class SearchIndex(Protocol):
    """Hybrid search (``assist/search.py``): embeds what it stores and what it is asked."""

    @property
    def model(self) -> str: ...
    def store(
        self, uow: UnitOfWork, documents: Sequence[SearchDocument], force: bool = False
    ) -> int:
        """Store documents whose text (or the model) changed, embedding their passages;
        ``force`` embeds all of them. Returns how many were embedded."""
        ...

    def search(
        self, uow: UnitOfWork, query: str, where: SearchFilter, limit: int, mode: str | None = None
    ) -> list[ScoredDocument]: ...
    def deferring_vectors(self) -> AbstractContextManager[None]:
        """Within it, documents are stored without vectors (a bulk import rebuilds after)."""
        ...

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first search after a start."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    tickets: TicketRepository
    agents: AgentRepository
    contacts: ContactRepository
    organisations: OrganisationRepository
    products: ProductRepository
    audit: AuditLog
    tokens: TokenRepository
    levels: LevelRepository
    packets: PacketRepository
    routing: RoutingRepository
    rules: RuleRepository

    mail: MailRepository
    sla: SlaRepository
    deadlines: DeadlineRepository
    notifications: NotificationRepository
    jobs: JobQueue
    search: SearchStore
    knowledge: KnowledgeRepository
    web: WebRepository  # ports/web.py: saved views, macros, CSAT, deflections, magic links
    sessions: SessionRepository  # ports/web.py: signed-in browsers
    sign_in_failures: SignInFailureRepository  # ports/web.py: what the sign-in limits count
    known_issues: KnownIssueRepository  # ports/known_issues.py
    defects: DefectRepository  # ports/defects.py
    incidents: IncidentRepository  # ports/incidents.py: incidents and their updates
    enhancements: EnhancementRepository  # ports/enhancements.py: requests and their votes
    record_links: RecordLinkRepository  # ports/record_links.py: tickets linked to those records
    l3_outcomes: OutcomeRepository  # ports/l3_outcomes.py
    metrics: MetricsSource  # ports/metrics.py: what the escalation metrics read
    understanding: UnderstandingRepository  # ports/understanding.py: facts, triage, outages

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
