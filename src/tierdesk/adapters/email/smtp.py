"""Outgoing mail through an SMTP relay: an :class:`OutgoingEmail` becomes a MIME message
(plain text with an HTML alternative, attachments) and is handed to the relay. Failures are
translated to :class:`DeliveryFailedError`, permanent (5xx) or temporary (everything else)."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr

from tierdesk.domain.outbound import DeliveryFailedError, OutgoingEmail


def build_message(outgoing: OutgoingEmail, *, now: datetime | None = None) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    message["Message-ID"] = outgoing.message_id
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["From"] = formataddr((outgoing.from_name, outgoing.from_address))
    message["To"] = formataddr((outgoing.to_name, outgoing.to_address))
    if outgoing.cc:
        message["Cc"] = ", ".join(outgoing.cc)
    message["Subject"] = outgoing.subject
    if outgoing.reply_to:
        message["Reply-To"] = outgoing.reply_to
    if outgoing.in_reply_to:
        message["In-Reply-To"] = outgoing.in_reply_to
    if outgoing.references:
        message["References"] = " ".join(outgoing.references)
    if outgoing.auto_submitted:
        message["Auto-Submitted"] = outgoing.auto_submitted
    if outgoing.ticket_number:
        message["X-Tierdesk-Ticket"] = outgoing.ticket_number
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    for attachment in outgoing.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if maintype in ("multipart", "message") or not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        starttls: bool = False,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port = host, port
        self._starttls, self._user, self._password = starttls, user, password
        self._timeout = timeout

    def send(self, outgoing: OutgoingEmail) -> None:
        message = build_message(outgoing)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls()
                if self._user:
                    smtp.login(self._user, self._password or "")
                # send_message raises only when the relay refuses every recipient: a copied
                # address refused is not the mail's failure, the requester's address is.
                refused = smtp.send_message(
                    message,
                    from_addr=outgoing.from_address,
                    to_addrs=[outgoing.to_address, *outgoing.cc],
                )
                if outgoing.to_address in refused:
                    raise smtplib.SMTPRecipientsRefused(
                        {outgoing.to_address: refused[outgoing.to_address]}
                    )
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailedError(
                f"the relay refused {outgoing.to_address}: {exc.recipients}",
                permanent=all(500 <= code < 600 for code in codes),
            ) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise DeliveryFailedError(
                f"the relay refused the message: {exc.smtp_code} {exc.smtp_error!r}",
                permanent=500 <= exc.smtp_code < 600,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailedError(
                f"cannot deliver through {self.host}:{self.port}: {exc}", permanent=False
            ) from exc
