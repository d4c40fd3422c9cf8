"""``tierdesk mail …`` in-process with CliRunner, against the real servers."""

from __future__ import annotations

import json

from tests.cli.conftest import environment, invoker
from tests.email.builders import compose_mail
from tests.email.conftest import deliver
from tests.email.servers import ImapAccount, SmtpSink
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.people import Organisation
from tierdesk.services.mail import MailDesk


def _env(settings: Settings, **extra: str) -> dict[str, str | None]:
    env = environment(str(settings.data_dir), settings.database)
    env.update(
        TIERDESK_MAIL__ADDRESSES=json.dumps(settings.mail.addresses),
        TIERDESK_MAIL__FROM_ADDRESS="support@desk.test",
        **extra,
    )
    return env


def _mailbox_env(account: ImapAccount) -> dict[str, str]:
    box = {
        "name": "support",
        "host": account.host,
        "port": account.port,
        "ssl": False,
        "user": account.user,
        "password_env": "TD_TEST_IMAP_PASSWORD",
        "queue": "first-line",
    }
    return {
        "TIERDESK_MAIL__MAILBOXES": json.dumps([box]),
        "TD_TEST_IMAP_PASSWORD": account.password,
    }


def test_mail_fetch_stores_new_mail_and_says_what_became_of_it(
    settings: Settings, acme: Organisation, imap_account: ImapAccount
) -> None:
    imap_account.append(compose_mail(subject="Phones down"))
    imap_account.append(compose_mail(headers={"Auto-Submitted": "auto-replied"}))
    tierdesk = invoker(_env(settings, **_mailbox_env(imap_account)))

    result = tierdesk("mail", "fetch")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "support: 2 fetched: 1 ignored, 1 stored"
    assert imap_account.unseen_count() == 0


def test_mail_fetch_with_a_wrong_password_is_one_line_error(
    settings: Settings, imap_account: ImapAccount
) -> None:
    env = _mailbox_env(imap_account)
    env["TD_TEST_IMAP_PASSWORD"] = "wrong"
    tierdesk = invoker(_env(settings, **env))

    result = tierdesk("mail", "fetch")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "AUTHENTICATIONFAILED" in result.stderr


def test_mail_fetch_without_the_password_in_the_environment_names_the_variable(
    settings: Settings, imap_account: ImapAccount
) -> None:
    env = _mailbox_env(imap_account)
    del env["TD_TEST_IMAP_PASSWORD"]
    tierdesk = invoker(_env(settings, **env))

    result = tierdesk("mail", "fetch")

    assert result.exit_code == 1
    assert "TD_TEST_IMAP_PASSWORD" in result.stderr


def test_quarantine_list_show_and_reprocess(
    settings: Settings, mail: MailDesk, globex: Organisation
) -> None:
    receipt = deliver(mail, "mislabelled_charset.eml")
    tierdesk = invoker(_env(settings))

    listed = tierdesk("mail", "quarantine", "list")
    shown = tierdesk("mail", "quarantine", "show", str(receipt.inbound_id))
    raw = tierdesk("mail", "quarantine", "show", str(receipt.inbound_id), "--raw")
    reprocessed = tierdesk("mail", "quarantine", "reprocess", str(receipt.inbound_id))
    again = tierdesk("mail", "quarantine", "reprocess", str(receipt.inbound_id))

    assert listed.exit_code == 0 and "bad-charset" in listed.stdout
    assert "pierre.martin@globex.example" in listed.stdout
    assert "not valid utf-8" in shown.stdout
    assert "Message-ID: <mislabelled-1@globex.example>" in raw.stdout
    assert reprocessed.exit_code == 0, reprocessed.output
    assert reprocessed.stdout.startswith(f"message {receipt.inbound_id}: stored on TD-")
    assert again.exit_code == 1 and "not in quarantine" in again.stderr
    assert tierdesk("mail", "quarantine", "list").stdout.count("\n") == 2  # header and rule


def test_send_pending_delivers_the_outbox_and_lists_it(
    settings: Settings, app: Tierdesk, mail: MailDesk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    deliver(mail, "new_request_plain.eml")
    tierdesk = invoker(
        _env(
            settings,
            TIERDESK_MAIL__SMTP_HOST="127.0.0.1",
            TIERDESK_MAIL__SMTP_PORT=str(smtp_sink.port),
        )
    )

    sent = tierdesk("mail", "send-pending")
    listed = tierdesk("mail", "outbox", "--status", "sent")

    assert sent.stdout.strip() == "1 sent, 0 to retry, 0 failed, 0 skipped"
    assert len(smtp_sink.received) == 1
    assert "acknowledgement" in listed.stdout and "max.weber@acme.example" in listed.stdout


def test_send_pending_without_a_sender_address_explains_the_setting(settings: Settings) -> None:
    env = _env(settings)
    env["TIERDESK_MAIL__FROM_ADDRESS"] = None
    tierdesk = invoker(env)

    result = tierdesk("mail", "send-pending")

    assert result.exit_code == 1
    assert "TIERDESK_MAIL__FROM_ADDRESS" in result.stderr


def test_mail_fetch_without_mailboxes_explains_the_setting(settings: Settings) -> None:
    result = invoker(_env(settings))("mail", "fetch")

    assert result.exit_code == 1 and "TIERDESK_MAIL__MAILBOXES" in result.stderr
