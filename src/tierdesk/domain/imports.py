"""Bringing another desk's history in: the records an importer reads, whatever desk they come
from, and the report of a run.

An importer (``adapters/importers/``) turns its source's rows into the neutral records below
(organisations, people, tickets with their comments); ``services/imports.py`` stores them in
batches, remembering each record's source id and a fingerprint of what it read, so that a
second run skips what did not change, updates what did and adds nothing twice. Zendesk's
export is the first source (``domain/zendesk.py`` maps its objects); a CSV or mbox importer
produces the same records.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.messages import Channel
from tierdesk.domain.ticket_values import Priority, Status, TicketType
from tierdesk.errors import InvalidInputError

# The audit action of an imported (or re-imported) ticket. Its only handler is the search
# index (services/handlers.py): history sends no mail, runs no rule, starts no SLA clock.
TICKET_IMPORTED = "ticket.imported"

# Addresses under the reserved top-level domain ``.invalid`` (RFC 2606) can never receive mail:
# they stand in for people the source knew without an address (and deleted ones).
PLACEHOLDER_DOMAIN = "import.invalid"

NO_ORGANISATION = "No organisation ({system})"

# A person's ``organisation_source_id`` when the source names no organisation (a CSV without
# one, a mail archive): the organisation of their address's mail domain, as live mail intake
# finds it, else the import's catch-all organisation.
BY_MAIL_DOMAIN = "@mail-domain"


class RecordKind(StrEnum):
    ORGANISATION = "organisation"
    CONTACT = "contact"
    AGENT = "agent"
    TICKET = "ticket"
    COMMENT = "comment"
    # A source's ticket (a mail thread) that answered a ticket the desk already had: its
    # messages were added there, and the ticket's own fields left as the desk has them.
    JOINED = "joined-ticket"
    # Not a record: whether the index still lacks the vectors of tickets a run stored (its
    # source id is INDEX_STATE; a run interrupted before its end leaves it "pending").
    INDEX = "index"
    # A line of a tierdesk export (services/exported_desks.py): source id ``<file>:<id>``.
    EXPORT = "export-line"


INDEX_STATE = "vectors"
INDEX_PENDING, INDEX_DONE = "pending", "done"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


class PersonRole(StrEnum):
    CUSTOMER = "customer"  # an end user: becomes a contact of their organisation
    AGENT = "agent"
    LEAD = "lead"  # the source's administrators: leads here, never admins (see design.md)


@dataclass(frozen=True)
class ImportedOrganisation:
    source_id: str
    name: str
    created_at: datetime | None
    email_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedPerson:
    source_id: str
    name: str
    email: str | None  # None: the source knew no address (a placeholder one is made)
    role: PersonRole
    organisation_source_id: str | None
    created_at: datetime | None
    active: bool = True
    phone: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ImportedAttachment:
    filename: str
    url: str | None
    content_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class ImportedComment:
    source_id: str
    author_source_id: str | None
    public: bool
    text: str
    html: str | None
    created_at: datetime
    channel: Channel = Channel.API
    attachments: tuple[ImportedAttachment, ...] = ()


@dataclass(frozen=True)
class ImportedRating:
    score: int  # the desk's 1-5
    comment: str
    created_at: datetime | None


@dataclass(frozen=True)
class ImportedTicket:
    source_id: str
    subject: str
    status: Status
    priority: Priority
    type: TicketType
    channel: Channel
    created_at: datetime
    updated_at: datetime
    requester_source_id: str | None
    organisation_source_id: str | None = None
    assignee_source_id: str | None = None
    solved_at: datetime | None = None
    tags: tuple[str, ...] = ()
    custom_fields: tuple[tuple[str, Any], ...] = ()
    comments: tuple[ImportedComment, ...] = ()
    rating: ImportedRating | None = None
    product: str | None = None  # the desk's product key or name (a CSV's product column)
    # Mail: the Message-IDs outside the source this thread answers, and a ticket number in its
    # subject; a ticket the desk already has under one of them takes the thread's messages.
    answers: tuple[str, ...] = ()
    ticket_number: str | None = None


ImportedRecord = ImportedOrganisation | ImportedPerson | ImportedTicket


@dataclass(frozen=True)
class SourceRow:
    """One row of the source: the record read from it, or why it could not be read."""

    kind: RecordKind
    where: str  # "tickets.json line 12": what the report names
    source_id: str | None
    record: ImportedRecord | None = None
    problem: str | None = None  # set: the row is reported failed and nothing of it stored
    skip: str | None = None  # set: the row is deliberately left out (a deleted ticket)


# Fields added after the first importer shipped: left out of a fingerprint while unset, so
# that records stored before them do not all read as changed.
_LATER_FIELDS = ("product", "answers", "ticket_number")


def fingerprint(record: ImportedRecord | ImportedComment) -> str:
    """What a record read as, so that a re-run tells an unchanged record from a changed one."""
    values = asdict(record)
    for name in _LATER_FIELDS:
        if name in values and not values[name]:
            del values[name]
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MAX_SOURCE_ID = 100  # imported_records.source_id
MAX_SYSTEM = 40  # imported_records.system


def short_source_id(value: str) -> str:
    """A source id that fits its column: a longer one (a long Message-ID, an address, a CSV
    key) stands in as its hash, the same on every run."""
    if len(value) <= MAX_SOURCE_ID:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def source_system(kind: str, name: str | None, default: str) -> str:
    """The name an import's source ids are kept under: ``name`` when given (refused when it
    does not fit), else ``kind:default`` cut to fit."""
    if name is not None:
        clean = name.strip()
        if not clean or len(clean) > MAX_SYSTEM:
            raise InvalidInputError(
                f"a source name is 1-{MAX_SYSTEM} characters: {name!r}", field="source"
            )
        return clean
    return f"{kind}:{default}"[:MAX_SYSTEM]


def is_message_id(source_id: str) -> bool:
    """Whether a comment's source id is an e-mail's Message-ID (a mail archive's): the desk
    then remembers it, so that live mail answering it threads into the imported ticket."""
    return (
        source_id.startswith("<")
        and source_id.endswith(">")
        and "@" in source_id
        and " " not in source_id
    )


def placeholder_email(system: str, kind: str, source_id: str) -> str:
    """An address for someone the source knew without one; it cannot receive mail."""
    safe = "".join(c if c.isalnum() else "-" for c in f"{system}-{kind}-{source_id}".lower())
    return f"{safe}@{PLACEHOLDER_DOMAIN}"


def is_placeholder_email(email: str) -> bool:
    return email.lower().endswith(".invalid")


def deleted_person(source_id: str) -> ImportedPerson:
    """Who wrote or asked when the source no longer knows them."""
    return ImportedPerson(
        source_id=source_id,
        name=f"Deleted user #{source_id}",
        email=None,
        role=PersonRole.CUSTOMER,
        organisation_source_id=None,
        created_at=None,
        active=False,
    )


@dataclass(frozen=True)
class RowReport:
    kind: RecordKind
    where: str
    source_id: str | None
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class MissingAttachment:
    ticket_source_id: str
    comment_source_id: str
    filename: str
    url: str | None
    reason: str


@dataclass
class ImportReport:
    system: str
    dry_run: bool = False
    counts: Counter[tuple[RecordKind, Outcome]] = field(default_factory=Counter)
    rows: list[RowReport] = field(default_factory=list)  # every failed or skipped-with-reason
    attachments_fetched: int = 0
    missing_attachments: list[MissingAttachment] = field(default_factory=list)
    searchable_tickets: int | None = None  # tickets in the index after the run
    training_queued: bool = False
    # A tierdesk export's import counts by file (its records are lines, not neutral records).
    by_file: Counter[tuple[str, Outcome]] = field(default_factory=Counter)
    # Held-back figures of a triage model trained after the run, by field (``--train``).
    triage_figures: dict[str, dict[str, float]] | None = None

    def count(
        self,
        kind: RecordKind,
        outcome: Outcome,
        reason: str = "",
        where: str = "",
        source_id: str | None = None,
    ) -> None:
        self.counts[(kind, outcome)] += 1
        if reason:
            self.rows.append(RowReport(kind, where, source_id, outcome, reason))

    def total(self, outcome: Outcome) -> int:
        return sum(n for (_, o), n in self.counts.items() if o is outcome) + sum(
            n for (_, o), n in self.by_file.items() if o is outcome
        )

    def as_dict(self) -> dict[str, Any]:
        kinds = sorted({k for k, _ in self.counts}, key=list(RecordKind).index)
        return {
            "system": self.system,
            "dry_run": self.dry_run,
            "counts": {str(k): {str(o): self.counts[(k, o)] for o in Outcome} for k in kinds},
            **({"files": self._files()} if self.by_file else {}),
            "totals": {str(o): self.total(o) for o in Outcome},
            "problems": [
                {
                    "kind": str(r.kind),
                    "where": r.where,
                    "source_id": r.source_id,
                    "outcome": str(r.outcome),
                    "reason": r.reason,
                }
                for r in self.rows
            ],
            "attachments": {
                "fetched": self.attachments_fetched,
                "missing": [asdict(m) for m in self.missing_attachments],
            },
            "searchable_tickets": self.searchable_tickets,
            "triage_training_queued": self.training_queued,
            "triage_figures": self.triage_figures,
        }

    def _files(self) -> dict[str, dict[str, int]]:
        names = list(dict.fromkeys(name for name, _ in self.by_file))
        return {n: {str(o): self.by_file[(n, o)] for o in Outcome} for n in names}
