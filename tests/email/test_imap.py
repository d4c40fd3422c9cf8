"""Fetching from a real IMAP server (Dovecot on loopback): mail is marked seen only after it is
stored, a crash in between stores nothing twice, two pollers at once store everything once,
and IDLE wakes the poller when mail arrives."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.email.builders import compose_mail
from tests.email.conftest import MAILBOX
from tests.email.servers import ImapAccount
from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.adapters.db.tables import messages
from tierdesk.adapters.email.imap import ImapMailbox, MailboxUnavailableError
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Organisation
from tierdesk.services.mail import MailDesk, fetch_mailbox, receive_email


def _open(account: ImapAccount, password: str | None = None) -> ImapMailbox:
    return ImapMailbox(
        account.host, account.port, account.user, password or account.password, use_ssl=False
    )


def _stored(app: Tierdesk) -> tuple[int, int]:
    with app.engine.connect() as connection:
        received = connection.scalar(select(func.count()).select_from(inbound_emails))
        written = connection.scalar(select(func.count()).select_from(messages))
    return int(received or 0), int(written or 0)


def test_fetching_stores_every_new_mail_and_marks_it_seen(
    app: Tierdesk, mail: MailDesk, acme: Organisation, imap_account: ImapAccount
) -> None:
    imap_account.append_many([compose_mail(body=f"Problem {n}") for n in range(3)])

    with _open(imap_account) as mailbox:
        report = fetch_mailbox(mail, mailbox, MAILBOX)
        again = fetch_mailbox(mail, mailbox, MAILBOX)

    assert (report.fetched, report.outcomes["stored"]) == (3, 3)
    assert again.fetched == 0
    assert imap_account.unseen_count() == 0
    assert _stored(app) == (3, 3)


def test_a_crash_between_storing_and_marking_seen_does_not_store_the_mail_twice(
    app: Tierdesk, mail: MailDesk, acme: Organisation, imap_account: ImapAccount
) -> None:
    imap_account.append(compose_mail(body="Only once, please."))
    with _open(imap_account) as mailbox:  # the first poller stores it, then dies before flagging
        [uid] = mailbox.unseen()
        raw = mailbox.fetch(uid)
        assert raw is not None
        receive_email(mail, raw, MAILBOX)
    assert imap_account.unseen_count() == 1

    with _open(imap_account) as mailbox:  # the restarted poller sees it again
        report = fetch_mailbox(mail, mailbox, MAILBOX)

    assert (report.fetched, report.duplicates) == (1, 1)
    assert imap_account.unseen_count() == 0
    assert _stored(app) == (1, 1)


def test_two_pollers_on_one_mailbox_at_once_store_every_mail_exactly_once(
    app: Tierdesk, mail: MailDesk, acme: Organisation, imap_account: ImapAccount
) -> None:
    senders = [f"user{n}@acme.example" for n in range(5)]
    imap_account.append_many(
        [compose_mail(sender=senders[n % 5], body=f"Report {n}") for n in range(30)]
    )
    start = threading.Barrier(2)
    reports = []

    def poll() -> None:
        with _open(imap_account) as mailbox:
            start.wait()
            reports.append(fetch_mailbox(mail, mailbox, MAILBOX))

    pollers = [threading.Thread(target=poll) for _ in range(2)]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join()

    assert len(reports) == 2
    assert sum(r.outcomes["stored"] for r in reports) == 30
    assert _stored(app) == (30, 30)
    assert imap_account.unseen_count() == 0


def test_idle_wakes_up_when_new_mail_arrives(imap_account: ImapAccount) -> None:
    with _open(imap_account) as mailbox:
        assert mailbox.supports_idle
        later = threading.Timer(0.3, imap_account.append, args=(compose_mail(),))
        later.start()
        arrived = mailbox.idle(60)
        later.join()
        unseen = mailbox.unseen()

    assert arrived
    assert len(unseen) == 1


def test_a_wrong_password_is_reported_as_an_unavailable_mailbox(
    imap_account: ImapAccount,
) -> None:
    with pytest.raises(MailboxUnavailableError, match=r"AUTHENTICATIONFAILED|[Aa]uthentication"):
        _open(imap_account, password="wrong").__enter__()


def test_a_missing_folder_is_reported_as_an_unavailable_mailbox(
    imap_account: ImapAccount,
) -> None:
    mailbox = ImapMailbox(
        imap_account.host,
        imap_account.port,
        imap_account.user,
        imap_account.password,
        folder="Support/Nowhere",
        use_ssl=False,
    )

    with pytest.raises(MailboxUnavailableError, match="Nowhere"):
        mailbox.__enter__()
