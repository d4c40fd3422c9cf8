"""The messages of the mail burst (``mail_burst.py``): mostly new requests from known customers,
some replies to earlier ones, and re-sends of earlier messages' bytes, in sending order."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

DESK = "support@desk.test"
DOMAIN = "burst.example"
PROBLEMS = [
    ("Calls drop after 30 seconds", "Every external call drops after about 30 seconds."),
    ("VPN tunnel drops every hour", "Our site-to-site VPN drops every hour since the update."),
    ("No audio on outbound calls", "Outbound calls connect but nobody hears anything."),
    ("Fax fails since upgrade", "T.38 faxes fail since we upgraded the gateway."),
    ("Phone stuck on boot", "Two desk phones hang on the boot logo after a power cut."),
    ("Voicemail not delivered by mail", "Voicemails no longer arrive as e-mail attachments."),
    ("Certificate expired on trunk", "The TLS trunk to the carrier is down, certificate expired."),
    ("How to forward a port", "How do I forward port 443 to our internal web server?"),
]
LOG = "\n".join(f"2026-12-05 10:{m:02d}:00 sip: REGISTER 401 from 10.0.0.{m}" for m in range(60))


@dataclass(eq=False)
class Planned:
    """One SMTP transaction of the burst."""

    message_id: str
    raw: bytes
    sender: str
    kind: str  # new, reply, resend
    subject: str
    original: str | None = None  # the Message-ID a reply answers or a re-send repeats
    answered: threading.Event = field(default_factory=threading.Event)
    code: int | None = None
    answered_at: float | None = None


def _compose(
    sender: str, subject: str, body: str, message_id: str, reply_to: str | None, attach: bool
) -> bytes:
    mail = EmailMessage(policy=SMTP)
    mail["From"] = sender
    mail["To"] = DESK
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = message_id
    if reply_to:
        mail["In-Reply-To"] = reply_to
        mail["References"] = reply_to
    mail.set_content(body)
    if attach:
        mail.add_attachment(LOG.encode(), maintype="text", subtype="plain", filename="sip.log")
    return mail.as_bytes()


def plan(messages: int, customers: list[str], seed: int = 19) -> list[Planned]:
    """``messages`` distinct messages (about 85 % new requests, 15 % replies) and about 5 % more
    re-sends, in sending order; replies and re-sends come after their originals."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable burst, not a secret
    run = f"{time.time_ns():x}"  # Message-IDs unique across runs on one database
    burst: list[Planned] = []
    new: list[Planned] = []
    for n in range(messages):
        sender = customers[n % len(customers)]
        message_id = f"<burst-{run}-{n}@{DOMAIN}>"
        if new and n >= messages // 10 and rng.random() < 0.15:
            original = rng.choice(new)
            body = f"Thanks. We restarted it as you asked, it still happens ({n})."
            raw = _compose(
                original.sender,
                "Re: " + original.subject,
                body,
                message_id,
                original.message_id,
                attach=False,
            )
            reply = Planned(message_id, raw, original.sender, "reply", "Re: " + original.subject)
            reply.original = original.message_id
            burst.append(reply)
            continue
        problem, body = PROBLEMS[n % len(PROBLEMS)]
        subject = f"{problem} ({n})"
        raw = _compose(sender, subject, f"{body}\nCase {n}.", message_id, None, n % 10 == 0)
        item = Planned(message_id, raw, sender, "new", subject)
        burst.append(item)
        new.append(item)
    for _ in range(max(1, messages // 20)):
        original = rng.choice([i for i in burst if i.kind != "resend"])
        retried = b"Received: from mx2.burst.example by desk.test; retry\r\n" + original.raw
        position = rng.randrange(burst.index(original) + 1, len(burst) + 1)
        resend = Planned(original.message_id, retried, original.sender, "resend", original.subject)
        resend.original = original.message_id if rng.random() < 0.5 else None  # wait or race
        burst.insert(position, resend)
    return burst
