"""The SQL unit of work: one session, one transaction, audit events stored on commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Generic, Self, TypeVar, overload

from sqlalchemy import Engine, event, inspect
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from tierdesk.adapters.db.access_notes import SqlAccessNoteRepository
from tierdesk.adapters.db.advisories import SqlAdvisoryRepository
from tierdesk.adapters.db.answers import SqlAnswerRepository, none_yet
from tierdesk.adapters.db.articles import SqlArticleRepository
from tierdesk.adapters.db.audit import SqlAuditLog
from tierdesk.adapters.db.calendars import SqlCalendarRepository
from tierdesk.adapters.db.catalog import SqlProductRepository
from tierdesk.adapters.db.clarify import SqlClarifyingQuestionRepository
from tierdesk.adapters.db.csat import SqlCsatRepository
from tierdesk.adapters.db.deadlines import SqlDeadlineRepository, none_running_yet
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
from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.tickets import Ticket, format_ticket_number
from tierdesk.errors import ConflictError, InvalidTransitionError, NotFoundError
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

log = logging.getLogger(__name__)

# How many rounds of "handlers changed a ticket, which raised new events" one commit allows.
# Real chains are 2-3 deep (opened -> routed -> assigned); more means handlers feed each other.
MAX_DISPATCH_ROUNDS = 10


_HELD = "tierdesk.held_tickets"
_READ_AHEAD = "tierdesk.read_ahead"  # session info: what the reads ahead loaded, while reading
_TICKET_PARTS = (Ticket, Message, Attachment)


def _hold_ticket(session: Session, instance: object) -> None:
    if isinstance(instance, Ticket):
        held = session.info.get(_HELD)
        if held is not None:
            held.add(instance)
    else:
        # What the reads ahead load (an organisation) stays until the commit: the session's
        # identity map holds it only weakly, and the handler would load it again.
        read_ahead = session.info.get(_READ_AHEAD)
        if read_ahead is not None:
            read_ahead.append(instance)


def _listen_for_tickets(session_factory: sessionmaker[Session]) -> None:
    # Once per factory, not per session: event.listen on each transaction's session cost more
    # than the rest of starting a unit of work.
    for session_event in ("loaded_as_persistent", "transient_to_pending"):
        if not event.contains(session_factory, session_event, _hold_ticket):
            event.listen(session_factory, session_event, _hold_ticket)


_R = TypeVar("_R")


class _Repository(Generic[_R]):
    """A unit of work's repository, made from its session on first use. A request touches a
    handful of the sixty, and making all sixty at every ``with desk.uow()`` (a ticket read opens
    several) cost a fifth of the read (bench/README.md, 2026-12-06)."""

    def __init__(self, make: Callable[[Session], _R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: SqlUnitOfWork, owner: type) -> _R: ...
    def __get__(self, instance: SqlUnitOfWork | None, owner: type) -> Self | _R:
        if instance is None:
            return self
        repository = self._make(instance.session)
        # In the instance's own attributes, which Python looks in first from now on: the next
        # use is a plain attribute read. __enter__ forgets them for the next transaction.
        instance.__dict__[self._name] = repository
        instance._made.append(self._name)
        return repository


class SqlUnitOfWork:
    tickets: _Repository[TicketRepository] = _Repository(SqlTicketRepository)
    agents: _Repository[AgentRepository] = _Repository(SqlAgentRepository)
    contacts: _Repository[ContactRepository] = _Repository(SqlContactRepository)
    organisations: _Repository[OrganisationRepository] = _Repository(SqlOrganisationRepository)
    products: _Repository[ProductRepository] = _Repository(SqlProductRepository)
    audit: _Repository[AuditLog] = _Repository(SqlAuditLog)
    tokens: _Repository[TokenRepository] = _Repository(SqlTokenRepository)
    levels: _Repository[LevelRepository] = _Repository(SqlLevelRepository)
    reference_versions: _Repository[ReferenceVersions] = _Repository(SqlReferenceVersions)
    packets: _Repository[PacketRepository] = _Repository(SqlPacketRepository)
    queues: _Repository[QueueRepository] = _Repository(SqlQueueRepository)
    routing: _Repository[RoutingRepository] = _Repository(SqlRoutingRepository)
    rules: _Repository[RuleRepository] = _Repository(SqlRuleRepository)
    mail: _Repository[MailRepository] = _Repository(SqlMailRepository)
    mail_threads: _Repository[MailThreadRepository] = _Repository(SqlMailThreadRepository)
    mail_outbox: _Repository[MailOutboxRepository] = _Repository(SqlMailOutboxRepository)
    calendars: _Repository[CalendarRepository] = _Repository(SqlCalendarRepository)
    sla: _Repository[SlaRepository] = _Repository(SqlSlaRepository)
    deadlines: _Repository[DeadlineRepository] = _Repository(SqlDeadlineRepository)
    notifications: _Repository[NotificationRepository] = _Repository(SqlNotificationRepository)
    live_feed: _Repository[LiveFeed] = _Repository(SqlLiveFeed)
    presence: _Repository[PresenceRepository] = _Repository(SqlPresenceRepository)
    jobs: _Repository[JobQueue] = _Repository(SqlJobQueue)
    search: _Repository[SearchStore] = _Repository(SqlSearchStore)
    knowledge: _Repository[KnowledgeRepository] = _Repository(SqlKnowledgeRepository)
    known_issues: _Repository[KnownIssueRepository] = _Repository(SqlKnownIssueRepository)
    defects: _Repository[DefectRepository] = _Repository(SqlDefectRepository)
    incidents: _Repository[IncidentRepository] = _Repository(SqlIncidentRepository)
    enhancements: _Repository[EnhancementRepository] = _Repository(SqlEnhancementRepository)
    installed_base: _Repository[InstalledBaseRepository] = _Repository(SqlInstalledBaseRepository)
    regions: _Repository[RegionRepository] = _Repository(SqlRegionRepository)
    handovers: _Repository[HandoverRepository] = _Repository(SqlHandoverRepository)
    access_notes: _Repository[AccessNoteRepository] = _Repository(SqlAccessNoteRepository)
    advisories: _Repository[AdvisoryRepository] = _Repository(SqlAdvisoryRepository)
    rmas: _Repository[RmaRepository] = _Repository(SqlRmaRepository)
    record_links: _Repository[RecordLinkRepository] = _Repository(SqlRecordLinkRepository)
    side_conversations: _Repository[SideConversationRepository] = _Repository(
        SqlSideConversationRepository
    )
    l3_outcomes: _Repository[OutcomeRepository] = _Repository(SqlOutcomeRepository)
    time_entries: _Repository[TimeEntryRepository] = _Repository(SqlTimeEntryRepository)
    metrics: _Repository[MetricsSource] = _Repository(SqlMetricsSource)
    reports: _Repository[ReportSource] = _Repository(SqlReportSource)
    operations: _Repository[OperationsReadings] = _Repository(SqlOperationsReadings)
    saved_views: _Repository[SavedViewRepository] = _Repository(SqlSavedViewRepository)
    macros: _Repository[MacroRepository] = _Repository(SqlMacroRepository)
    csat: _Repository[CsatRepository] = _Repository(SqlCsatRepository)
    deflections: _Repository[DeflectionRepository] = _Repository(SqlDeflectionRepository)
    knowledge_gaps: _Repository[KnowledgeGapRepository] = _Repository(SqlKnowledgeGapRepository)
    articles: _Repository[ArticleRepository] = _Repository(SqlArticleRepository)
    answers: _Repository[AnswerRepository] = _Repository(SqlAnswerRepository)
    webhooks: _Repository[WebhookRepository] = _Repository(SqlWebhookRepository)
    idempotency_keys: _Repository[IdempotencyKeyRepository] = _Repository(
        SqlIdempotencyKeyRepository
    )
    imports: _Repository[ImportRecordRepository] = _Repository(SqlImportRecordRepository)
    desk_rows: _Repository[DeskRows] = _Repository(SqlDeskRows)
    web_sessions: _Repository[SessionRepository] = _Repository(SqlSessionRepository)
    magic_links: _Repository[MagicLinkRepository] = _Repository(SqlMagicLinkRepository)
    sign_in_failures: _Repository[SignInFailureRepository] = _Repository(SqlSignInFailureRepository)
    facts: _Repository[FactRepository] = _Repository(SqlFactRepository)
    clarifying_questions: _Repository[ClarifyingQuestionRepository] = _Repository(
        SqlClarifyingQuestionRepository
    )
    triage: _Repository[TriageRepository] = _Repository(SqlTriageRepository)
    outages: _Repository[OutageRepository] = _Repository(SqlOutageRepository)

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
        self._made: list[str] = []
        _listen_for_tickets(session_factory)  # done already for make_session_factory's

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        # The session holds its objects only weakly: a ticket a use case loaded, changed and
        # let go of before commit would vanish with its unsaved audit events. Hold every ticket
        # this unit of work sees until it ends (_hold_ticket adds them to this set).
        self._held: set[Ticket] = set()
        self.session.info[_HELD] = self._held
        self._loaded_ahead: list[object] = []
        for name in self._made:  # made on an earlier transaction's session
            del self.__dict__[name]
        self._made.clear()
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
        if _changed_meanwhile(exc):
            log.info("refused a change made over a state changed meanwhile: %s", exc)
            raise ConflictError(
                "someone changed this at the same moment: reload it and try again"
            ) from exc

    def hold(self, thing: object) -> None:
        if self.session.get_bind().dialect.name == "sqlite":
            # SQLite has one writer and no row locks: take the writer now (pysqlite has run
            # the reads so far outside any transaction), so nobody commits before this does.
            connection = self.session.connection()
            dbapi = connection.connection.dbapi_connection
            if dbapi is not None and not getattr(dbapi, "in_transaction", False):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            lock = None
        else:
            # SELECT ... FOR UPDATE OF its table: the row until this transaction ends (not the
            # rows joined in to load its collections, which PostgreSQL refuses to lock).
            lock = {"of": inspect(thing).mapper.local_table}
        try:
            self.session.refresh(thing, with_for_update=lock)
        except InvalidRequestError as exc:
            if "Could not refresh instance" not in str(exc):  # not a row gone: a bug
                raise
            # as it is answered a moment later: removed twice at once, the second meets none
            raise NotFoundError("this was removed a moment ago; reload the page") from exc

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        """Store the tickets' audit events, let the event handlers react inside the same
        transaction (they may change tickets and so raise further events), let the dispatcher
        settle every ticket that had events once, then commit."""
        touched: dict[int, tuple[Ticket, list[AuditEvent]]] = {}
        self._read_ahead()
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
        self._loaded_ahead.clear()
        if self.session.info.pop(JOBS_ENQUEUED, False) and self._on_jobs is not None:
            self._on_jobs()

    def _read_ahead(self) -> None:
        """Let the handlers' configuration reads happen before the first flush (Dispatcher.
        read_ahead): on SQLite that flush takes the one writer, held until the commit. Only
        while nothing but tickets and their messages waits to be written: the reads skip the
        flush, and a pending change to anything else (a new webhook, an organisation's plan)
        could be what they must see."""
        if self._dispatch is None:
            return
        pending = [(t, e) for t in self._held for e in t.pending_events]
        waiting = (*self.session.new, *self.session.dirty, *self.session.deleted)
        if pending and all(isinstance(o, _TICKET_PARTS) for o in waiting):
            self.session.info[_READ_AHEAD] = self._loaded_ahead
            try:
                with self.session.no_autoflush:
                    self._dispatch.read_ahead(self, pending)
            finally:
                del self.session.info[_READ_AHEAD]

    def _store_pending_events(self) -> list[tuple[Ticket, AuditEvent]]:
        opened = [o for o in self.session.new if isinstance(o, Ticket)]
        self.session.flush()
        for ticket in opened:  # inserted by this transaction: nothing of theirs is stored yet
            assert ticket.id is not None
            none_running_yet(self.session, ticket.id)
            none_yet(self.session, ticket.id)
        # Every ticket this session holds, however it was loaded (get, a page, a join), so no
        # change can lose its audit events; by id, so that the events of a transaction that
        # changes two tickets (a merge) are stored, and handled, in the same order every time (a
        # set's order follows memory addresses).
        in_session = [obj for obj in self.session.identity_map.values() if isinstance(obj, Ticket)]
        held = sorted({*in_session, *self._held}, key=lambda ticket: ticket.id or 0)
        batch: list[tuple[Ticket, AuditEvent]] = []
        numbered = False
        for ticket in held:
            assert ticket.id is not None  # flushed above
            if ticket.number is None:
                ticket.number = format_ticket_number(self._ticket_prefix, ticket.id)
                numbered = True
            for audit_event in ticket.pending_events:
                audit_event.subject_id = ticket.id
                audit_event.ticket_id = ticket.id
                self.session.add(audit_event)
                batch.append((ticket, audit_event))
            ticket.pending_events.clear()
        if batch or numbered:  # the last round of a commit has nothing new to write
            self.session.flush()
        return batch

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.pop(JOBS_ENQUEUED, None)


def _changed_meanwhile(exc: BaseException | None) -> bool:
    """Another transaction committed between this one's read and its write: a ticket's row
    at another revision than the one read (two people solving or accepting it at once), or a
    unique key it took first (the next hand-off packet's number, when both escalate)."""
    if isinstance(exc, StaleDataError):
        return True
    if not isinstance(exc, IntegrityError):
        return False
    cause = exc.orig
    return getattr(cause, "sqlstate", None) == "23505" or getattr(
        cause, "sqlite_errorname", None
    ) in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: services return them to the web edge and the CLI.
    session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    _listen_for_tickets(session_factory)  # before any request threads start units of work
    return session_factory
