"""Importing another desk's history: organisations, then people, then tickets, in batches of
one transaction each, safe to run again.

Every stored record keeps its source id and a fingerprint of what it read as
(``uow.imports``): a second run skips what did not change, updates what did and adds nothing
twice, and a run that was interrupted is simply run again — what its committed batches stored
is skipped, the rest is added. A row that cannot be read (or stored) is reported and skipped:
a batch that fails in the database is rolled back and retried one row per transaction, so
only the bad row is left out and nothing of it is half-stored.

Imported tickets are stored with their own times and raise only ``ticket.imported``, to which
nothing reacts (services/handlers.py): no mail, no rules, no SLA clocks, no auto-answers, and
the index waits for the end. ``finish_import`` then indexes and embeds everything once and
lets triage train on the new history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from tierdesk.domain.imports import (
    INDEX_DONE,
    INDEX_PENDING,
    INDEX_STATE,
    ImportedPerson,
    ImportedTicket,
    ImportReport,
    MissingAttachment,
    Outcome,
    PersonRole,
    RecordKind,
    SourceRow,
    fingerprint,
)
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.domain.messages import Attachment, clean_filename
from tierdesk.domain.people import Actor, SystemActor
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.imports import AttachmentFetcher, ImportSource
from tierdesk.services import search, triage
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.import_records import Done, FetchedAttachments
from tierdesk.services.imported_tickets import TicketWriter

log = logging.getLogger(__name__)

KINDS = (RecordKind.ORGANISATION, RecordKind.CONTACT, RecordKind.TICKET)
MAX_BATCH = 5000

Progress = Callable[[int, int], None]  # rows done, rows in the export


@dataclass(frozen=True)
class ImportOptions:
    batch: int = 200  # rows per transaction
    dry_run: bool = False  # read and check everything, store nothing, fetch nothing


def importer(system: str) -> SystemActor:
    """Who the trail names for what an import stored."""
    return SystemActor(name=f"import:{system}")


def import_history(
    desk: Desk,
    actor: Actor,
    source: ImportSource,
    fetch: AttachmentFetcher,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``source`` into the desk (see the module's docstring). ``progress`` hears the
    rows done after each committed batch; an exception it raises stops the run there, as an
    interruption would (what was committed stays; run again to resume)."""
    require_lead(actor, "import a desk's history")
    options = options or ImportOptions()
    if not 1 <= options.batch <= MAX_BATCH:
        raise InvalidInputError(f"a batch is 1-{MAX_BATCH} rows", field="batch")
    report = ImportReport(source.system, dry_run=options.dry_run)
    total = sum(source.count(kind) for kind in KINDS)
    run = _Run(desk, source.system, fetch, report)
    done = 0
    for kind in KINDS:
        for batch in _batches(source.rows(kind), options.batch):
            if options.dry_run:
                run.check(kind, batch)
            else:
                run.store(kind, batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    return report


def agent_addresses(desk: Desk) -> frozenset[str]:
    """The desk's agents' addresses: what an archive's or a CSV's messages from them are
    (the desk's public replies, not a customer's)."""
    with desk.uow() as uow:
        return frozenset(agent.email.lower() for agent in uow.agents.all())


def finish_import(
    desk: Desk, report: ImportReport, progress: Callable[[int], None] | None = None
) -> None:
    """After a run that stored tickets (this one, or one interrupted before it got here): index
    and embed everything once and let triage train on the history; the report learns how many
    tickets are searchable."""
    if report.dry_run:
        return
    with desk.uow() as uow:
        state = uow.imports.find(report.system, RecordKind.INDEX, [INDEX_STATE]).get(INDEX_STATE)
    if state is None or state.fingerprint != INDEX_PENDING:
        return  # nothing stored since the last finished run
    if desk.search is not None:
        search.rebuild_index(desk, progress=progress)
        report.searchable_tickets = search.index_size(desk).get(str(DocumentKind.TICKET), 0)
    report.training_queued = triage.schedule_training(desk)
    with desk.uow() as uow:
        _mark_index(uow, report.system, INDEX_DONE, desk.clock.now())
        uow.commit()


# The held-back figures an import's report shows per field of a model it trained.
_FIGURES = ("examples", "validation_accuracy", "validation_macro_f1")


def train_after_import(desk: Desk, actor: Actor, report: ImportReport) -> None:
    """Train triage now on what the desk holds after an import (``--train``), so that its
    report can show the new model's held-back figures; without it ``finish_import`` only
    queues a training job for the worker (``report.training_queued``)."""
    if report.dry_run or desk.understanding is None:
        return
    result = triage.train_triage(desk, actor)
    report.triage_figures = {
        name: {key: float(metrics[key]) for key in _FIGURES if key in metrics}
        for name, metrics in result.fields.items()
    }


def _mark_index(uow: UnitOfWork, system: str, state: str, at: datetime) -> None:
    uow.imports.put(system, RecordKind.INDEX, INDEX_STATE, 0, state, at)


def _batches(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Run:
    def __init__(
        self, desk: Desk, system: str, fetch: AttachmentFetcher, report: ImportReport
    ) -> None:
        self.desk, self.system, self.fetch, self.report = desk, system, fetch, report
        self.actor = importer(system)

    def _readable(self, batch: list[SourceRow]) -> list[SourceRow]:
        """The rows that were read; the others are reported now."""
        ready = []
        for row in batch:
            if row.problem is not None:
                self.report.count(row.kind, Outcome.FAILED, row.problem, row.where, row.source_id)
            elif row.skip is not None:
                self.report.count(row.kind, Outcome.SKIPPED, row.skip, row.where, row.source_id)
            elif row.record is not None:
                ready.append(row)
        return ready

    def store(self, kind: RecordKind, batch: list[SourceRow]) -> None:
        rows = self._readable(batch)
        if not rows:
            return
        files = self._attachments(rows) if kind is RecordKind.TICKET else FetchedAttachments()
        try:
            self._count(self._write(kind, rows, files))
        except Exception as exc:  # a bad row may fail only in the database
            # (a value its column refuses): find it by storing the batch's rows one at a time.
            log.info(
                "import batch of %d %s rows failed (%s); retrying row by row", len(rows), kind, exc
            )
            for row in rows:
                try:
                    self._count(self._write(kind, [row], files))
                except Exception as row_exc:  # reported, with the row
                    # The first line: a database's message goes on with the statement.
                    text = getattr(row_exc, "message", None) or str(row_exc)
                    reason = f"{type(row_exc).__name__}: {(text.splitlines() or [''])[0]}"
                    self.report.count(kind, Outcome.FAILED, reason[:500], row.where, row.source_id)
        self.report.missing_attachments += files.missing

    def _write(
        self, kind: RecordKind, rows: list[SourceRow], files: FetchedAttachments
    ) -> list[Done]:
        with self.desk.uow() as uow:
            writer = TicketWriter(uow, self.desk, self.system, self.actor)
            if kind is RecordKind.ORGANISATION:
                done = writer.organisations(rows)
            elif kind is RecordKind.CONTACT:
                done = writer.people(rows)
            else:
                done = writer.tickets(rows, files)
                if any(d.outcome in (Outcome.CREATED, Outcome.UPDATED) for d in done):
                    # Committed with the tickets: finish_import embeds them even when this run
                    # is interrupted and the next one finds nothing left to store.
                    _mark_index(uow, self.system, INDEX_PENDING, writer.now)
            uow.commit()
        return done

    def _count(self, done: list[Done]) -> None:
        for item in done:
            self.report.count(
                item.kind, item.outcome, item.reason, item.row.where, item.row.source_id
            )

    def check(self, kind: RecordKind, batch: list[SourceRow]) -> None:
        """A dry run's batch: what storing it would do, judged by the fingerprints."""
        rows = self._readable(batch)
        with self.desk.uow() as uow:
            for row in rows:
                assert row.record is not None
                stored_as = kind
                if (
                    isinstance(row.record, ImportedPerson)
                    and row.record.role is not PersonRole.CUSTOMER
                ):
                    stored_as = RecordKind.AGENT
                source_id = row.record.source_id
                ref = uow.imports.find(self.system, stored_as, [source_id]).get(source_id)
                if ref is None and kind is RecordKind.TICKET:  # a thread joined a desk ticket
                    ref = uow.imports.find(self.system, RecordKind.JOINED, [source_id]).get(
                        source_id
                    )
                if ref is None:
                    outcome = Outcome.CREATED
                elif ref.fingerprint == fingerprint(row.record):
                    outcome = Outcome.SKIPPED
                else:
                    outcome = Outcome.UPDATED
                self.report.count(stored_as, outcome)

    def _attachments(self, rows: list[SourceRow]) -> FetchedAttachments:
        """Fetch the new comments' attachments before the batch's transaction (a slow host
        must not hold it open). Stored files are content-addressed: a batch that then fails
        leaves nothing a retry would store twice."""
        tickets = [r.record for r in rows if isinstance(r.record, ImportedTicket)]
        with self.desk.uow() as uow:
            known = uow.imports.find(
                self.system, RecordKind.COMMENT, [c.source_id for t in tickets for c in t.comments]
            )
            unchanged = uow.imports.find(
                self.system, RecordKind.TICKET, [t.source_id for t in tickets]
            )
        files = FetchedAttachments()
        for ticket in tickets:
            ref = unchanged.get(ticket.source_id)
            if ref is not None and ref.fingerprint == fingerprint(ticket):
                continue
            for comment in ticket.comments:
                if comment.source_id in known or not comment.attachments:
                    continue
                stored = files.stored.setdefault(comment.source_id, [])
                for item in comment.attachments:
                    problem = "no URL in the export"
                    if item.url:
                        fetched = self.fetch(item.url, self.desk.max_attachment_bytes)
                        problem = fetched.problem or ""
                        if fetched.data:
                            saved = self.desk.files.put(
                                fetched.data, item.content_type, item.filename
                            )
                            stored.append(
                                Attachment(
                                    filename=clean_filename(item.filename),
                                    content_type=saved.content_type,
                                    size=saved.size,
                                    sha256=saved.sha256,
                                    storage_key=saved.storage_key,
                                    created_at=comment.created_at,
                                )
                            )
                            self.report.attachments_fetched += 1
                            continue
                    files.missing.append(
                        MissingAttachment(
                            ticket.source_id, comment.source_id, item.filename, item.url, problem
                        )
                    )
        return files
