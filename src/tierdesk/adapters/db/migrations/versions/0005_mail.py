"""E-mail in and out: received messages, threading ids, the outbox, bounces.

Revision ID: 0005
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=120), nullable=False),
        sa.Column("message_id", sa.String(length=512), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw_key", sa.String(length=255), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_message_id", sa.Integer(), nullable=True),
        sa.Column("quoted_text", sa.Text(), nullable=True),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_inbound_emails_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_message_id"],
            ["messages.id"],
            name=op.f("fk_inbound_emails_ticket_message_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_emails")),
        sa.UniqueConstraint("message_id", "content_hash", name="uq_inbound_emails_identity"),
    )
    with op.batch_alter_table("inbound_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_emails_outcome"), ["outcome"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inbound_emails_ticket_id"), ["ticket_id"], unique=False
        )
        batch_op.create_index(
            "ix_inbound_emails_sender", ["from_address", "received_at"], unique=False
        )

    op.create_table(
        "mail_message_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("header_id", sa.String(length=512), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_mail_message_ids_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_mail_message_ids_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_message_ids")),
    )
    with op.batch_alter_table("mail_message_ids", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_message_ids_header_id"), ["header_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mail_message_ids_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id_header", sa.String(length=512), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_mail_outbox_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_mail_outbox_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("message_id_header", name=op.f("uq_mail_outbox_message_id_header")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "mail_bounces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("diagnostic", sa.Text(), nullable=False),
        sa.Column("original_message_id", sa.String(length=512), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_mail_bounces_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["inbound_emails.id"],
            name=op.f("fk_mail_bounces_inbound_id_inbound_emails"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_mail_bounces_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_bounces")),
    )
    with op.batch_alter_table("mail_bounces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_bounces_contact_id"), ["contact_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_bounces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_bounces_contact_id"))
    op.drop_table("mail_bounces")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_message_id"))
        batch_op.drop_index("ix_mail_outbox_due")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("mail_message_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_message_ids_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_mail_message_ids_header_id"))
    op.drop_table("mail_message_ids")
    with op.batch_alter_table("inbound_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_emails_sender")
        batch_op.drop_index(batch_op.f("ix_inbound_emails_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_inbound_emails_outcome"))
    op.drop_table("inbound_emails")
