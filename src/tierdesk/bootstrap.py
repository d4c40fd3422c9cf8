"""The one place where settings become engines, stores and services."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from tierdesk.adapters.access_note_cipher import new_key, note_cipher, write_key_file
from tierdesk.adapters.clock import SystemClock
from tierdesk.adapters.db.engine import (
    current_revisions,
    downgrade_database,
    make_engine,
    migration_history,
    pending_migrations,
    upgrade_database,
)
from tierdesk.adapters.db.engine import (
    is_database_unavailable as is_database_unavailable,  # for the web edge's error answers
)
from tierdesk.adapters.db.job_channel import JobChannelListener
from tierdesk.adapters.db.mappers import start_mappers
from tierdesk.adapters.db.unit_of_work import SqlUnitOfWork, make_session_factory
from tierdesk.adapters.email.parse import EmailReader
from tierdesk.adapters.files import DiskFileStore
from tierdesk.adapters.html import html_to_text, sanitise_html
from tierdesk.adapters.importers.csv_file import CsvFile
from tierdesk.adapters.importers.files import FileFetcher
from tierdesk.adapters.importers.mail_archive import MailArchive
from tierdesk.adapters.importers.zendesk import ZendeskExport
from tierdesk.adapters.passwords import Argon2PasswordHasher
from tierdesk.adapters.search.vectors import close_matrix, configure_matrix
from tierdesk.adapters.trackers.github import GitHubTracker
from tierdesk.adapters.wakeup_channel import ADDRESS_VARIABLE, WakeupListener, wakeup_sender
from tierdesk.adapters.webhooks.http import HttpWebhookSender
from tierdesk.assist.classifiers import EmbeddingClassifiers
from tierdesk.assist.documents import read_document
from tierdesk.assist.embeddings import make_embedder
from tierdesk.assist.language import LangIdDetector
from tierdesk.assist.llm import ChatEndpoint
from tierdesk.assist.search import HybridSearch, SearchTuning
from tierdesk.assist.timings import TimedEmbedder
from tierdesk.config import Settings, SignInSettings, TrackerSettings
from tierdesk.domain.answers import AnswerSettings
from tierdesk.domain.clarify import ClarifyMode
from tierdesk.domain.csv_rows import RowShape
from tierdesk.domain.knowledge import ManualLimits, ParsedDocument
from tierdesk.domain.knowledge_gaps import GapPolicy
from tierdesk.domain.rmas import RmaPolicy
from tierdesk.domain.sign_in_limits import FailureLimit, SignInPolicy
from tierdesk.errors import ConfigurationError
from tierdesk.mail_bootstrap import mail_delivery, mail_policy
from tierdesk.ports import Clock, FileStore, PasswordHasher, SearchIndex, UnitOfWork
from tierdesk.ports.access_notes import NoteCipher
from tierdesk.ports.defects import IssueTracker
from tierdesk.ports.imports import AttachmentFetcher, ImportSource
from tierdesk.ports.understanding import Understanding, UnderstandingConfig
from tierdesk.services import (  # noqa: F401 - register their background tasks (services/jobs.py)
    advisories,
    answer_outcomes,
    answers,
    article_indexing,
    defect_sync,
    follow_ups,
    index_upgrades,
    knowledge_gaps,
    mail_outbox,
    periodic_jobs,
    sla_sweep,
    triage,
    web_sessions,
    webhook_delivery,
)
from tierdesk.services.desk import Desk, WebhookDelivery
from tierdesk.services.handlers import make_dispatcher
from tierdesk.services.job_wakeup import JobWakeup

log = logging.getLogger(__name__)


# where the web processes of ``serve --workers N`` send job notices (``Tierdesk.job_notices``)
JOB_NOTICES_VARIABLE = ADDRESS_VARIABLE


@dataclass
class Tierdesk:
    """The assembled application: what entry points hold on to."""

    settings: Settings
    engine: Engine
    desk: Desk

    @property
    def database_label(self) -> str:
        """The database URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file when the database is a SQLite file; None otherwise."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)

    def upgrade_database(self) -> None:
        upgrade_database(self.engine)

    def downgrade_database(self, revision: str) -> None:
        downgrade_database(self.engine, revision)

    def schema_revisions(self) -> list[str]:
        """The migrations the database is at; none when it is empty."""
        return current_revisions(self.engine)

    def migration_history(self) -> list[tuple[str, str, bool]]:
        """Every migration newest first: (revision, what it does, whether it is the newest)."""
        return migration_history(self.engine)

    def needs_upgrade(self) -> bool:
        """True when the database is empty or behind the newest migration."""
        try:
            return pending_migrations(self.engine)
        except OperationalError as exc:
            raise ConfigurationError(
                f"cannot open the database {self.database_label}: {exc.orig}"
            ) from exc

    def close(self) -> None:
        if self.sqlite_path is not None:
            close_matrix(self.engine)  # its connection is not the pool's: dispose misses it
        self.engine.dispose()

    @contextmanager
    def job_notices(self) -> Iterator[str]:
        """While the block runs, job notices from other processes on this machine (web
        processes of ``serve --workers N``) wake this process's job runners; yields the
        address to give them (``forward_job_notices``)."""
        listener = WakeupListener(self.desk.job_wakeup.notify)
        listener.start()
        try:
            yield listener.address
        finally:
            listener.stop()

    @contextmanager
    def job_notices_from_the_database(self) -> Iterator[None]:
        """On PostgreSQL, while the block runs, every job enqueued by any process on the
        database wakes this process's job runners (``adapters/db/job_channel.py``); on SQLite
        nothing (processes on one machine use ``job_notices``)."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        listener = JobChannelListener(self.engine.url, self.desk.job_wakeup.wake)
        if not listener.start():
            log.warning("job notices: not listening yet; the runners poll meanwhile")
        try:
            yield
        finally:
            listener.stop()

    def forward_job_notices(self, address: str) -> None:
        """Tell the process listening at ``address`` whenever a commit here enqueued a job."""
        try:
            self.desk.job_wakeup.forward(wakeup_sender(address))
        except ValueError as error:
            raise ConfigurationError(
                f"{JOB_NOTICES_VARIABLE} must be host:port of a job notice listener, "
                f"not {address!r}"
            ) from error

    def warm_up(self, *, jobs: bool = False) -> None:
        """Load the models the first request after a start would otherwise wait for: the
        language identifier (~0.8 s, paid by the first new ticket's enrichment, which made it
        searchable only after more than a second) and the embedder's weights; with ``jobs``
        (a process that runs the follow-ups) also the latest triage model, whose first use
        imported scikit-learn (1–3 s). A model that cannot load now (an endpoint that is
        down) is logged; requests and jobs report it when used."""
        try:
            if self.desk.understanding is not None:
                self.desk.understanding.languages.detect("warming up the language identifier")
            if self.desk.search is not None:
                self.desk.search.warm_up()
        except ConfigurationError as exc:
            log.warning("a model could not be loaded at start-up: %s", exc)
        if jobs:
            try:
                triage.load_latest_model(self.desk)
            except Exception:  # a worker still starts: the triage that needs it reports it
                log.exception("the latest triage model could not be loaded at start-up")

    def read_document(self, data: bytes, filename: str, title: str | None = None) -> ParsedDocument:
        """A manual file (Markdown, HTML, PDF) read into sections for ``services.knowledge``,
        refused (``TooLargeError``) past the ``manuals`` limits."""
        chosen = self.settings.manuals
        limits = ManualLimits(chosen.max_pages, chosen.max_characters, chosen.max_sections)
        return read_document(data, filename, title, limits)

    def import_source(self, system: str, path: Path) -> ImportSource:
        """Another desk's export for ``services.imports``; refused when ``path`` is not one."""
        if system != "zendesk":
            raise ConfigurationError(f"no importer for {system!r}; known: zendesk")
        return ZendeskExport(path)

    def csv_source(
        self,
        path: Path,
        mapping: Mapping[str, str],
        *,
        shape: RowShape = RowShape.TICKETS,
        system: str | None = None,
        date_format: str | None = None,
        tag_separator: str = ",",
        agent_addresses: frozenset[str] = frozenset(),
    ) -> ImportSource:
        """A CSV file read by a column-to-field mapping; refused (before anything is stored)
        when the mapping names a column the file lacks or the file is not UTF-8."""
        return CsvFile(
            path,
            mapping,
            shape=shape,
            system=system,
            date_format=date_format,
            tag_separator=tag_separator,
            agent_addresses=agent_addresses,
        )

    def mail_archive(
        self, path: Path, *, agent_addresses: frozenset[str], system: str | None = None
    ) -> tuple[ImportSource, AttachmentFetcher]:
        """An mbox file or Maildir read by the desk's mail parser, and the fetcher of its
        messages' attachments."""
        archive = MailArchive(
            path,
            EmailReader(self.settings.max_attachment_bytes),
            agent_addresses=agent_addresses,
            our_addresses=mail_policy(self.settings.mail).our_addresses,
            ticket_prefix=self.desk.ticket_prefix,
            system=system,
        )
        return archive, archive.fetch

    def attachment_fetcher(self, *, allow_private: bool = False) -> AttachmentFetcher:
        """How an import fetches the attachments its export names by URL (hosts on this
        machine's own network only when ``allow_private``)."""
        return FileFetcher(allow_private=allow_private)


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    files: FileStore | None = None,
    search_index: SearchIndex | None = None,
    passwords: PasswordHasher | None = None,
) -> Tierdesk:
    start_mappers()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database, echo=settings.db.echo, pool_size=settings.db.pool_size)
    if engine.url.get_backend_name() == "sqlite" and engine.url.database not in (
        None,
        "",
        ":memory:",
    ):
        configure_matrix(engine, settings.search.approximate_above, settings.data_dir / "vectors")
    session_factory = make_session_factory(engine)

    desks: list[Desk] = []  # the dispatcher needs the desk, which needs the unit of work
    dispatch = make_dispatcher(lambda: desks[0])
    job_wakeup = JobWakeup()

    def unit_of_work() -> UnitOfWork:
        return SqlUnitOfWork(
            session_factory, settings.ticket_prefix, dispatch, on_jobs=job_wakeup.notify
        )

    desk = Desk(
        uow=unit_of_work,
        clock=clock or SystemClock(),
        files=files or DiskFileStore(settings.attachments_dir),
        sanitise_html=sanitise_html,
        html_to_text=html_to_text,
        passwords=passwords or Argon2PasswordHasher(),
        ticket_prefix=settings.ticket_prefix,
        max_attachment_bytes=settings.max_attachment_bytes,
        search=search_index
        or HybridSearch(
            TimedEmbedder(make_embedder(settings.search)), SearchTuning.of(settings.search)
        ),
        tracker=make_tracker(settings.tracker),
        understanding=make_understanding(settings),
        sign_in_policy=sign_in_policy(settings.sign_in),
        mail_out=mail_delivery(settings.mail),
        gap_policy=GapPolicy(
            settings.knowledge.gap_retention_days,
            settings.knowledge.gap_follow_minutes,
            settings.knowledge.gap_max_misses,
        ),
        answer_settings=AnswerSettings(
            settings.answers.min_confidence,
            settings.answers.assume_solved_days,
            (settings.public_url or "").rstrip("/"),
        ),
        webhooks=WebhookDelivery(
            HttpWebhookSender(
                timeout_seconds=settings.webhooks.timeout_seconds,
                allow_private=settings.webhooks.allow_private_addresses,
            ),
            allow_private=settings.webhooks.allow_private_addresses,
            disable_after=settings.webhooks.disable_after_failures,
        ),
        access_notes=access_notes_cipher(settings),
        rma_policy=RmaPolicy(settings.rma.currency, settings.rma.lead_approval_above),
        job_wakeup=job_wakeup,
    )
    desks.append(desk)
    return Tierdesk(settings=settings, engine=engine, desk=desk)


def access_notes_cipher(settings: Settings) -> NoteCipher | None:
    """The access notes' cipher: the key from the environment, else the data directory's key
    file, else none (notes are locked; nothing else is affected)."""
    key = settings.access_notes_key
    return note_cipher(key.get_secret_value() if key else None, settings.data_dir)


def ensure_access_notes_key(settings: Settings) -> Path | None:
    """For ``tierdesk demo``: without a key in the environment, write one to the data
    directory's key file (owner-only) unless there is one; the file written, or None."""
    if settings.access_notes_key is not None:
        return None
    return write_key_file(settings.data_dir)


def new_access_notes_key() -> str:
    """A fresh key for ``access_notes_key``."""
    return new_key()


def make_understanding(settings: Settings) -> Understanding | None:
    """Language identification, the triage classifiers (on the search embedder) and the
    optional language model; None when ``understanding.enabled`` is off."""
    chosen = settings.understanding
    if not chosen.enabled:
        return None
    llm = None
    if chosen.llm_endpoint:
        if not chosen.llm_model:
            raise ConfigurationError("understanding.llm_endpoint needs understanding.llm_model")
        key = chosen.llm_api_key.get_secret_value() if chosen.llm_api_key else None
        llm = ChatEndpoint(chosen.llm_endpoint, chosen.llm_model, key, chosen.llm_timeout_seconds)
    return Understanding(
        languages=LangIdDetector(),
        classifiers=EmbeddingClassifiers(TimedEmbedder(make_embedder(settings.search))),
        config=UnderstandingConfig(
            clarify=ClarifyMode(chosen.clarify),
            apply_triage=chosen.apply_triage,
            cold_start_similarity=chosen.cold_start_similarity,
            retrain_after_corrections=chosen.retrain_after_corrections,
            retrain_after_tickets=chosen.retrain_after_tickets,
            outage_window_minutes=chosen.outage_window_minutes,
            outage_min_tickets=chosen.outage_min_tickets,
            outage_min_organisations=chosen.outage_min_organisations,
            outage_similarity=chosen.outage_similarity,
        ),
        llm=llm,
    )


def sign_in_policy(settings: SignInSettings) -> SignInPolicy:
    def minutes(n: int) -> timedelta:
        return timedelta(minutes=n)

    return SignInPolicy(
        account=FailureLimit(
            settings.account_failures,
            minutes(settings.account_window_minutes),
            minutes(settings.account_lock_minutes),
        ),
        client=FailureLimit(
            settings.client_failures,
            minutes(settings.client_window_minutes),
            minutes(settings.client_block_minutes),
        ),
        link_mails=settings.link_mails_per_hour,
        link_window=timedelta(hours=1),
    )


def make_tracker(settings: TrackerSettings) -> IssueTracker | None:
    """The issue tracker defects are mirrored to; None when none is configured."""
    if settings.kind == "none":
        return None
    if not settings.repository:
        raise ConfigurationError("tracker.kind is github: set tracker.repository (owner/name)")
    return GitHubTracker(
        settings.api_url,
        settings.repository,
        settings.token.get_secret_value() if settings.token else None,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        labels=settings.labels,
        timeout=settings.timeout_seconds,
    )
