"""Mail as real clients write it, built with the standard library for tests that need many
variations (the fixed corpus lives in tests/fixtures/emails)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid


def new_message_id(domain: str = "acme.example") -> str:
    return make_msgid(idstring=uuid.uuid4().hex[:8], domain=domain)


def compose_mail(
    *,
    sender: str = "Max Weber <max.weber@acme.example>",
    to: str = "support@desk.test",
    subject: str = "Phones lose registration",
    body: str = "Since this morning our phones lose their registration every hour.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    headers: dict[str, str] | None = None,
    received: str | None = None,
) -> bytes:
    message = EmailMessage(policy=SMTP)
    if received:
        message["Received"] = received
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    message["Message-ID"] = message_id or new_message_id()
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = " ".join(references)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, data in attachments or []:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
