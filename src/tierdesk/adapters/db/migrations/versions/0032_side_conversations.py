"""Side conversations (issue 21 item 5): threads from a ticket with someone outside it, their
messages, and their own mail references (never the ticket's messages or Message-IDs).

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "side_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("participants", _json(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_side_conversations_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["agents.id"],
            name=op.f("fk_side_conversations_created_by_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_side_conversations")),
        sa.UniqueConstraint("token", name=op.f("uq_side_conversations_token")),
    )
    op.create_index("ix_side_conversations_ticket_id", "side_conversations", ["ticket_id"])
    op.create_table(
        "side_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("side_conversation_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=32), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_agent_id", sa.Integer(), nullable=True),
        sa.Column("author_address", sa.String(length=320), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("included_message_ids", _json(), nullable=False),
        sa.Column("attachments", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["side_conversation_id"],
            ["side_conversations.id"],
            name=op.f("fk_side_messages_side_conversation_id_side_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["author_agent_id"], ["agents.id"], name=op.f("fk_side_messages_author_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_side_messages")),
    )
    op.create_index(
        "ix_side_messages_side_conversation_id", "side_messages", ["side_conversation_id"]
    )
    op.create_table(
        "side_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("side_conversation_id", sa.Integer(), nullable=False),
        sa.Column("side_message_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("header_id", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["side_conversation_id"],
            ["side_conversations.id"],
            name=op.f("fk_side_mail_side_conversation_id_side_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["side_message_id"],
            ["side_messages.id"],
            name=op.f("fk_side_mail_side_message_id_side_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["mail_outbox.id"], name=op.f("fk_side_mail_outbox_id_mail_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_side_mail")),
        sa.UniqueConstraint("outbox_id", name=op.f("uq_side_mail_outbox_id")),
    )
    op.create_index("ix_side_mail_side_conversation_id", "side_mail", ["side_conversation_id"])
    op.create_index("ix_side_mail_header_id", "side_mail", ["header_id"])


def downgrade() -> None:
    op.drop_index("ix_side_mail_header_id", table_name="side_mail")
    op.drop_index("ix_side_mail_side_conversation_id", table_name="side_mail")
    op.drop_table("side_mail")
    op.drop_index("ix_side_messages_side_conversation_id", table_name="side_messages")
    op.drop_table("side_messages")
    op.drop_index("ix_side_conversations_ticket_id", table_name="side_conversations")
    op.drop_table("side_conversations")
