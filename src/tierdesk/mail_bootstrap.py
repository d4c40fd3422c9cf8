"""Where the mail settings become the mail services: intake (parser, rules, sources), the
sender (SMTP relay), the IMAP mailboxes and the SMTP listener. Entry points call these; nothing
runs at import. (Kept beside ``bootstrap.py`` so that the core wiring stays small.)"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from tierdesk.adapters.db.engine import is_database_unavailable
from tierdesk.adapters.email.imap import ImapMailbox
from tierdesk.adapters.email.imap import (
    MailboxUnavailableError as MailboxUnavailableError,  # for the entry points, which poll
)
from tierdesk.adapters.email.parse import EmailReader
from tierdesk.adapters.email.smtp import SmtpTransport
from tierdesk.config import MailboxSettings, MailSettings
from tierdesk.domain.inbound import MailPolicy, ReplyToClosedPolicy, UnknownSenderPolicy
from tierdesk.domain.outbound import OutboundPolicy
from tierdesk.domain.people import normalise_email
from tierdesk.errors import ConfigurationError, NotFoundError
from tierdesk.ports import MailTransport
from tierdesk.services.desk import MailDelivery
from tierdesk.services.mail import MailDesk, MailSource
from tierdesk.services.mail_intake import MailIntake, WriterTurns
from tierdesk.services.mail_outbox import MailSender

if TYPE_CHECKING:
    from tierdesk.adapters.email.listener import SmtpListener
    from tierdesk.bootstrap import Tierdesk  # it wires mail_delivery, so it imports this module

LISTENER_SOURCE = "smtp-listener"


def mail_policy(settings: MailSettings) -> MailPolicy:
    return MailPolicy(
        our_addresses=frozenset(normalise_email(a) for a in settings.addresses),
        unknown_senders=UnknownSenderPolicy(settings.unknown_senders),
        unknown_sender_organisation=settings.unknown_sender_organisation,
        unknown_sender_plan=settings.unknown_sender_plan,
        reply_to_closed=ReplyToClosedPolicy(settings.reply_to_closed),
        max_message_bytes=settings.max_message_bytes,
        rate_limit_messages=settings.rate_limit_messages,
        rate_limit_window=timedelta(minutes=settings.rate_limit_window_minutes),
    )


def mail_sources(settings: MailSettings) -> dict[str, MailSource]:
    sources = {b.name: MailSource(b.name, b.queue, b.product) for b in settings.mailboxes}
    sources[LISTENER_SOURCE] = MailSource(
        LISTENER_SOURCE, settings.listener_queue, settings.listener_product
    )
    return sources


def mail_desk(app: Tierdesk) -> MailDesk:
    settings = app.settings
    return MailDesk(
        desk=app.desk,
        reader=EmailReader(settings.max_attachment_bytes),
        policy=mail_policy(settings.mail),
        sources=mail_sources(settings.mail),
    )


def outbound_policy(settings: MailSettings) -> OutboundPolicy:
    if not settings.from_address:
        raise ConfigurationError(
            "set TIERDESK_MAIL__FROM_ADDRESS (the sender address of outgoing mail) to send mail"
        )
    return OutboundPolicy(
        from_address=normalise_email(settings.from_address),
        from_name=settings.from_name,
        acknowledge_new_tickets=settings.acknowledge_new_tickets,
        max_attempts=settings.send_max_attempts,
        backoff=timedelta(seconds=settings.send_backoff_seconds),
        backoff_max=timedelta(seconds=settings.send_backoff_max_seconds),
        lease=timedelta(seconds=settings.send_lease_seconds),
    )


def smtp_transport(settings: MailSettings) -> SmtpTransport:
    return SmtpTransport(
        settings.smtp_host,
        settings.smtp_port,
        starttls=settings.smtp_starttls,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout=settings.smtp_timeout_seconds,
    )


def mail_delivery(settings: MailSettings) -> MailDelivery | None:
    """What background jobs send the outbox with: None until a sender address is set (the
    relay defaults to localhost:25, so the address is what says mail is meant to go out)."""
    if not settings.from_address:
        return None
    return MailDelivery(outbound_policy(settings), smtp_transport(settings))


def mail_sender(app: Tierdesk, transport: MailTransport | None = None) -> MailSender:
    mail = app.settings.mail
    return MailSender(
        desk=app.desk,
        policy=outbound_policy(mail),
        transport=transport or smtp_transport(mail),
    )


def mailbox_settings(settings: MailSettings, name: str | None) -> list[MailboxSettings]:
    if not settings.mailboxes:
        raise ConfigurationError(
            "no mailboxes configured; set TIERDESK_MAIL__MAILBOXES (a JSON list, see "
            "docs/settings.md)"
        )
    if name is None:
        return list(settings.mailboxes)
    chosen = [b for b in settings.mailboxes if b.name == name]
    if not chosen:
        known = ", ".join(b.name for b in settings.mailboxes)
        raise NotFoundError(f"no mailbox named {name!r}; configured: {known}")
    return chosen


def open_mailbox(box: MailboxSettings, timeout: float = 60.0) -> ImapMailbox:
    return ImapMailbox(
        box.host,
        box.port,
        box.user,
        box.password(),
        folder=box.folder,
        use_ssl=box.ssl,
        timeout=timeout,
    )


def mail_intake(app: Tierdesk, mail: MailDesk) -> MailIntake:
    """The listener's intake: what it acknowledges is processed after the 250, oldest first. On
    SQLite acknowledgements take their turns at the one writer before processing does."""
    return MailIntake(
        mail,
        mail.source(LISTENER_SOURCE),
        retry_later=is_database_unavailable,
        turns=WriterTurns() if app.sqlite_path is not None else None,
    )


def smtp_listener(
    app: Tierdesk, intake: MailIntake, host: str | None, port: int | None
) -> SmtpListener:
    """The SMTP listener handing what it accepts to intake: mail for our addresses (any, when
    none are configured), up to twice the largest message intake keeps."""
    # Imported here: aiosmtpd is for the listener's process alone, not every one bootstrap starts.
    from tierdesk.adapters.email.listener import SmtpListener

    settings = app.settings.mail
    ours = intake.mail.policy.our_addresses
    return SmtpListener(
        host or settings.listener_host,
        port or settings.listener_port,
        intake.accept_batch,
        accepts=lambda address: not ours or address.strip().lower() in ours,
        max_bytes=settings.max_message_bytes * 2,
        # SQLite has one writer: more threads would only wait for it (adapters/email/listener.py)
        workers=1 if app.sqlite_path is not None else 4,
    )
