"""A CSV file of another desk's tickets (one per row) or messages (one per row, grouped by
ticket key), read by a column-to-field mapping (``domain/csv_rows.py``).

The file is read whole before anything is stored: the mapping is checked against its header
first (a column it names that the file lacks stops the import before anything is stored), and
people and organisations are taken only from rows that read cleanly, so a bad row leaves no
contact behind either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tierdesk.domain.csv_rows import (
    REQUIRED,
    RowShape,
    TicketValues,
    email_address,
    field_name,
    is_public,
    message_source_id,
    read_time,
    ticket_values,
)
from tierdesk.domain.imports import (
    BY_MAIL_DOMAIN,
    ImportedComment,
    ImportedOrganisation,
    ImportedPerson,
    ImportedTicket,
    PersonRole,
    RecordKind,
    SourceRow,
    short_source_id,
    source_system,
)
from tierdesk.domain.ticket_values import Status
from tierdesk.errors import InvalidInputError, NotFoundError

_DELIMITERS = ",;\t|"
_sid = short_source_id  # an address or key as a source id that fits its column


@dataclass
class _Message:
    where: str
    source_id: str
    author: str | None
    author_name: str
    public: bool
    body: str
    at: datetime


@dataclass
class _Ticket:
    where: str
    key: str
    values: dict[str, str]
    messages: list[_Message] = field(default_factory=list)


class CsvFile:
    def __init__(
        self,
        path: Path,
        mapping: Mapping[str, str],
        *,
        shape: RowShape = RowShape.TICKETS,
        system: str | None = None,
        date_format: str | None = None,
        tag_separator: str = ",",
        agent_addresses: frozenset[str] = frozenset(),
    ) -> None:
        if not path.is_file():
            raise NotFoundError(f"{path}: no such file")
        self.path, self.shape, self.date_format = path, shape, date_format
        self.tag_separator = tag_separator or ","
        self.system = source_system("csv", system, path.stem)
        self.agent_addresses = frozenset(a.lower() for a in agent_addresses)
        columns: dict[str, str] = {}  # field -> column
        for column, name in mapping.items():
            target = field_name(name)
            if target in columns:
                raise InvalidInputError(
                    f"two columns map to {target}: {columns[target]!r} and {column!r}", field="map"
                )
            columns[target] = column
        missing_fields = [f for f in REQUIRED[shape] if f not in columns]
        if missing_fields:
            raise InvalidInputError(
                f"the mapping names no column for {', '.join(missing_fields)} "
                f"(needed for one {shape.rstrip('s')} per row)",
                field="map",
            )
        reader = csv.reader(io.StringIO(_text(path), newline=""), _dialect(path))
        header = [h.strip() for h in next(reader, [])]
        absent = [c for c in columns.values() if c not in header]
        if absent:
            raise InvalidInputError(
                f"{path.name} has no column {', '.join(repr(c) for c in absent)}; "
                f"its columns: {', '.join(header) or '(none)'}",
                field="map",
            )
        at = {f: header.index(c) for f, c in columns.items()}
        self._problems: list[SourceRow] = []
        self._tickets: dict[str, _Ticket] = {}
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            where = f"{path.name} line {reader.line_num}"
            values = {f: (cells[i] if i < len(cells) else "") for f, i in at.items()}
            self._take(where, values)
        self._read()

    # -- reading ----------------------------------------------------------------------------

    def _take(self, where: str, values: dict[str, str]) -> None:
        key = short_source_id(values["key"].strip())
        if not key:
            self._problems.append(
                SourceRow(RecordKind.TICKET, where, None, problem="the ticket key is empty")
            )
            return
        if self.shape is RowShape.TICKETS:
            if key in self._tickets:
                self._problems.append(
                    SourceRow(
                        RecordKind.TICKET,
                        where,
                        key,
                        problem=f"ticket key {key!r} again ({self._tickets[key].where})",
                    )
                )
                return
            self._tickets[key] = _Ticket(where, key, values)
            return
        ticket = self._tickets.setdefault(key, _Ticket(where, key, values))
        for name, value in values.items():  # ticket fields from the first row that has them
            if value.strip() and not ticket.values.get(name, "").strip():
                ticket.values[name] = value
        try:
            author = email_address(values.get("author_email", ""), "author_email")
            at = read_time(values["created"], "time", self.date_format)
            body = values["body"].strip()
            if not body:
                raise InvalidInputError("the message is empty", field="body")
            public = is_public(values.get("public", ""))
        except InvalidInputError as exc:
            self._problems.append(SourceRow(RecordKind.COMMENT, where, key, problem=exc.message))
            return
        ticket.messages.append(
            _Message(
                where,
                short_source_id(message_source_id(key, author or "", at, body)),
                author,
                values.get("author_name", "").strip(),
                public,
                body,
                at,
            )
        )

    def _read(self) -> None:
        """Every ticket as a record (or a problem), then the people and organisations of the
        tickets that read cleanly."""
        self._rows: list[SourceRow] = list(self._problems)
        self._people: dict[str, ImportedPerson] = {}
        self._orgs: dict[str, ImportedOrganisation] = {}
        # Who was assigned tickets is an agent wherever they write (the messages shape).
        self._assignees = {
            t.values.get("assignee_email", "").strip().lower() for t in self._tickets.values()
        } - {""}
        for ticket in self._tickets.values():
            try:
                record = self._ticket(ticket)
            except InvalidInputError as exc:
                self._rows.append(
                    SourceRow(RecordKind.TICKET, ticket.where, ticket.key, problem=exc.message)
                )
                continue
            self._rows.append(SourceRow(RecordKind.TICKET, ticket.where, ticket.key, record))

    def _ticket(self, ticket: _Ticket) -> ImportedTicket:
        v = ticket.values
        first = ticket.messages[0].body.splitlines()[0] if ticket.messages else ""
        values = ticket_values(v, self.tag_separator, self.date_format, default_subject=first)
        requester_email = email_address(v.get("requester_email", ""), "requester_email")
        assignee = email_address(v.get("assignee_email", ""), "assignee_email")
        organisation = v.get("organisation", "").strip()
        people: dict[str, ImportedPerson] = {}
        orgs: dict[str, ImportedOrganisation] = {}
        org_id = short_source_id(organisation.lower()) if organisation else None
        if org_id is not None:
            orgs[org_id] = ImportedOrganisation(org_id, organisation[:200], None)
        if assignee:
            people[_sid(assignee)] = self._person(assignee, "", PersonRole.AGENT, None)
        if self.shape is RowShape.TICKETS:
            created = read_time(v["created"], "created", self.date_format)
            requester = self._requester(requester_email, v, ticket.key, org_id, people)
            body = v.get("body", "").strip()
            comments: tuple[ImportedComment, ...] = (
                (
                    ImportedComment(
                        f"{ticket.key}#body", requester, True, body, None, created, values.channel
                    ),
                )
                if body
                else ()
            )
        else:
            messages = sorted(ticket.messages, key=lambda m: m.at)
            if not messages:
                raise InvalidInputError("none of the ticket's messages could be read")
            created = messages[0].at
            customers = [m.author for m in messages if m.author and not self._is_agent(m.author)]
            requester = self._requester(
                requester_email or (customers[0] if customers else None),
                {"requester_name": next((m.author_name for m in messages if m.author), "")},
                ticket.key,
                org_id,
                people,
            )
            for m in messages:
                if m.author and _sid(m.author) not in people:
                    role = PersonRole.AGENT if self._is_agent(m.author) else PersonRole.CUSTOMER
                    people[_sid(m.author)] = self._person(m.author, m.author_name, role, org_id)
            comments = tuple(
                ImportedComment(
                    m.source_id,
                    _sid(m.author) if m.author else requester,
                    m.public,
                    m.body,
                    None,
                    m.at,
                    values.channel,
                )
                for m in messages
            )
        assignee_id = _sid(assignee) if assignee else None
        record = _record(ticket.key, values, created, comments, requester, org_id, assignee_id)
        self._people.update({k: p for k, p in people.items() if k not in self._people})
        self._orgs.update({k: o for k, o in orgs.items() if k not in self._orgs})
        return record

    def _is_agent(self, address: str) -> bool:
        return address in self.agent_addresses or address in self._assignees

    def _person(
        self, address: str, name: str, role: PersonRole, org_id: str | None
    ) -> ImportedPerson:
        known = self._people.get(_sid(address))
        if known is not None:
            return known
        return ImportedPerson(
            source_id=_sid(address),
            name=name or address.partition("@")[0],
            email=address,
            role=role,
            organisation_source_id=org_id or BY_MAIL_DOMAIN,
            created_at=None,
        )

    def _requester(
        self,
        address: str | None,
        values: Mapping[str, str],
        key: str,
        org_id: str | None,
        people: dict[str, ImportedPerson],
    ) -> str:
        name = values.get("requester_name", "").strip()
        if address is None:  # a placeholder address is made for them (import_records.py)
            source_id = _sid(f"requester-of-{key}")
            people[source_id] = ImportedPerson(
                source_id, name or f"Requester of {key}", None, PersonRole.CUSTOMER, org_id, None
            )
            return source_id
        if _sid(address) not in people:
            people[_sid(address)] = self._person(address, name, PersonRole.CUSTOMER, org_id)
        return _sid(address)

    # -- ImportSource -----------------------------------------------------------------------

    def count(self, kind: RecordKind) -> int:
        return len(list(self._of(kind)))

    def rows(self, kind: RecordKind) -> Iterator[SourceRow]:
        return self._of(kind)

    def _of(self, kind: RecordKind) -> Iterator[SourceRow]:
        if kind is RecordKind.ORGANISATION:
            for org in self._orgs.values():
                yield SourceRow(kind, f"{self.path.name} organisation", org.source_id, org)
        elif kind is RecordKind.CONTACT:
            for person in self._people.values():
                yield SourceRow(kind, f"{self.path.name} person", person.source_id, person)
        elif kind is RecordKind.TICKET:
            yield from self._rows


def _record(
    key: str,
    values: TicketValues,
    created: datetime,
    comments: tuple[ImportedComment, ...],
    requester: str,
    org_id: str | None,
    assignee: str | None,
) -> ImportedTicket:
    updated = max([values.updated or created, *(c.created_at for c in comments)])
    return ImportedTicket(
        source_id=key,
        subject=values.subject,
        status=values.status,
        priority=values.priority,
        type=values.type,
        channel=values.channel,
        created_at=created,
        updated_at=updated,
        requester_source_id=requester,
        organisation_source_id=org_id,
        assignee_source_id=assignee,
        solved_at=updated if values.status in (Status.SOLVED, Status.CLOSED) else None,
        tags=values.tags,
        custom_fields=(("import_key", key),),
        comments=comments,
        product=values.product,
    )


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        # with or without a byte-order mark; a NUL (an export that wrote one into a field)
        # carries nothing, and neither Python's csv reader nor PostgreSQL's text takes it
        return data.decode("utf-8-sig").replace("\x00", "")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{path.name} is not UTF-8 (byte {exc.start} of it is not): "
            "save it as UTF-8 (with or without BOM) and import it again",
            field="file",
        ) from exc


def _dialect(path: Path) -> type[csv.Dialect] | csv.Dialect:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        sample = stream.read(64 * 1024)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel  # one column, or nothing to tell by: commas
