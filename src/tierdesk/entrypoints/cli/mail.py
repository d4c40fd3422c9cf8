"""``tierdesk mail …``: fetch and poll IMAP mailboxes, listen for SMTP delivery, send the outbox,
and look after the quarantine. Every command acts as the system actor."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from typing import Annotated

import typer

from tierdesk.bootstrap import Tierdesk
from tierdesk.config import MailboxSettings
from tierdesk.domain.outbound import OutboxStatus
from tierdesk.entrypoints.cli.wiring import note, render_table, running_desk, say
from tierdesk.entrypoints.logs import configure_logging
from tierdesk.mail_bootstrap import (
    MailboxUnavailableError,
    mail_desk,
    mail_intake,
    mail_sender,
    mailbox_settings,
    open_mailbox,
    smtp_listener,
)
from tierdesk.services import mail_admin
from tierdesk.services.auth import SYSTEM
from tierdesk.services.mail import MailDesk, fetch_mailbox
from tierdesk.services.mail_outbox import send_pending

log = logging.getLogger("tierdesk.mail")
STOP_GRACE_SECONDS = 30.0  # how long stopping waits for a fetch under way

mail_app = typer.Typer(help="E-mail in and out.", no_args_is_help=True)
quarantine_app = typer.Typer(
    help="Mail that could not be stored as it came, and held senders.", no_args_is_help=True
)
mail_app.add_typer(quarantine_app, name="quarantine")

MailboxOption = Annotated[
    str | None, typer.Option("--mailbox", help="Only this mailbox (by its name).")
]


@mail_app.command("fetch")
def fetch(mailbox: MailboxOption = None) -> None:
    """Fetch new mail from the configured IMAP mailboxes once."""
    with running_desk() as app:
        mail = mail_desk(app)
        for box in mailbox_settings(app.settings.mail, mailbox):
            with open_mailbox(box) as imap:
                report = fetch_mailbox(mail, imap, mail.source(box.name))
            say(f"{box.name}: {report.describe()}")


def _poll_forever(
    app: Tierdesk,
    mail: MailDesk,
    box: MailboxSettings,
    stop: threading.Event,
    busy: threading.Lock,
) -> None:
    settings = app.settings.mail
    pause = 1.0
    while not stop.is_set():
        try:
            with open_mailbox(box, timeout=settings.idle_seconds + 60) as imap:
                pause = 1.0
                while not stop.is_set():
                    # A fetch stores each message and then flags it seen; stopping waits for
                    # ``busy`` so that no stored message is left unflagged (it would only be
                    # fetched again and skipped as a duplicate, but the mailbox would say unread).
                    with busy:
                        if stop.is_set():
                            break
                        report = fetch_mailbox(mail, imap, mail.source(box.name))
                    if report.fetched:
                        log.info("%s: %s", box.name, report.describe())
                    if imap.supports_idle:
                        imap.idle(settings.idle_seconds)
                    else:
                        stop.wait(settings.poll_interval_seconds)
        except MailboxUnavailableError as exc:
            # The server is down or restarting: nothing was marked seen that was not stored,
            # so wait (longer each time, up to five minutes) and start over.
            log.warning("%s: %s; retrying in %.0f s", box.name, exc.message, pause)
            stop.wait(pause)
            pause = min(pause * 2, 300.0)


@mail_app.command("poll")
def poll(mailbox: MailboxOption = None) -> None:
    """Keep fetching new mail, waiting with IMAP IDLE where the server offers it (the worker
    for e-mail intake; stop it with Ctrl-C or SIGTERM)."""
    with running_desk() as app:
        configure_logging(app.settings.log_format, app.settings.log_level)
        mail = mail_desk(app)
        boxes = mailbox_settings(app.settings.mail, mailbox)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        locks = [threading.Lock() for _ in boxes]
        threads = [
            threading.Thread(target=_poll_forever, args=(app, mail, b, stop, busy), daemon=True)
            for b, busy in zip(boxes, locks, strict=True)
        ]
        for thread in threads:
            thread.start()
        note(f"polling {', '.join(b.name for b in boxes)}; Ctrl-C stops")
        try:
            while any(t.is_alive() for t in threads) and not stop.is_set():
                stop.wait(1.0)
        except KeyboardInterrupt:
            stop.set()
        for busy in locks:  # a fetch under way finishes (an idle wait need not)
            busy.acquire(timeout=STOP_GRACE_SECONDS)


@mail_app.command("listen")
def listen(
    host: Annotated[str | None, typer.Option(help="Interface (default: the setting).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: the setting).")] = None,
) -> None:
    """Accept mail over SMTP (for an MTA's transport or a pipe) until stopped: each message is
    stored before the 250 and turned into a ticket right after (mail an earlier run acknowledged
    and did not process yet first)."""
    with running_desk() as app:
        configure_logging(app.settings.log_format, app.settings.log_level)
        intake = mail_intake(app, mail_desk(app))
        listener = smtp_listener(app, intake, host, port)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        intake.start()
        listener.start()
        bound_host, bound_port = listener.address
        note(f"accepting mail on {bound_host}:{bound_port}; Ctrl-C stops")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            listener.stop()
            # the message being processed is finished; what waits is processed on the next start
            intake.stop(STOP_GRACE_SECONDS)


@mail_app.command("send-pending")
def send_pending_mail(
    loop: Annotated[bool, typer.Option("--loop", help="Keep sending as mail becomes due.")] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds between rounds with --loop.", min=0.1)
    ] = 5.0,
) -> None:
    """Deliver the outbox's due mail through the SMTP relay (retrying failures with back-off)."""
    with running_desk() as app:
        sender = mail_sender(app)
        if not loop:
            say(send_pending(sender).describe())
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set():
                report = send_pending(sender)
                if report.sent or report.failed or report.retrying:
                    note(report.describe())
                stop.wait(interval)
        except KeyboardInterrupt:
            pass


@mail_app.command("outbox")
def outbox(
    status: Annotated[
        list[OutboxStatus] | None, typer.Option(help="Only mail in this status; repeatable.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
) -> None:
    """List outgoing mail (e.g. --status failed)."""
    with running_desk() as app:
        items = mail_admin.list_outbox(app.desk, SYSTEM, list(status or []), limit=limit)
    rows = [
        [
            str(i.id),
            str(i.ticket_id),
            str(i.kind),
            i.to_address,
            str(i.status),
            str(i.attempts),
            (i.last_error or "")[:60],
        ]
        for i in items
    ]
    say(render_table(["id", "ticket", "kind", "to", "status", "attempts", "last error"], rows))


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


@quarantine_app.command("list")
def quarantine_list(
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
) -> None:
    """Quarantined and held mail, newest first (and the backlog: mail acknowledged, waiting)."""
    with running_desk() as app:
        records = mail_admin.list_quarantine(app.desk, SYSTEM, limit=limit)
        backlog = mail_admin.mail_backlog(app.desk, SYSTEM)
    rows = [
        [
            str(r.id),
            _when(r.received_at),
            str(r.outcome),
            r.reason or "",
            r.from_address,
            r.subject[:50],
        ]
        for r in records
    ]
    say(render_table(["id", "received", "outcome", "reason", "from", "subject"], rows))
    if backlog.waiting:
        say(
            f"{backlog.waiting} acknowledged message(s) waiting to be processed, the oldest for"
            f" {int(backlog.oldest_age_seconds)} s"
        )


@quarantine_app.command("show")
def quarantine_show(
    inbound_id: Annotated[int, typer.Argument(help="The received message's id.")],
    raw: Annotated[bool, typer.Option("--raw", help="Print the original bytes.")] = False,
) -> None:
    """One received message: why it waits, and (with --raw) the original."""
    with running_desk() as app:
        record, data = mail_admin.quarantined_mail(app.desk, SYSTEM, inbound_id)
    if raw:
        typer.echo(data.decode("utf-8", "replace"), nl=False)
        return
    say(f"id:        {record.id}")
    say(f"received:  {_when(record.received_at)} in {record.mailbox}")
    say(f"outcome:   {record.outcome} ({record.reason or '-'})")
    say(f"detail:    {record.detail or '-'}")
    say(f"from:      {record.from_address}")
    say(f"subject:   {record.subject}")
    say(f"message:   {record.message_id or '(none)'}, {record.size} bytes")


@quarantine_app.command("reprocess")
def quarantine_reprocess(
    inbound_id: Annotated[int, typer.Argument(help="The received message's id.")],
) -> None:
    """Read a quarantined message again, leniently (and approve a held sender)."""
    with running_desk() as app:
        receipt = mail_admin.reprocess(mail_desk(app), SYSTEM, inbound_id)
    where = f" on {receipt.ticket_number}" if receipt.ticket_number else ""
    say(f"message {receipt.inbound_id}: {receipt.outcome}{where}")


__all__ = ["mail_app"]
