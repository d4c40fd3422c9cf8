"""The SMTP listener (aiosmtpd) for direct delivery: 250 only once the mail is stored, 451 when
it cannot be, and no mail accepted for addresses that are not ours."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest

from tests.email.builders import compose_mail
from tests.email.servers import free_port
from tierdesk.adapters.email.listener import SmtpListener
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.people import Organisation
from tierdesk.mail_bootstrap import LISTENER_SOURCE, mail_desk
from tierdesk.ports import TicketFilter
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.mail import MailDesk, receive_email


def _listener(mail: MailDesk) -> SmtpListener:
    ours = mail.policy.our_addresses
    return SmtpListener(
        "127.0.0.1",
        free_port(),
        lambda raw: receive_email(mail, raw, mail.source(LISTENER_SOURCE)),
        accepts=lambda address: address.lower() in ours,
    )


def test_mail_delivered_over_smtp_becomes_a_ticket_before_the_server_says_250(
    mail: MailDesk, acme: Organisation
) -> None:
    listener = _listener(mail)
    listener.start()
    try:
        host, port = listener.address
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            refused = smtp.sendmail(
                "max.weber@acme.example", ["support@desk.test"], compose_mail(subject="By SMTP")
            )
    finally:
        listener.stop()

    assert refused == {}
    page = tickets.list_tickets(mail.desk, SYSTEM, TicketFilter(), 10)
    assert [t.subject for t in page.tickets] == ["By SMTP"]


def test_mail_for_an_address_that_is_not_ours_is_refused(mail: MailDesk) -> None:
    listener = _listener(mail)
    listener.start()
    try:
        host, port = listener.address
        with (
            smtplib.SMTP(host, port, timeout=10) as smtp,
            pytest.raises(smtplib.SMTPRecipientsRefused),
        ):
            smtp.sendmail("a@acme.example", ["someone@elsewhere.example"], compose_mail())
    finally:
        listener.stop()


def test_when_the_desk_cannot_store_the_mail_the_sender_is_told_to_retry(
    tmp_path: Path, app: Tierdesk
) -> None:
    # A desk whose database was never migrated: storing fails for real.
    broken = bootstrap(Settings(data_dir=tmp_path / "broken", env="test", mail=app.settings.mail))
    try:
        listener = _listener(mail_desk(broken))
        listener.start()
        try:
            host, port = listener.address
            with (
                smtplib.SMTP(host, port, timeout=10) as smtp,
                pytest.raises(smtplib.SMTPDataError) as refused,
            ):
                smtp.sendmail("a@acme.example", ["support@desk.test"], compose_mail())
        finally:
            listener.stop()
    finally:
        broken.close()

    assert refused.value.smtp_code == 451
