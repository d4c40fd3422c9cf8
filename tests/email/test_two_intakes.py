"""Two SMTP listeners on one desk (two ``tierdesk mail listen`` processes on PostgreSQL, or two
hosts): both store and acknowledge, and processing stays single-flight, oldest first, so that
a reply stored through one listener joins the ticket its original, stored through the other,
opens — and no message is processed twice."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Row, func, select

from tests.email.builders import compose_mail, new_message_id
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.adapters.db.tables import messages
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.inbound import InboundEmail, InboundOutcome
from tierdesk.domain.people import Organisation
from tierdesk.mail_bootstrap import mail_desk, mail_intake
from tierdesk.ports import EmailReader
from tierdesk.services.mail import MailDesk
from tierdesk.services.mail_intake import MailIntake


class _HeldReader:
    """The real reader, except that reading ``held`` waits until the test lets it go: the
    processing transaction of that message stays open meanwhile, as a slow one would."""

    def __init__(self, reader: EmailReader, held: str) -> None:
        self._reader = reader
        self._held = held
        self.reading = threading.Event()
        self.release = threading.Event()

    def identify(self, raw: bytes) -> Any:
        return self._reader.identify(raw)

    def parse(self, raw: bytes, *, lenient: bool = False) -> InboundEmail:
        email = self._reader.parse(raw, lenient=lenient)
        if email.message_id == self._held:
            self.reading.set()
            assert self.release.wait(60), "the test never released the held message"
        return email


@pytest.fixture
def second(settings: Settings, clock: FixedClock) -> Iterator[Tierdesk]:
    """The same desk bootstrapped a second time: another listener process's own engine."""
    application = bootstrap(settings, clock=clock)
    yield application
    application.close()


def _records(app: Tierdesk) -> list[Row[Any]]:
    with app.engine.connect() as connection:
        return list(connection.execute(select(inbound_emails).order_by(inbound_emails.c.id)))


def _ticket_messages(app: Tierdesk) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(messages)) or 0)


def _run(intake: MailIntake) -> threading.Thread:
    thread = threading.Thread(target=intake.drain, daemon=True)
    thread.start()
    return thread


def test_a_second_intake_processes_nothing_while_the_first_processes_the_original(
    app: Tierdesk, second: Tierdesk, mail: MailDesk, acme: Organisation
) -> None:
    original = new_message_id()
    held = _HeldReader(mail.reader, original)
    first = mail_intake(app, dataclasses.replace(mail, reader=held))
    other = mail_intake(second, mail_desk(second))
    first.accept(compose_mail(subject="Calls drop", message_id=original))
    other.accept(compose_mail(subject="Re: Calls drop", in_reply_to=original))

    processing_original = _run(first)
    assert held.reading.wait(60), "the first intake never took the original"
    processing_reply = _run(other)
    processing_reply.join(1.0)  # time enough to open a second ticket, were it allowed to
    reply_meanwhile = _records(second)[1].outcome
    held.release.set()
    processing_original.join(60)
    processing_reply.join(60)

    assert reply_meanwhile is InboundOutcome.RECEIVED  # it waits for its original
    original_record, reply_record = _records(app)
    assert original_record.outcome is InboundOutcome.STORED
    assert reply_record.outcome is InboundOutcome.STORED
    assert reply_record.ticket_id == original_record.ticket_id
    assert _ticket_messages(app) == 2


def test_replies_stored_through_one_listener_join_originals_stored_through_the_other(
    app: Tierdesk, second: Tierdesk, mail: MailDesk, acme: Organisation
) -> None:
    one = mail_intake(app, mail)
    other = mail_intake(second, mail_desk(second))
    one.start()
    other.start()
    try:
        originals = []
        for n in range(12):
            message_id = new_message_id()
            one.accept(compose_mail(subject=f"Problem {n}", message_id=message_id))
            other.accept(compose_mail(subject=f"Re: Problem {n}", in_reply_to=message_id))
            originals.append(message_id)
        for intake in (one, other):
            intake.drain()  # beside the intake threads: a third claimant, as a restart would be
    finally:
        assert one.stop(60) and other.stop(60)

    records = _records(app)
    assert [r.outcome for r in records] == [InboundOutcome.STORED] * 24
    for original, reply in zip(records[::2], records[1::2], strict=True):
        assert reply.ticket_id == original.ticket_id, original.subject
    assert len({r.ticket_id for r in records}) == 12
    assert _ticket_messages(app) == 24
