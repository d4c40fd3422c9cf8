"""Storing a batch of imported tickets (``services/imports.py``): each with its own times,
status and thread, and one ``ticket.imported`` event — no mail, no rules, no SLA clocks, no
triage (services/handlers.py). A changed ticket takes the source's fields and only its new
comments; the people and organisations it names were stored by ``import_records.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.imports import (
    TICKET_IMPORTED,
    ImportedComment,
    ImportedPerson,
    ImportedTicket,
    Outcome,
    PersonRole,
    RecordKind,
    SourceRow,
    deleted_person,
    fingerprint,
    is_message_id,
)
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Contact, SystemActor
from tierdesk.domain.tickets import Status, Ticket, normalise_tags
from tierdesk.errors import TicketNotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.imports import ImportedRecordRef
from tierdesk.services.access import access_ticket, desk_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.import_records import (
    IMPORT_TIER,
    MAX_TAG,
    BatchWriter,
    Done,
    FetchedAttachments,
)
from tierdesk.services.tickets import CatalogRef, resolve_catalog


class TicketWriter(BatchWriter):
    def __init__(self, uow: UnitOfWork, desk: Desk, system: str, actor: SystemActor) -> None:
        super().__init__(uow, desk, system, actor)
        # Archived mail's Message-IDs, remembered once the batch has ids (settle).
        self._threaded: list[tuple[str, Ticket, Message]] = []

    def settle(self) -> None:
        threaded, self._threaded = self._threaded, []
        super().settle()  # flushed: the tickets and messages have their ids
        for header_id, ticket, message in threaded:
            assert ticket.id is not None
            # Live mail answering it now threads into the imported ticket (mail_threading.py).
            direction = "out" if message.author_kind == "agent" else "in"
            self.uow.mail_threads.remember_message_id(header_id, ticket.id, message.id, direction)

    def tickets(self, rows: list[SourceRow], files: FetchedAttachments) -> list[Done]:
        records = [r.record for r in rows if isinstance(r.record, ImportedTicket)]
        known = self._known(RecordKind.TICKET, [t.source_id for t in records])
        joined = self._known(RecordKind.JOINED, [t.source_id for t in records])
        comments = self._known(
            RecordKind.COMMENT, [c.source_id for t in records for c in t.comments]
        )
        people = {
            t
            for record in records
            for t in (
                record.requester_source_id,
                record.assignee_source_id,
                *(c.author_source_id for c in record.comments),
            )
            if t
        }
        self.contacts = self._known(RecordKind.CONTACT, sorted(people))
        self.agents = self._known(RecordKind.AGENT, sorted(people))
        self.orgs = self._known(
            RecordKind.ORGANISATION, [t.organisation_source_id or "" for t in records]
        )
        done = []
        for row in rows:
            record = row.record
            assert isinstance(record, ImportedTicket)
            fp, ref = fingerprint(record), known.get(record.source_id)
            joined_ref = joined.get(record.source_id)
            stored = ref or joined_ref
            if stored is not None and stored.fingerprint == fp:
                done.append(Done(row, RecordKind.TICKET, Outcome.SKIPPED))
                continue
            target = self._answered(record, joined_ref) if ref is None else None
            if target is not None:
                self._join(record, target, comments, files)
                self._remember(RecordKind.JOINED, record.source_id, target, fp)
                reason = f"threaded into the desk's ticket {target.number}"
                done.append(Done(row, RecordKind.TICKET, Outcome.UPDATED, reason))
                continue
            ticket = desk_ticket(self.uow, ref.record_id, why="history import") if ref else None
            outcome = Outcome.UPDATED if ticket is not None else Outcome.CREATED
            ticket = self._store_ticket(record, ticket, comments, files)
            self._remember(RecordKind.TICKET, record.source_id, ticket, fp)
            done.append(Done(row, RecordKind.TICKET, outcome))
        self.settle()
        return done

    def _requester(self, source_id: str | None) -> Contact:
        source_id = source_id or "unknown"
        ref = self.contacts.get(source_id)
        contact = self._contact_by_id(ref.record_id) if ref else None
        if contact is not None:
            return contact
        # Not an end user the export knows: a deleted user, or an agent asking for themselves
        # (the desk's requesters are contacts, so an agent gets a contact twin).
        agent_ref = self.agents.get(source_id)
        agent = self._agent_by_id(agent_ref.record_id) if agent_ref else None
        stand_in = deleted_person(source_id)
        if agent is not None:
            stand_in = ImportedPerson(
                source_id, agent.name, None, PersonRole.CUSTOMER, None, None, active=False
            )
        if source_id not in self._stand_ins:
            _, _, made = self._contact(stand_in, None, {})
            assert made is not None
            self.uow.flush()  # the ticket names it by id (rare: a requester the export lost)
            self._stand_ins[source_id] = made
        return self._stand_ins[source_id]

    def _author(self, comment: ImportedComment, requester: Contact) -> tuple[str, int | None, str]:
        source_id = comment.author_source_id
        if source_id and source_id in self.agents:
            agent = self._agent_by_id(self.agents[source_id].record_id)
            if agent is not None:
                return "agent", agent.id, agent.name
        if source_id and source_id in self.contacts:
            contact = self._contact_by_id(self.contacts[source_id].record_id)
            if contact is not None:
                return "contact", contact.id, contact.name
        if source_id is None:  # the source does not say: the requester's words
            return "contact", requester.id, requester.name
        return "contact", None, f"Deleted user #{source_id}"

    def _message(
        self, comment: ImportedComment, requester: Contact, files: FetchedAttachments
    ) -> Message:
        author_kind, author_id, author_name = self._author(comment, requester)
        if not comment.public:
            kind = MessageKind.INTERNAL_NOTE  # never shown to a customer, whoever wrote it
        elif author_kind == "agent":
            kind = MessageKind.PUBLIC_REPLY
        else:
            kind = MessageKind.CUSTOMER
        html = self.desk.sanitise_html(comment.html) if comment.html else None
        text = comment.text or (self.desk.html_to_text(html) if html else "")
        if not text.strip():
            text = "(no text)"
        return Message(
            kind=kind,
            author_kind=author_kind,
            author_id=author_id,
            author_name=author_name,
            body_text=text.strip(),
            body_html=html,
            created_at=comment.created_at,
            channel=comment.channel,
            # Copies: a batch retried row by row hands the same fetched files to a new session.
            attachments=[
                replace(a, id=None, message_id=None)
                for a in files.stored.get(comment.source_id, [])
            ],
        )

    def _add_messages(
        self,
        ticket: Ticket,
        new: list[ImportedComment],
        requester: Contact,
        files: FetchedAttachments,
    ) -> None:
        messages = [self._message(c, requester, files) for c in new]
        ticket.messages = [*ticket.messages, *messages]
        replies = [m.created_at for m in ticket.messages if m.kind is MessageKind.PUBLIC_REPLY]
        ticket.first_response_at = min(replies) if replies else None
        for comment, message in zip(new, messages, strict=True):
            self._remember(RecordKind.COMMENT, comment.source_id, message, fingerprint(comment))
            if is_message_id(comment.source_id):
                self._threaded.append((comment.source_id, ticket, message))

    def _answered(self, record: ImportedTicket, joined: ImportedRecordRef | None) -> Ticket | None:
        """The desk's own ticket a mail thread answers, found as live intake finds it (by the
        Message-IDs it answers, else the ticket number in its subject) and only when its
        requester may write to it; or the one an earlier run threaded it into."""
        if joined is not None:
            return desk_ticket(self.uow, joined.record_id, why="history import")
        if not record.answers and not record.ticket_number:
            return None
        ticket_id = self.uow.mail_threads.ticket_for_message_ids(list(record.answers))
        ticket = desk_ticket(self.uow, ticket_id, why="mail threading") if ticket_id else None
        if ticket is None and record.ticket_number:
            ticket = desk_ticket(self.uow, record.ticket_number, why="mail threading")
        if ticket is None or ticket.id is None:
            return None
        requester = self._requester(record.requester_source_id)
        try:
            return access_ticket(self.uow, requester, ticket.id, self.desk.ticket_prefix)
        except TicketNotFoundError:
            return None

    def _join(
        self,
        record: ImportedTicket,
        ticket: Ticket,
        comments: dict[str, ImportedRecordRef],
        files: FetchedAttachments,
    ) -> None:
        """Add a thread's new messages to the desk's ticket it answered; its status, fields
        and clocks stay the desk's (history does not reopen or reassign it)."""
        new = [c for c in record.comments if c.source_id not in comments]
        self._add_messages(ticket, new, self._requester(record.requester_source_id), files)
        ticket.pending_events.append(
            audit_event(
                "ticket",
                TICKET_IMPORTED,
                self.actor,
                record.updated_at,
                changes={
                    "source": self.system,
                    "source_id": record.source_id,
                    "messages": len(new),
                    "threaded": True,
                },
            )
        )
        ticket.updated_at = max(ticket.updated_at, record.updated_at)

    def _store_ticket(
        self,
        record: ImportedTicket,
        ticket: Ticket | None,
        comments: dict[str, ImportedRecordRef],
        files: FetchedAttachments,
    ) -> Ticket:
        requester = self._requester(record.requester_source_id)
        assert requester.id is not None
        org_ref = self.orgs.get(record.organisation_source_id or "")
        organisation_id = org_ref.record_id if org_ref else requester.organisation_id
        assignee_ref = self.agents.get(record.assignee_source_id or "")
        values: dict[str, Any] = {
            "subject": record.subject,
            "requester_id": requester.id,
            "organisation_id": organisation_id,
            "channel": record.channel,
            "type": record.type,
            "priority": record.priority,
            "status": record.status,
            "assignee_id": assignee_ref.record_id if assignee_ref else None,
            "tags": normalise_tags([t[:MAX_TAG] for t in record.tags]),
            "solved_at": record.solved_at,
            "closed_at": record.updated_at if record.status is Status.CLOSED else None,
        }
        if record.product is not None:
            # An unknown product fails the row (InvalidInputError), reported with its reason.
            values["product_id"] = resolve_catalog(uow=self.uow, ref=CatalogRef(record.product))[0]
        missing = [m.filename for m in files.missing if m.ticket_source_id == record.source_id]
        fields = dict(record.custom_fields)
        if missing:
            fields["import_missing_attachments"] = missing
        new = [c for c in record.comments if c.source_id not in comments]
        if ticket is None:
            ticket = Ticket(
                created_at=record.created_at,
                updated_at=record.updated_at,
                tier=IMPORT_TIER,
                custom_fields=fields,
                **values,
            )
            self.uow.tickets.add(ticket)
            changes: dict[str, Any] = {"status": str(record.status), "messages": len(new)}
        else:
            changes = {
                name: [_plain(getattr(ticket, name)), _plain(value)]
                for name, value in values.items()
                if getattr(ticket, name) != value
            }
            for name, value in values.items():
                setattr(ticket, name, value)
            ticket.custom_fields = {**ticket.custom_fields, **fields}
            if new:
                changes["messages"] = len(new)
        self._add_messages(ticket, new, requester, files)
        event = audit_event(
            "ticket",
            TICKET_IMPORTED,
            self.actor,
            # At the ticket's own last change, not the import's: the metrics count a ticket
            # as active in a period by its trail, and the import is not activity of its own.
            record.updated_at,
            changes={"source": self.system, "source_id": record.source_id, **changes},
        )
        ticket.pending_events.append(event)
        ticket.updated_at = record.updated_at  # its own time, not the import's
        stored_rating = ticket.id is not None and self.uow.csat.for_ticket(ticket.id) is not None
        if record.rating is not None and not stored_rating:
            self._ratings.append((ticket, requester, record.rating))
        return ticket


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return str(value) if hasattr(value, "value") else value
