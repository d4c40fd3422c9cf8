"""The SQL unit of work: one session, one transaction, audit events stored on commit."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from tierdesk.adapters.db.access_notes import SqlAccessNoteRepository
from tierdesk.adapters.db.advisories import SqlAdvisoryRepository
from tierdesk.adapters.db.answers import SqlAnswerRepository
from tierdesk.adapters.db.articles import SqlArticleRepository
from tierdesk.adapters.db.audit import SqlAuditLog
from tierdesk.adapters.db.calendars import SqlCalendarRepository
from tierdesk.adapters.db.catalog import SqlProductRepository
from tierdesk.adapters.db.clarify import SqlClarifyingQuestionRepository
from tierdesk.adapters.db.csat import SqlCsatRepository
from tierdesk.adapters.db.deadlines import SqlDeadlineRepository
from tierdesk.adapters.db.defects import SqlDefectRepository
from tierdesk.adapters.db.deflection import SqlDeflectionRepository
from tierdesk.adapters.db.desk_rows import SqlDeskRows
from tierdesk.adapters.db.enhancements import SqlEnhancementRepository
from tierdesk.adapters.db.facts import SqlFactRepository
from tierdesk.adapters.db.handoff import SqlPacketRepository
from tierdesk.adapters.db.idempotency import SqlIdempotencyKeyRepository
from tierdesk.adapters.db.imports import SqlImportRecordRepository
from tierdesk.adapters.db.incidents import SqlIncidentRepository
from tierdesk.adapters.db.installed_base import SqlInstalledBaseRepository
from tierdesk.adapters.db.jobs import JOBS_ENQUEUED, SqlJobQueue
from tierdesk.adapters.db.knowledge_gaps import SqlKnowledgeGapRepository
from tierdesk.adapters.db.known_issues import SqlKnownIssueRepository
from tierdesk.adapters.db.l3_outcomes import SqlOutcomeRepository
from tierdesk.adapters.db.levels import SqlLevelRepository
from tierdesk.adapters.db.live import SqlLiveFeed, SqlPresenceRepository
from tierdesk.adapters.db.macros import SqlMacroRepository
from tierdesk.adapters.db.mail import SqlMailRepository
from tierdesk.adapters.db.mail_outbox import SqlMailOutboxRepository
from tierdesk.adapters.db.mail_threading import SqlMailThreadRepository
from tierdesk.adapters.db.metrics import SqlMetricsSource
from tierdesk.adapters.db.notifications import SqlNotificationRepository
from tierdesk.adapters.db.operations import SqlOperationsReadings
from tierdesk.adapters.db.outages import SqlOutageRepository
from tierdesk.adapters.db.people import (
    SqlAgentRepository,
    SqlContactRepository,
    SqlOrganisationRepository,
)
from tierdesk.adapters.db.queues import SqlQueueRepository
from tierdesk.adapters.db.record_links import SqlRecordLinkRepository
from tierdesk.adapters.db.reference_versions import SqlReferenceVersions
from tierdesk.adapters.db.regions import SqlHandoverRepository, SqlRegionRepository
from tierdesk.adapters.db.reports import SqlReportSource
from tierdesk.adapters.db.rmas import SqlRmaRepository
from tierdesk.adapters.db.routing import SqlRoutingRepository
from tierdesk.adapters.db.rules import SqlRuleRepository
from tierdesk.adapters.db.saved_views import SqlSavedViewRepository
from tierdesk.adapters.db.side_conversations import SqlSideConversationRepository
from tierdesk.adapters.db.sign_in_limits import SqlSignInFailureRepository
from tierdesk.adapters.db.sla import SqlSlaRepository
from tierdesk.adapters.db.tickets import SqlTicketRepository
from tierdesk.adapters.db.time_entries import SqlTimeEntryRepository
from tierdesk.adapters.db.tokens import SqlTokenRepository
from tierdesk.adapters.db.triage import SqlTriageRepository
from tierdesk.adapters.db.web_sessions import SqlMagicLinkRepository, SqlSessionRepository
from tierdesk.adapters.db.webhooks import SqlWebhookRepository
from tierdesk.adapters.search.articles import SqlKnowledgeRepository
from tierdesk.adapters.search.store import SqlSearchStore
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.tickets import Ticket, format_ticket_number
from tierdesk.errors import InvalidTransitionError
from tierdesk.ports import (
    AccessNoteRepository,
    AdvisoryRepository,
    AgentRepository,
    AnswerRepository,
    ArticleRepository,
    AuditLog,
    CalendarRepository,
    ClarifyingQuestionRepository,
    ContactRepository,
    CsatRepository,
    DeadlineRepository,
    DefectRepository,
    DeflectionRepository,
    DeskRows,
    Dispatcher,
    EnhancementRepository,
    FactRepository,
    HandoverRepository,
    IdempotencyKeyRepository,
    ImportRecordRepository,
    IncidentRepository,
    InstalledBaseRepository,
    JobQueue,
    KnowledgeGapRepository,
    KnowledgeRepository,
    KnownIssueRepository,
    LevelRepository,
    LiveFeed,
    MacroRepository,
    MagicLinkRepository,
    MailOutboxRepository,
    MailRepository,
    MailThreadRepository,
    MetricsSource,
    NotificationRepository,
    OperationsReadings,
    OrganisationRepository,
    OutageRepository,
    OutcomeRepository,
    PacketRepository,
    PresenceRepository,
    ProductRepository,
    QueueRepository,
    RecordLinkRepository,
    ReferenceVersions,
    RegionRepository,
    ReportSource,
    RmaRepository,
    RoutingRepository,
    RuleRepository,
    SavedViewRepository,
    SearchStore,
    SessionRepository,
    SideConversationRepository,
    SignInFailureRepository,
    SlaRepository,
    TicketRepository,
    TimeEntryRepository,
    TokenRepository,
    TriageRepository,
    WebhookRepository,
)

# How many rounds of "handlers changed a ticket, which raised new events" one commit allows.
# Real chains are 2-3 deep (opened -> routed -> assigned); more means handlers feed each other.
MAX_DISPATCH_ROUNDS = 10


_HELD = "tierdesk.held_tickets"


def _hold_ticket(session: Session, instance: object) -> None:
    if isinstance(instance, Ticket):
        held = session.info.get(_HELD)
        if held is not None:
            held.add(instance)


def _listen_for_tickets(session_factory: sessionmaker[Session]) -> None:
    # Once per factory, not per session: event.listen on each transaction's session cost more
    # than the rest of starting a unit of work.
    for session_event in ("loaded_as_persistent", "transient_to_pending"):
        if not event.contains(session_factory, session_event, _hold_ticket):
            event.listen(session_factory, session_event, _hold_ticket)


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        ticket_prefix: str,
        dispatch: Dispatcher | None = None,
        on_jobs: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._ticket_prefix = ticket_prefix
        self._dispatch = dispatch
        # Called after a commit that enqueued jobs (the runner of this process wakes up).
        self._on_jobs = on_jobs
        _listen_for_tickets(session_factory)  # done already for make_session_factory's

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        # The session holds its objects only weakly: a ticket a use case loaded, changed and
        # let go of before commit would vanish with its unsaved audit events. Hold every ticket
        # this unit of work sees until it ends (_hold_ticket adds them to this set).
        self._held: set[Ticket] = set()
        self.session.info[_HELD] = self._held
        self.tickets: TicketRepository = SqlTicketRepository(self.session)
        self.agents: AgentRepository = SqlAgentRepository(self.session)
        self.contacts: ContactRepository = SqlContactRepository(self.session)
        self.organisations: OrganisationRepository = SqlOrganisationRepository(self.session)
        self.products: ProductRepository = SqlProductRepository(self.session)
        self.audit: AuditLog = SqlAuditLog(self.session)
        self.tokens: TokenRepository = SqlTokenRepository(self.session)
        self.levels: LevelRepository = SqlLevelRepository(self.session)
        self.reference_versions: ReferenceVersions = SqlReferenceVersions(self.session)
        self.packets: PacketRepository = SqlPacketRepository(self.session)
        self.queues: QueueRepository = SqlQueueRepository(self.session)
        self.routing: RoutingRepository = SqlRoutingRepository(self.session)
        self.rules: RuleRepository = SqlRuleRepository(self.session)
        self.mail: MailRepository = SqlMailRepository(self.session)
        self.mail_threads: MailThreadRepository = SqlMailThreadRepository(self.session)
        self.mail_outbox: MailOutboxRepository = SqlMailOutboxRepository(self.session)
        self.calendars: CalendarRepository = SqlCalendarRepository(self.session)
        self.sla: SlaRepository = SqlSlaRepository(self.session)
        self.deadlines: DeadlineRepository = SqlDeadlineRepository(self.session)
        self.notifications: NotificationRepository = SqlNotificationRepository(self.session)
        self.live_feed: LiveFeed = SqlLiveFeed(self.session)
        self.presence: PresenceRepository = SqlPresenceRepository(self.session)
        self.jobs: JobQueue = SqlJobQueue(self.session)
        self.search: SearchStore = SqlSearchStore(self.session)
        self.knowledge: KnowledgeRepository = SqlKnowledgeRepository(self.session)
        self.known_issues: KnownIssueRepository = SqlKnownIssueRepository(self.session)
        self.defects: DefectRepository = SqlDefectRepository(self.session)
        self.incidents: IncidentRepository = SqlIncidentRepository(self.session)
        self.enhancements: EnhancementRepository = SqlEnhancementRepository(self.session)
        self.installed_base: InstalledBaseRepository = SqlInstalledBaseRepository(self.session)
        self.regions: RegionRepository = SqlRegionRepository(self.session)
        self.handovers: HandoverRepository = SqlHandoverRepository(self.session)
        self.access_notes: AccessNoteRepository = SqlAccessNoteRepository(self.session)
        self.advisories: AdvisoryRepository = SqlAdvisoryRepository(self.session)
        self.rmas: RmaRepository = SqlRmaRepository(self.session)
        self.record_links: RecordLinkRepository = SqlRecordLinkRepository(self.session)
        self.side_conversations: SideConversationRepository = SqlSideConversationRepository(
            self.session
        )
        self.l3_outcomes: OutcomeRepository = SqlOutcomeRepository(self.session)
        self.time_entries: TimeEntryRepository = SqlTimeEntryRepository(self.session)
        self.metrics: MetricsSource = SqlMetricsSource(self.session)
        self.reports: ReportSource = SqlReportSource(self.session)
        self.operations: OperationsReadings = SqlOperationsReadings(self.session)
        self.saved_views: SavedViewRepository = SqlSavedViewRepository(self.session)
        self.macros: MacroRepository = SqlMacroRepository(self.session)
        self.csat: CsatRepository = SqlCsatRepository(self.session)
        self.deflections: DeflectionRepository = SqlDeflectionRepository(self.session)
        self.knowledge_gaps: KnowledgeGapRepository = SqlKnowledgeGapRepository(self.session)
        self.articles: ArticleRepository = SqlArticleRepository(self.session)
        self.answers: AnswerRepository = SqlAnswerRepository(self.session)
        self.webhooks: WebhookRepository = SqlWebhookRepository(self.session)
        self.idempotency_keys: IdempotencyKeyRepository = SqlIdempotencyKeyRepository(self.session)
        self.imports: ImportRecordRepository = SqlImportRecordRepository(self.session)
        self.desk_rows: DeskRows = SqlDeskRows(self.session)
        self.web_sessions: SessionRepository = SqlSessionRepository(self.session)
        self.magic_links: MagicLinkRepository = SqlMagicLinkRepository(self.session)
        self.sign_in_failures: SignInFailureRepository = SqlSignInFailureRepository(self.session)
        self.facts: FactRepository = SqlFactRepository(self.session)
        self.clarifying_questions: ClarifyingQuestionRepository = SqlClarifyingQuestionRepository(
            self.session
        )
        self.triage: TriageRepository = SqlTriageRepository(self.session)
        self.outages: OutageRepository = SqlOutageRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so what a use case returns stays readable after the block.
        self.session.close()

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        """Store the tickets' audit events, let the event handlers react inside the same
        transaction (they may change tickets and so raise further events), let the dispatcher
        settle every ticket that had events once, then commit."""
        touched: dict[int, tuple[Ticket, list[AuditEvent]]] = {}
        for _round in range(MAX_DISPATCH_ROUNDS):
            batch = self._store_pending_events()
            if not batch:
                break
            for ticket, audit_event in batch:
                touched.setdefault(id(ticket), (ticket, []))[1].append(audit_event)
            if self._dispatch is not None:
                self._dispatch(self, batch)
        else:
            raise InvalidTransitionError(
                "event handlers kept changing tickets; refusing a change that never settles"
            )
        if self._dispatch is not None and touched:
            self._dispatch.settle(self, list(touched.values()))
            self.session.flush()
        self.session.commit()
        if self.session.info.pop(JOBS_ENQUEUED, False) and self._on_jobs is not None:
            self._on_jobs()

    def _store_pending_events(self) -> list[tuple[Ticket, AuditEvent]]:
        self.session.flush()
        # Every ticket this session holds, however it was loaded (get, a page, a join), so no
        # change can lose its audit events.
        in_session = [obj for obj in self.session.identity_map.values() if isinstance(obj, Ticket)]
        held = list({*in_session, *self._held})
        batch: list[tuple[Ticket, AuditEvent]] = []
        for ticket in held:
            assert ticket.id is not None  # flushed above
            if ticket.number is None:
                ticket.number = format_ticket_number(self._ticket_prefix, ticket.id)
            for audit_event in ticket.pending_events:
                audit_event.subject_id = ticket.id
                audit_event.ticket_id = ticket.id
                self.session.add(audit_event)
                batch.append((ticket, audit_event))
            ticket.pending_events.clear()
        self.session.flush()
        return batch

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.pop(JOBS_ENQUEUED, None)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: services return them to the web edge and the CLI.
    session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    _listen_for_tickets(session_factory)  # before any request threads start units of work
    return session_factory
