"""The SMTP listener (aiosmtpd) for direct delivery, wired as ``tierdesk mail listen`` wires it:
250 only once the mail is stored, 451 when it cannot be, no mail accepted for addresses that
are not ours; the stored mail becomes a ticket after the 250, oldest first, and mail that
processing keeps failing on ends in the quarantine rather than nowhere."""

from __future__ import annotations

import shutil
import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, select

from tests.email.builders import compose_mail, new_message_id
from tests.email.servers import free_port
from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.inbound import InboundOutcome
from tierdesk.domain.people import Organisation
from tierdesk.errors import NotFoundError
from tierdesk.mail_bootstrap import mail_desk, mail_intake, smtp_listener
from tierdesk.ports import TicketFilter
from tierdesk.services import mail_admin, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.mail import MailDesk
from tierdesk.services.mail_intake import MailIntake, WriterTurns

SUPPORT = "support@desk.test"


@contextmanager
def _listening(app: Tierdesk, intake: MailIntake) -> Iterator[tuple[str, int]]:
    listener = smtp_listener(app, intake, "127.0.0.1", free_port())
    listener.start()
    try:
        yield listener.address
    finally:
        listener.stop()


def _send(address: tuple[str, int], *mails: bytes) -> None:
    with smtplib.SMTP(*address, timeout=30) as smtp:
        for raw in mails:
            assert smtp.sendmail("max.weber@acme.example", [SUPPORT], raw) == {}


def _records(app: Tierdesk) -> list[Row[Any]]:
    with app.engine.connect() as connection:
        return list(connection.execute(select(inbound_emails).order_by(inbound_emails.c.id)))


def _subjects(mail: MailDesk) -> list[str]:
    page = tickets.list_tickets(mail.desk, SYSTEM, TicketFilter(), 50)
    return sorted(t.subject for t in page.tickets)


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def test_mail_is_stored_before_the_250_and_becomes_a_ticket_after_it(
    app: Tierdesk, mail: MailDesk, acme: Organisation
) -> None:
    raw = compose_mail(subject="By SMTP")
    intake = mail_intake(app, mail)  # not started: nothing processes the mail yet

    with _listening(app, intake) as address:
        _send(address, raw)

    [record] = _records(app)
    assert record.outcome is InboundOutcome.RECEIVED
    assert app.desk.files.open(record.raw_key) == raw
    assert _subjects(mail) == []
    # A later intake — the next start of the listener — processes what was acknowledged.
    assert mail_intake(app, mail_desk(app)).drain() == 1
    assert _subjects(mail) == ["By SMTP"]
    [record] = _records(app)
    assert record.outcome is InboundOutcome.STORED and record.ticket_id is not None


def test_a_message_sent_again_is_acknowledged_again_and_stored_once(
    app: Tierdesk, mail: MailDesk, acme: Organisation
) -> None:
    raw = compose_mail(subject="Sent twice", message_id=new_message_id())
    retried = b"Received: from mx2.acme.example by desk.test; retry\r\n" + raw
    intake = mail_intake(app, mail)

    with _listening(app, intake) as address:
        _send(address, raw, retried)
        intake.drain()
        _send(address, retried)  # once more, after it became a ticket

    assert len(_records(app)) == 1
    assert _subjects(mail) == ["Sent twice"]


def test_a_reply_sent_right_after_the_250_joins_the_ticket_its_original_opens(
    app: Tierdesk, mail: MailDesk, acme: Organisation
) -> None:
    first = new_message_id()
    intake = mail_intake(app, mail)
    intake.start()
    try:
        with _listening(app, intake) as address:
            for n in range(3):  # a backlog ahead of both, so that both wait to be processed
                _send(address, compose_mail(subject=f"Earlier {n}"))
            _send(address, compose_mail(subject="Calls drop", message_id=first))
            _send(address, compose_mail(subject="Re: Calls drop", in_reply_to=first))
            _wait_for(
                lambda: all(r.outcome is InboundOutcome.STORED for r in _records(app)),
                "the mail to be processed",
            )
    finally:
        intake.stop()

    *_, original, reply = _records(app)
    assert reply.ticket_id == original.ticket_id
    assert _subjects(mail) == ["Calls drop", "Earlier 0", "Earlier 1", "Earlier 2"]


def test_mail_that_processing_keeps_failing_on_is_quarantined_and_can_be_reprocessed(
    app: Tierdesk, mail: MailDesk, acme: Organisation, tmp_path: Path
) -> None:
    intake = MailIntake(mail, mail.source("smtp-listener"), attempts=2, pause=0.05)
    receipt = intake.accept(compose_mail(subject="Lost its bytes"))
    [record] = _records(app)
    kept = tmp_path / "kept.eml"
    stored = app.settings.attachments_dir / record.raw_key[:2] / record.raw_key
    shutil.move(stored, kept)  # the file store lost the message: processing cannot read it

    intake.start()
    try:
        _wait_for(lambda: _records(app)[0].outcome is InboundOutcome.QUARANTINED, "the quarantine")
    finally:
        intake.stop()

    [record] = _records(app)
    assert record.reason == "processing-failed"
    assert record.detail is not None and "processing failed 2 times" in record.detail
    assert _subjects(mail) == []
    [listed] = mail_admin.list_quarantine(app.desk, SYSTEM)
    assert listed.id == receipt.inbound_id
    shutil.move(kept, stored)  # the cause is fixed; an admin reprocesses
    assert mail_admin.reprocess(mail, SYSTEM, receipt.inbound_id).outcome is InboundOutcome.STORED
    assert _subjects(mail) == ["Lost its bytes"]


def test_mail_for_an_address_that_is_not_ours_is_refused(app: Tierdesk, mail: MailDesk) -> None:
    with (
        _listening(app, mail_intake(app, mail)) as address,
        smtplib.SMTP(*address, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        smtp.sendmail("a@acme.example", ["someone@elsewhere.example"], compose_mail())


def test_when_the_desk_cannot_store_the_mail_the_sender_is_told_to_retry(
    tmp_path: Path, app: Tierdesk
) -> None:
    # A desk whose database was never migrated: storing fails for real.
    broken = bootstrap(Settings(data_dir=tmp_path / "broken", env="test", mail=app.settings.mail))
    try:
        with (
            _listening(broken, mail_intake(broken, mail_desk(broken))) as address,
            smtplib.SMTP(*address, timeout=10) as smtp,
            pytest.raises(smtplib.SMTPDataError) as refused,
        ):
            smtp.sendmail("a@acme.example", [SUPPORT], compose_mail())
    finally:
        broken.close()

    assert refused.value.smtp_code == 451


def test_processing_waits_until_the_acknowledgement_under_way_has_finished() -> None:
    turns = WriterTurns(quiet=0.2, longest=30.0)
    order: list[str] = []
    acknowledging = threading.Event()
    release = threading.Event()

    def acknowledge() -> None:
        with turns.acknowledging():
            acknowledging.set()
            release.wait(10)
            order.append("acknowledged")

    def process() -> None:
        with turns.processing():
            order.append("processed")

    first = threading.Thread(target=acknowledge)
    first.start()
    acknowledging.wait(10)
    second = threading.Thread(target=process)
    second.start()
    second.join(0.3)
    assert order == []  # still waiting for the acknowledgement
    release.set()
    first.join(10)
    second.join(10)

    assert order == ["acknowledged", "processed"]


def test_copies_of_one_message_stored_in_one_batch_are_stored_once(
    app: Tierdesk, mail: MailDesk, acme: Organisation
) -> None:
    raw = compose_mail(subject="In one batch", message_id=new_message_id())
    retried = b"Received: from mx2.acme.example by desk.test; retry\r\n" + raw
    other = compose_mail(subject="Another")
    intake = mail_intake(app, mail)

    receipts = intake.accept_batch([raw, other, retried])

    assert [r.duplicate for r in receipts] == [False, False, True]
    assert receipts[2].inbound_id == receipts[0].inbound_id
    assert len(_records(app)) == 2
    assert intake.drain() == 2
    assert _subjects(mail) == ["Another", "In one batch"]


def test_while_the_database_is_away_intake_retries_without_counting_towards_the_quarantine(
    app: Tierdesk, mail: MailDesk, acme: Organisation, tmp_path: Path
) -> None:
    intake = MailIntake(
        mail, mail.source("smtp-listener"), retry_later=lambda _error: True, attempts=1
    )
    intake.accept(compose_mail(subject="Waits it out"))
    [record] = _records(app)
    stored = app.settings.attachments_dir / record.raw_key[:2] / record.raw_key
    shutil.move(stored, tmp_path / "kept.eml")  # fails as if the storage were away

    for _attempt in range(3):
        with pytest.raises(NotFoundError):
            intake.process_next()

    assert _records(app)[0].outcome is InboundOutcome.RECEIVED  # not set aside: still waiting
    shutil.move(tmp_path / "kept.eml", stored)
    assert intake.drain() == 1
    assert _subjects(mail) == ["Waits it out"]
