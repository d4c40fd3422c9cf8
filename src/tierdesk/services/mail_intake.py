"""The SMTP listener's intake: store first, answer 250, then process.

A sending server waits for our answer to every message, and processing one (parsing, threading,
opening the ticket and everything its handlers do) takes far longer than storing it. So the
listener's half, ``accept_email``, stores the bytes and claims the message's identity as a
``received`` record in one short transaction (``accept_emails``: the messages that arrived
meanwhile together), and the sender hears 250 once that has committed:
from then on the mail is the desk's, a re-send of it is a duplicate, and a crash loses nothing.
``MailIntake`` then turns the received records into their outcomes (``process_received``, the
same processing as ``services/mail.py::receive_email``), oldest first, one transaction each that
starts by taking its record: a crash mid-way rolls it back to ``received``. At start it picks up
whatever an earlier process acknowledged and never processed.

Oldest first matters: a customer's reply sent right after our 250 for their first mail must
find the ticket that mail opened. It also makes processing single-flight across processes, with
no lease: every intake takes the oldest ``received`` row, and the claim is uncommitted until the
processing transaction commits, so to every other intake that row is still the oldest
``received`` one; a second intake (another listener process, or host) takes the same row,
waits for the first one's transaction (PostgreSQL's row lock, SQLite's one writer), finds it
processed and moves on to the next. (Two intakes overlap only where a batch commits after a
later id's: such messages cannot be a reply and its original, since a reply is stored after
its original's 250.) Hence never commit a claim ahead of its processing, nor skip claimed rows
(``SKIP LOCKED``): either would let two intakes process a reply beside its original
(``tests/email/test_two_intakes.py``). More listeners share acknowledging, not processing.

What a sender hears is as before: 550 for an address that is not ours, 552 for mail over the
size limit, 451 when the mail cannot be stored (the database or disk is away: the sender keeps
it and retries); everything stored is answered 250, and what cannot become a message on a
ticket is quarantined, for an admin, as before. New is the case processing itself fails (before,
the sender heard 451 and retried, for days): intake retries with growing pauses — for as long
as the database is away, and ``attempts`` times for any other failure — and then quarantines
the mail as ``processing-failed`` with the error, so that it stops holding up the mail behind it
and an admin sees it and can reprocess it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext

from tierdesk.domain.inbound import EmailIdentity, InboundOutcome
from tierdesk.errors import ConflictError
from tierdesk.services.mail import MailDesk, Receipt, process_inbound, set_aside
from tierdesk.services.mail_threading import MailSource

log = logging.getLogger(__name__)


def accept_email(mail: MailDesk, raw: bytes, source: MailSource) -> Receipt:
    """Store a message as it came, to be processed after the sender has had its answer. When
    this returns the mail is stored (``received``), or was already (a duplicate: a sender
    retrying, or the same mail delivered twice). The receipt names no ticket."""
    identity = mail.reader.identify(raw)
    desk = mail.desk
    with desk.uow() as uow:
        existing = uow.mail.find_inbound(identity)
        if existing is not None:
            return Receipt(existing.id, existing.outcome, duplicate=True, reason=existing.reason)
        raw_key = desk.files.put(raw, "message/rfc822", "message.eml").storage_key
        now = desk.clock.now()
        try:
            record_id = uow.mail.add_inbound(
                source.name, identity, len(raw), raw_key, now, InboundOutcome.RECEIVED
            )
        except ConflictError:
            pass  # a copy being stored at the same moment won: this transaction is spoiled
        else:
            uow.commit()
            return Receipt(record_id, InboundOutcome.RECEIVED)
    with desk.uow() as uow:
        existing = uow.mail.find_inbound(identity)
        if existing is None:
            raise ConflictError("the message collided with a copy that then vanished; retry")
        return Receipt(existing.id, existing.outcome, duplicate=True, reason=existing.reason)


def accept_emails(mail: MailDesk, raws: Sequence[bytes], source: MailSource) -> list[Receipt]:
    """``accept_email`` for several messages in one transaction: the listener stores what
    arrived while it was storing the last batch together, one commit (one fsync) for all.
    Raises ConflictError when a copy of one is being stored by another transaction at the
    same moment (the caller stores them one by one then)."""
    desk = mail.desk
    receipts: list[Receipt] = []
    with desk.uow() as uow:
        now = desk.clock.now()
        batch: dict[EmailIdentity, int] = {}
        for raw in raws:
            identity = mail.reader.identify(raw)
            existing = uow.mail.find_inbound(identity) if identity not in batch else None
            if identity in batch:
                receipts.append(Receipt(batch[identity], InboundOutcome.RECEIVED, duplicate=True))
            elif existing is not None:
                receipts.append(
                    Receipt(existing.id, existing.outcome, duplicate=True, reason=existing.reason)
                )
            else:
                raw_key = desk.files.put(raw, "message/rfc822", "message.eml").storage_key
                record_id = uow.mail.add_inbound(
                    source.name, identity, len(raw), raw_key, now, InboundOutcome.RECEIVED
                )
                batch[identity] = record_id
                receipts.append(Receipt(record_id, InboundOutcome.RECEIVED))
        uow.commit()
    return receipts


def next_received(mail: MailDesk) -> int | None:
    """The oldest accepted message still waiting to be processed."""
    with mail.desk.uow() as uow:
        return uow.mail.next_received()


def process_received(mail: MailDesk, record_id: int) -> Receipt | None:
    """Turn one accepted message into its outcome, as ``receive_email`` would have; None when
    it is no longer waiting (processed by another process meanwhile)."""
    desk = mail.desk
    with desk.uow() as uow:
        if not uow.mail.claim_received(record_id):
            return None
        record = uow.mail.get_inbound(record_id)
        assert record is not None
        raw = desk.files.open(record.raw_key)
        now = desk.clock.now()
        source = mail.source(record.mailbox)
        processed = process_inbound(uow, mail, raw, source, record_id, now, reprocess=False)
        uow.mail.finish_inbound(record_id, processed.result, now)
        uow.commit()
        ticket = processed.ticket  # numbered by the commit
        return Receipt(
            inbound_id=record_id,
            outcome=processed.result.outcome,
            ticket_number=ticket.number if ticket is not None else None,
            reason=processed.result.reason,
        )


class _TryAgainError(Exception):
    """Processing a message failed and was logged; pause before its next attempt."""


class WriterTurns:
    """Whose turn it is to write, inside one process, on a database with a single writer
    (SQLite): acknowledgements first. Intake takes its turn once no acknowledgement has been
    under way for ``quiet`` seconds, or when it has waited ``longest`` seconds (so that a long
    burst still sees its tickets open, slowly) — in either case only between two of them. Without
    this, an acknowledgement waiting for SQLite's lock sleeps in its busy handler through much of
    the next processing transaction too, and the burst is acknowledged at the processing rate."""

    def __init__(self, quiet: float = 0.1, longest: float = 1.0) -> None:
        self._quiet = quiet
        self._longest = longest
        self._turn = threading.Condition()
        self._acknowledging = 0
        self._processing = False
        self._last = float("-inf")

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        with self._turn:
            self._turn.wait_for(lambda: not self._processing)
            self._acknowledging += 1
        try:
            yield
        finally:
            with self._turn:
                self._acknowledging -= 1
                self._last = time.monotonic()
                self._turn.notify_all()

    @contextmanager
    def processing(self) -> Iterator[None]:
        give_way_until = time.monotonic() + self._longest
        with self._turn:
            while True:
                now = time.monotonic()
                if not self._acknowledging and (
                    now - self._last >= self._quiet or now >= give_way_until
                ):
                    break
                wake = min(self._last + self._quiet, give_way_until) - now
                self._turn.wait(max(wake, 0.005))
            self._processing = True
        try:
            yield
        finally:
            with self._turn:
                self._processing = False
                self._turn.notify_all()


class MailIntake:
    """``accept`` (called by the listener for each message, from its threads) stores and wakes
    the intake thread (``start``/``stop``), which processes what is waiting, oldest first.
    ``retry_later`` says which failures mean "the database is away" (retried without counting);
    any other failure is retried ``attempts`` times, pausing ``pause`` seconds and four times
    longer each time, and then the message is quarantined."""

    def __init__(
        self,
        mail: MailDesk,
        source: MailSource,
        *,
        retry_later: Callable[[BaseException], bool] = lambda _error: False,
        attempts: int = 4,
        pause: float = 1.0,
        idle: float = 30.0,
        turns: WriterTurns | None = None,
    ) -> None:
        self.mail = mail
        self.source = source
        self._retry_later = retry_later
        self._attempts = attempts
        self._pause = pause
        self._idle = idle  # a look for mail other processes acknowledged, when nothing woke us
        self._turns = turns
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failures: dict[int, int] = {}
        self._thread: threading.Thread | None = None

    def accept(self, raw: bytes) -> Receipt:
        return self.accept_batch([raw])[0]

    def accept_batch(self, raws: Sequence[bytes]) -> list[Receipt]:
        """Store messages (in one transaction when they can be) and wake the intake thread."""
        turn: AbstractContextManager[None] = (
            self._turns.acknowledging() if self._turns else nullcontext()
        )
        with turn:
            try:
                receipts = accept_emails(self.mail, raws, self.source)
            except ConflictError:  # a copy was being stored elsewhere: one at a time sorts it out
                receipts = [accept_email(self.mail, raw, self.source) for raw in raws]
        self._wake.set()
        return receipts

    def process_next(self) -> bool:
        """Process the oldest waiting message; False when none is waiting. A failure is
        counted, and after ``attempts`` of them the message is set aside (quarantined)."""
        record_id = next_received(self.mail)
        if record_id is None:
            return False
        turn: AbstractContextManager[None] = (
            self._turns.processing() if self._turns else nullcontext()
        )
        try:
            with turn:
                process_received(self.mail, record_id)
        except Exception as error:  # counted here; run_forever pauses and goes on
            if self._retry_later(error):
                raise
            failures = self._failures.get(record_id, 0) + 1
            if failures < self._attempts:
                self._failures[record_id] = failures
                log.warning(
                    "processing received mail %s failed (attempt %s of %s); trying again",
                    record_id,
                    failures,
                    self._attempts,
                    exc_info=True,
                )
                raise _TryAgainError from error
            log.exception(
                "processing received mail %s failed %s times; quarantined", record_id, failures
            )
            detail = f"processing failed {failures} times; last: {type(error).__name__}: {error}"
            set_aside(self.mail, record_id, detail[:2000])
        self._failures.pop(record_id, None)
        return True

    def drain(self) -> int:
        """Process everything waiting, in this thread (failures propagate); how many."""
        done = 0
        while self.process_next():
            done += 1
        return done

    def run_forever(self) -> None:
        pause = self._pause
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if self.process_next():
                    pause = self._pause
                else:
                    self._wake.wait(self._idle)
                continue
            except _TryAgainError:
                pass  # logged with its attempt
            except Exception as error:  # the job boundary: nothing may end the intake thread
                if self._retry_later(error):
                    log.warning("intake: the database is away (%s); again in %.0f s", error, pause)
                else:
                    log.exception("intake: a round failed; again in %.0f s", pause)
            self._stop.wait(pause)
            pause = min(pause * 4, 300.0)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("this intake was started already")
        self._thread = threading.Thread(target=self.run_forever, name="mail-intake", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop after the message being processed; True once stopped. What is still waiting
        stays ``received`` for the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()
