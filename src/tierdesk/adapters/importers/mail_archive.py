"""A mail archive (an mbox file or a Maildir directory) read as tickets: each message parsed by
the desk's own mail parser (``adapters/email/parse.py``) and threaded as live intake threads
it: by the Message-IDs it answers (In-Reply-To, References), one thread one ticket. What a
thread answers outside the archive, and the ticket number in its subject, go with the ticket
(``answers``, ``ticket_number``): the writer adds the thread to a ticket the desk already has
under them, when its requester may write to it (``services/imported_tickets.py``).

Two passes: the first reads every message for its ids and groups them into threads, keeping
only those; the second parses each thread's messages again as it is handed on, so an archive
of years of mail is never held in memory whole. A message's source id is its Message-ID (a
hash of its content when it has none), so running the import again adds nothing.
"""

from __future__ import annotations

import mailbox
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tierdesk.adapters.email.parse import EmailReader
from tierdesk.domain.imports import (
    BY_MAIL_DOMAIN,
    ImportedAttachment,
    ImportedComment,
    ImportedPerson,
    ImportedTicket,
    PersonRole,
    RecordKind,
    SourceRow,
    short_source_id,
    source_system,
)
from tierdesk.domain.inbound import (
    InboundEmail,
    UnreadableEmailError,
    automated_reason,
    sender_name,
    split_reply,
    thread_keys,
    ticket_number_in_subject,
    ticket_subject,
)
from tierdesk.domain.messages import Channel
from tierdesk.domain.ticket_values import Priority, Status, TicketType
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.ports.imports import FetchedFile

URL_SCHEME = "mailbox:"


@dataclass(frozen=True)
class _Seen:
    """What the first pass keeps of one message."""

    key: str  # the mailbox's key for it
    where: str
    source_id: str
    at: datetime
    sender: str  # the address, lower-cased
    sender_name: str
    to: tuple[str, ...]
    answers: tuple[str, ...]  # the Message-IDs it answers
    number: str | None  # the ticket number in its subject


class MailArchive:
    def __init__(
        self,
        path: Path,
        reader: EmailReader,
        *,
        agent_addresses: frozenset[str] = frozenset(),
        our_addresses: frozenset[str] = frozenset(),
        ticket_prefix: str = "TD",
        system: str | None = None,
    ) -> None:
        self.path, self.reader, self.prefix = path, reader, ticket_prefix
        self.agents = frozenset(a.lower() for a in agent_addresses)
        self.ours = frozenset(a.lower() for a in our_addresses)
        self.system = source_system("mbox", system, path.name)
        self.box = _open(path)
        self._problems: list[SourceRow] = []
        self._threads: list[list[_Seen]] = []
        self._ids: set[str] = set()  # the source ids of the messages threaded
        self._thread_all()

    # -- the first pass ---------------------------------------------------------------------

    def _key(self, key: str) -> str | int:
        return int(key) if isinstance(self.box, mailbox.mbox) else key  # an mbox's are ints

    def _read(self, key: str) -> InboundEmail:
        raw = self.box.get_bytes(self._key(key))  # type: ignore[arg-type]
        try:
            return self.reader.parse(raw)
        except UnreadableEmailError:  # history is kept as well as it reads (the notes say so)
            return self.reader.parse(raw, lenient=True)

    def _thread_all(self) -> None:
        seen: dict[str, _Seen] = {}
        parent: dict[str, str] = {}  # union-find over source ids

        def root(item: str) -> str:
            while parent[item] != item:
                parent[item] = parent[parent[item]]
                item = parent[item]
            return item

        links: list[tuple[str, str]] = []
        for position, key in enumerate(self.box.iterkeys(), start=1):
            key = str(key)
            where = f"{self.path.name} message {position}"
            raw = self.box.get_bytes(self._key(key))  # type: ignore[arg-type]
            identity = self.reader.identify(raw)
            # A Message-ID longer than the column stands in as its hash (not threaded to by
            # later live mail; such ids are rare and mostly broken).
            source_id = short_source_id(identity.message_id or f"<sha256.{identity.content_hash}>")
            try:
                email = self._read(key)
            except UnreadableEmailError as exc:
                self._problems.append(
                    SourceRow(RecordKind.COMMENT, where, source_id, problem=exc.message)
                )
                continue
            skip = automated_reason(email, self.ours)
            if email.bounce is not None:
                skip = "a delivery status notification"
            if skip is None and source_id in seen:
                skip = f"a copy of {seen[source_id].where}"
            at = email.date or self._archive_time(key)
            if skip is None and at is None:
                problem = "no Date header and no delivery time in the archive"
                self._problems.append(
                    SourceRow(RecordKind.COMMENT, where, source_id, problem=problem)
                )
                continue
            if skip is not None or at is None:
                self._problems.append(
                    SourceRow(RecordKind.COMMENT, where, source_id, skip=skip or "")
                )
                continue
            seen[source_id] = _Seen(
                key,
                where,
                source_id,
                at,
                email.from_address.lower(),
                sender_name(email),
                tuple(a.lower() for a in email.to),
                tuple(short_source_id(k) for k in thread_keys(email)),
                # Not a link between archived messages: like live intake, a ticket number
                # only finds the desk's ticket, and only for a sender who may write to it.
                ticket_number_in_subject(email.subject, self.prefix),
            )
            parent[source_id] = source_id
            links += [(source_id, k) for k in seen[source_id].answers]
        for one, other in links:
            if other in parent:
                parent[root(one)] = root(other)
        threads: dict[str, list[_Seen]] = {}
        for source_id, item in seen.items():
            threads.setdefault(root(source_id), []).append(item)
        self._ids = set(seen)
        self._threads = [sorted(t, key=lambda s: (s.at, s.source_id)) for t in threads.values()]
        self._threads.sort(key=lambda t: (t[0].at, t[0].source_id))

    def _archive_time(self, key: str) -> datetime | None:
        """When the archive says a message was delivered: an mbox's ``From`` line, a Maildir's
        delivery time; for a message without a Date header."""
        message = self.box[self._key(key)]  # type: ignore[index]
        if isinstance(message, mailbox.MaildirMessage):
            return datetime.fromtimestamp(message.get_date(), UTC)
        if isinstance(message, mailbox.mboxMessage):
            _, _, stamp = message.get_from().partition(" ")
            try:
                parsed = time.strptime(" ".join(stamp.split()[:5]), "%a %b %d %H:%M:%S %Y")
            except ValueError:
                return None
            return datetime(*parsed[:6], tzinfo=UTC)
        return None

    # -- people and the second pass ---------------------------------------------------------

    def _requester(self, thread: list[_Seen]) -> tuple[str, str]:
        """Who asked (address, name): the first sender who is not an agent; when the desk
        wrote first and nobody answered, its first recipient."""
        for seen in thread:
            if seen.sender not in self.agents:
                return seen.sender, seen.sender_name
        to = [a for a in thread[0].to if a not in self.agents | self.ours]
        address = to[0] if to else thread[0].sender
        return address, address.partition("@")[0]

    def _people_of(self, thread: list[_Seen]) -> list[ImportedPerson]:
        people = {s.sender: self._person(s.sender, s.sender_name) for s in reversed(thread)}
        address, name = self._requester(thread)
        people.setdefault(address, self._person(address, name))
        return list(people.values())

    def _ticket(self, thread: list[_Seen]) -> ImportedTicket:
        emails = [self._read(s.key) for s in thread]
        comments = tuple(
            self._comment(seen, email) for seen, email in zip(thread, emails, strict=True)
        )
        last_by_agent = thread[-1].sender in self.agents
        return ImportedTicket(
            source_id=thread[0].source_id,
            subject=ticket_subject(emails[0].subject),
            status=Status.PENDING_CUSTOMER if last_by_agent else Status.OPEN,
            priority=Priority.P3,
            type=TicketType.QUESTION,
            channel=Channel.EMAIL,
            created_at=thread[0].at,
            updated_at=thread[-1].at,
            requester_source_id=short_source_id(self._requester(thread)[0]),
            comments=comments,
            # What the thread answers outside the archive: a ticket the desk already has.
            answers=tuple(
                dict.fromkeys(k for s in thread for k in s.answers if k not in self._ids)
            ),
            ticket_number=next((s.number for s in thread if s.number), None),
        )

    def _person(self, address: str, name: str) -> ImportedPerson:
        return ImportedPerson(
            source_id=short_source_id(address),
            name=name,
            email=address,
            role=PersonRole.AGENT if address in self.agents else PersonRole.CUSTOMER,
            organisation_source_id=BY_MAIL_DOMAIN,
            created_at=None,
        )

    def _comment(self, seen: _Seen, email: InboundEmail) -> ImportedComment:
        parts = split_reply(email.text, subject=email.subject)
        body = parts.new_text or email.text
        for note in email.notes:
            body += f"\n\n[tierdesk: {note}]"
        if not body.strip():
            body = "(no text; see the attachments)" if email.attachments else "(empty message)"
        return ImportedComment(
            source_id=seen.source_id,
            author_source_id=short_source_id(seen.sender),
            public=True,
            text=body,
            html=None,
            created_at=seen.at,
            channel=Channel.EMAIL,
            attachments=tuple(
                ImportedAttachment(a.filename, f"{URL_SCHEME}{seen.key}#{i}", a.content_type)
                for i, a in enumerate(email.attachments)
            ),
        )

    # -- ImportSource -----------------------------------------------------------------------

    def count(self, kind: RecordKind) -> int:
        if kind is RecordKind.TICKET:
            return len(self._threads) + len(self._problems)
        if kind is RecordKind.CONTACT:
            return len({p.source_id for t in self._threads for p in self._people_of(t)})
        return 0

    def rows(self, kind: RecordKind) -> Iterator[SourceRow]:
        if kind is RecordKind.CONTACT:
            # The people first: a ticket's writer finds its authors by their source ids.
            yielded: set[str] = set()
            for thread in self._threads:
                for person in self._people_of(thread):
                    if person.source_id not in yielded:
                        yielded.add(person.source_id)
                        where = f"{self.path.name} sender {person.source_id}"
                        yield SourceRow(kind, where, person.source_id, person)
        elif kind is RecordKind.TICKET:
            yield from self._problems
            for thread in self._threads:
                yield SourceRow(kind, thread[0].where, thread[0].source_id, self._ticket(thread))

    def fetch(self, url: str, max_bytes: int) -> FetchedFile:
        """An attachment of an archived message (the ``mailbox:`` URLs its comments name)."""
        if not url.startswith(URL_SCHEME):
            return FetchedFile(None, "not a message of this archive")
        key, _, index = url[len(URL_SCHEME) :].rpartition("#")
        try:
            found = self._read(key).attachments[int(index)]
        except (KeyError, IndexError, ValueError, UnreadableEmailError) as exc:
            return FetchedFile(None, f"not in the archive ({exc!r})")
        if len(found.data) > max_bytes:
            return FetchedFile(None, f"larger than the desk's {max_bytes} bytes")
        return FetchedFile(found.data or None, None if found.data else "empty")


def _open(path: Path) -> mailbox.Mailbox[mailbox.Message]:
    if path.is_dir():
        if not ((path / "cur").is_dir() or (path / "new").is_dir()):
            raise InvalidInputError(
                f"{path} is not a Maildir (it has no cur/ or new/ folder)", field="path"
            )
        return mailbox.Maildir(path, create=False)
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file or directory")
    with path.open("rb") as stream:
        start = stream.read(5)
    if start and start != b"From ":
        raise InvalidInputError(
            f"{path} is not an mbox file (it does not start with a 'From ' line)", field="path"
        )
    return mailbox.mbox(path, create=False)
