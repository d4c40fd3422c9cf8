"""Fixtures for e-mail tests: real Dovecot and aiosmtpd servers on loopback, the desk's mail
settings, and a small customer world (organisations matched by their mail domains)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.email.servers import Dovecot, ImapAccount, SmtpSink
from tierdesk.adapters.email.smtp import SmtpTransport
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import MailSettings, SearchSettings, Settings
from tierdesk.domain.people import Organisation
from tierdesk.mail_bootstrap import mail_desk, mail_sender
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, MailSource, Receipt, receive_email
from tierdesk.services.mail_outbox import MailSender

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "emails"
SUPPORT = "support@desk.test"
SALES = "sales@desk.test"
MAILBOX = MailSource("support", queue="first-line")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    return dovecot.new_account()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def mail_settings() -> MailSettings:
    return MailSettings(
        addresses=[SUPPORT, SALES],
        from_address=SUPPORT,
        from_name="Kestrel Support",
        smtp_host="127.0.0.1",
        smtp_port=1,  # tests that send point it at their own SMTP server
        smtp_timeout_seconds=5,
    )


@pytest.fixture
def settings(tmp_path: Path, database_url: str, mail_settings: MailSettings) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        mail=mail_settings,
        search=SearchSettings(embedder="hashing", min_confidence=0.0),  # see tests/conftest.py
    )


@pytest.fixture
def mail(app: Tierdesk) -> MailDesk:
    return mail_desk(app)


@pytest.fixture
def acme(desk: Desk) -> Organisation:
    return people.create_organisation(
        desk, SYSTEM, people.NewOrganisation(name="Acme GmbH", email_domains=["acme.example"])
    )


@pytest.fixture
def globex(desk: Desk) -> Organisation:
    return people.create_organisation(
        desk,
        SYSTEM,
        people.NewOrganisation(name="Globex", plan="premium", email_domains=["globex.example"]),
    )


def deliver(mail: MailDesk, name: str, source: MailSource = MAILBOX) -> Receipt:
    return receive_email(mail, fixture_bytes(name), source)


def sender_to(app: Tierdesk, sink: SmtpSink) -> MailSender:
    """The desk's sender, relaying through the test's SMTP server."""
    return mail_sender(app, SmtpTransport("127.0.0.1", sink.port, timeout=5))
