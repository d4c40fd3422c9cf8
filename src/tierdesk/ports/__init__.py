"""The small interfaces the services need from the outside world. Adapters implement them;
``bootstrap`` wires them; tests use the real ones (fakes only for what lies off this machine)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.knowledge import (
    DocumentKind,
    IndexState,
    KnowledgeArticle,
    Passage,
    ScoredDocument,
    SearchDocument,
    SearchFilter,
)
from tierdesk.domain.tickets import Ticket
from tierdesk.ports.access_notes import AccessNoteRepository as AccessNoteRepository
from tierdesk.ports.advisories import AdvisoryRepository as AdvisoryRepository
from tierdesk.ports.answers import AnswerRepository as AnswerRepository
from tierdesk.ports.articles import ArticleRepository as ArticleRepository

# Storage Protocols live one noun per module (ports/<noun>.py, named like the noun's module in
# domain/, services/ and adapters/db/); imported here for the unit of work and re-exported.
from tierdesk.ports.audit import AuditLog as AuditLog
from tierdesk.ports.calendars import CalendarRepository as CalendarRepository
from tierdesk.ports.catalog import ProductRepository as ProductRepository
from tierdesk.ports.clarify import ClarifyingQuestionRepository as ClarifyingQuestionRepository
from tierdesk.ports.csat import CsatRepository as CsatRepository
from tierdesk.ports.deadlines import DeadlineRepository as DeadlineRepository
from tierdesk.ports.defects import DefectRepository as DefectRepository
from tierdesk.ports.defects import IssueTracker as IssueTracker
from tierdesk.ports.deflection import DeflectionRepository as DeflectionRepository
from tierdesk.ports.enhancements import EnhancementRepository as EnhancementRepository
from tierdesk.ports.exports import DeskRows as DeskRows
from tierdesk.ports.facts import FactRepository as FactRepository
from tierdesk.ports.handoff import PacketRepository as PacketRepository
from tierdesk.ports.idempotency import IdempotencyKeyRepository as IdempotencyKeyRepository
from tierdesk.ports.imports import ImportRecordRepository as ImportRecordRepository
from tierdesk.ports.incidents import IncidentRepository as IncidentRepository
from tierdesk.ports.installed_base import InstalledBaseRepository as InstalledBaseRepository
from tierdesk.ports.jobs import JobQueue as JobQueue
from tierdesk.ports.knowledge_gaps import KnowledgeGapRepository as KnowledgeGapRepository
from tierdesk.ports.known_issues import KnownIssueRepository as KnownIssueRepository
from tierdesk.ports.l3_outcomes import OutcomeRepository as OutcomeRepository
from tierdesk.ports.levels import LevelRepository as LevelRepository
from tierdesk.ports.live import LiveFeed as LiveFeed
from tierdesk.ports.live import PresenceRepository as PresenceRepository
from tierdesk.ports.macros import MacroRepository as MacroRepository
from tierdesk.ports.mail import EmailReader as EmailReader
from tierdesk.ports.mail import MailboxReader as MailboxReader
from tierdesk.ports.mail import MailRepository as MailRepository
from tierdesk.ports.mail import MailTransport as MailTransport
from tierdesk.ports.mail_outbox import MailOutboxRepository as MailOutboxRepository
from tierdesk.ports.mail_threading import MailThreadRepository as MailThreadRepository
from tierdesk.ports.metrics import MetricsSource as MetricsSource
from tierdesk.ports.notifications import NotificationRepository as NotificationRepository
from tierdesk.ports.operations import OperationsReadings as OperationsReadings
from tierdesk.ports.outages import OutageRepository as OutageRepository
from tierdesk.ports.people import AgentRepository as AgentRepository
from tierdesk.ports.people import ContactRepository as ContactRepository
from tierdesk.ports.people import OrganisationRepository as OrganisationRepository
from tierdesk.ports.queues import QueueRepository as QueueRepository
from tierdesk.ports.record_links import RecordLinkRepository as RecordLinkRepository
from tierdesk.ports.reference_versions import ReferenceVersions as ReferenceVersions
from tierdesk.ports.regions import HandoverRepository as HandoverRepository
from tierdesk.ports.regions import RegionRepository as RegionRepository
from tierdesk.ports.reports import ReportSource as ReportSource
from tierdesk.ports.rmas import RmaRepository as RmaRepository
from tierdesk.ports.routing import CatalogNames as CatalogNames
from tierdesk.ports.routing import RoutingRepository as RoutingRepository
from tierdesk.ports.rules import RuleFiring as RuleFiring
from tierdesk.ports.rules import RuleRepository as RuleRepository
from tierdesk.ports.saved_views import SavedViewRepository as SavedViewRepository
from tierdesk.ports.side_conversations import (
    SideConversationRepository as SideConversationRepository,
)
from tierdesk.ports.sign_in_limits import SignInFailureRepository as SignInFailureRepository
from tierdesk.ports.sla import SlaRepository as SlaRepository
from tierdesk.ports.tickets import TicketFilter as TicketFilter
from tierdesk.ports.tickets import TicketKeyset as TicketKeyset
from tierdesk.ports.tickets import TicketRepository as TicketRepository
from tierdesk.ports.tickets import TicketSort as TicketSort
from tierdesk.ports.time_entries import TimeEntryRepository as TimeEntryRepository
from tierdesk.ports.tokens import StoredToken as StoredToken
from tierdesk.ports.tokens import TokenRepository as TokenRepository
from tierdesk.ports.triage import TriageRepository as TriageRepository
from tierdesk.ports.web_sessions import MagicLinkRepository as MagicLinkRepository
from tierdesk.ports.web_sessions import SessionRepository as SessionRepository
from tierdesk.ports.webhooks import WebhookRepository as WebhookRepository


class Clock(Protocol):
    def now(self) -> datetime: ...


class SearchStore(Protocol):
    """Search documents, their passages with vectors, and the text index (``adapters/search``)."""

    def fingerprints(self, keys: Sequence[str]) -> dict[str, str]: ...
    def stored_vectors(self, keys: Sequence[str], model: str) -> dict[str, bytes]: ...
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
        self,
        uow: UnitOfWork,
        documents: Sequence[SearchDocument],
        force: bool = False,
        embedded: Mapping[str, bytes] | None = None,
    ) -> int:
        """Store documents whose text (or the model) changed, embedding their passages;
        ``force`` embeds all of them. ``embedded``: passages' vectors made beforehand
        (``embed_passages``), by text. Returns how many were stored."""
        ...

    def embed_passages(self, documents: Sequence[SearchDocument]) -> dict[str, bytes]:
        """The documents' passages' vectors by text, for a later ``store``: made before the
        transaction that stores them, which would hold SQLite's writer for as long."""
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
    reference_versions: ReferenceVersions  # ports/reference_versions.py
    packets: PacketRepository
    queues: QueueRepository
    routing: RoutingRepository
    rules: RuleRepository

    mail: MailRepository
    mail_threads: MailThreadRepository
    mail_outbox: MailOutboxRepository
    calendars: CalendarRepository
    sla: SlaRepository
    deadlines: DeadlineRepository
    notifications: NotificationRepository
    live_feed: LiveFeed  # ports/live.py: what changed after a mark (live updates)
    presence: PresenceRepository  # who is viewing or typing on a ticket
    jobs: JobQueue
    search: SearchStore
    knowledge: KnowledgeRepository
    saved_views: SavedViewRepository
    macros: MacroRepository
    csat: CsatRepository
    deflections: DeflectionRepository
    knowledge_gaps: KnowledgeGapRepository  # unanswered questions, suggestions shown
    answers: AnswerRepository  # ports/answers.py: automatic answers (issue 17)
    webhooks: WebhookRepository  # ports/webhooks.py: outbound webhooks and their deliveries
    articles: ArticleRepository  # ports/articles.py: authored articles, versions, feedback
    idempotency_keys: IdempotencyKeyRepository
    imports: ImportRecordRepository
    desk_rows: DeskRows  # ports/exports.py: the records as an export's files hold them
    web_sessions: SessionRepository  # signed-in browsers
    magic_links: MagicLinkRepository
    sign_in_failures: SignInFailureRepository  # what the sign-in limits count
    facts: FactRepository
    clarifying_questions: ClarifyingQuestionRepository
    triage: TriageRepository
    outages: OutageRepository
    known_issues: KnownIssueRepository  # ports/known_issues.py
    defects: DefectRepository  # ports/defects.py
    incidents: IncidentRepository  # ports/incidents.py: incidents and their updates
    enhancements: EnhancementRepository  # ports/enhancements.py: requests and their votes
    installed_base: InstalledBaseRepository  # ports/installed_base.py: sites, items, entitlements
    regions: RegionRepository  # ports/regions.py: follow-the-sun regions and their engineers
    handovers: HandoverRepository  # ports/regions.py: shift-end hand-overs between regions
    access_notes: AccessNoteRepository  # ports/access_notes.py: ways into customers' systems
    advisories: AdvisoryRepository  # ports/advisories.py: upgrade advisories per organisation
    rmas: RmaRepository  # ports/rmas.py: hardware replacements
    record_links: RecordLinkRepository  # ports/record_links.py: tickets linked to those records
    side_conversations: SideConversationRepository  # ports/side_conversations.py
    l3_outcomes: OutcomeRepository  # ports/l3_outcomes.py
    time_entries: TimeEntryRepository  # ports/time_entries.py: time agents logged
    metrics: MetricsSource  # ports/metrics.py: what the escalation metrics read
    reports: ReportSource  # ports/reports.py: grouped counts for the trend reports
    operations: OperationsReadings  # ports/operations.py: what /metrics and readiness read

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def hold(self, thing: object) -> None:
        """Keep everyone else from changing ``thing`` (a ticket, a record this transaction
        loaded) until this unit of work ends, and read it again as it is stored now. Called
        before a change, so two people making it at the same moment take turns: the second
        reads what the first made (an incident already resolved, a reply already on the
        ticket) instead of both writing over the state they read first. A ``thing`` removed
        meanwhile raises ``NotFoundError``, as it would a moment later."""
        ...

    def flush(self) -> None:
        """Send pending changes so new rows get their ids; still one transaction."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class Dispatcher(Protocol):
    """Called by the unit of work before it commits, with the ticket events just stored, so
    that handlers (routing, SLA clocks, rules…) act in the same transaction: once per round
    (what handlers change raises the next round's events), then ``settle`` once with every
    ticket the transaction raised events on and all of its events (the search index: once per
    transaction, not once per round)."""

    def __call__(self, uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None: ...

    def read_ahead(self, uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None:
        """Before the events are stored (the transaction may not have written yet), read the
        configuration their handlers will read, into the transaction's memos."""
        ...

    def settle(self, uow: UnitOfWork, tickets: list[tuple[Ticket, list[AuditEvent]]]) -> None: ...


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
