"""Tables of e-mail in and out: every received message (with its outcome, so nothing is ever
dropped silently), the Message-IDs that thread mail into tickets, the outbox, and bounces."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.inbound import InboundOutcome
from tierdesk.domain.outbound import OutboxStatus, OutgoingKind

# One row per distinct message received. The unique (message_id, content_hash) key is what makes
# intake exactly-once: a second delivery, a re-fetch after a crash or a second poller all collide
# with it. The raw bytes live in the file store under raw_key.
inbound_emails = Table(
    "inbound_emails",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox", String(120), nullable=False),
    Column("message_id", String(512), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("size", Integer, nullable=False),
    Column("raw_key", String(255), nullable=False),
    Column("from_address", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("outcome", EnumText(InboundOutcome), nullable=False, index=True),
    Column("reason", String(40)),
    Column("detail", Text),
    Column("ticket_id", ForeignKey("tickets.id"), index=True),
    Column("ticket_message_id", ForeignKey("messages.id")),
    Column("quoted_text", Text),
    Column("signature", Text),
    Column("processed_at", UtcDateTime),
    UniqueConstraint("message_id", "content_hash", name="uq_inbound_emails_identity"),
    Index("ix_inbound_emails_sender", "from_address", "received_at"),
)

# The Message-IDs of every mail on a ticket, received ("in") or sent ("out"): a reply's
# In-Reply-To/References are looked up here.
mail_message_ids = Table(
    "mail_message_ids",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("header_id", String(512), nullable=False, index=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("message_id", ForeignKey("messages.id")),
    Column("direction", String(8), nullable=False),
)

mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("message_id", ForeignKey("messages.id"), index=True),
    Column("kind", EnumText(OutgoingKind), nullable=False),
    Column("to_address", String(320), nullable=False),
    Column("language", String(16), nullable=False),
    Column("status", EnumText(OutboxStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_until", UtcDateTime),
    Column("message_id_header", String(512), unique=True),
    Column("sent_at", UtcDateTime),
    Column("last_error", Text),
    Index("ix_mail_outbox_due", "status", "next_attempt_at"),
)

mail_bounces = Table(
    "mail_bounces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), index=True),
    Column("address", String(320), nullable=False),
    Column("action", String(40), nullable=False),
    Column("status", String(40), nullable=False),
    Column("diagnostic", Text, nullable=False),
    Column("original_message_id", String(512)),
    Column("ticket_id", ForeignKey("tickets.id")),
    Column("inbound_id", ForeignKey("inbound_emails.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)
