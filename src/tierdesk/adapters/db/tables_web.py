"""Tables behind the agent workspace and the customer portal: saved queue views, reply macros,
CSAT ratings, deflections (a suggestion that answered the customer before a ticket was opened),
single-use sign-in links for contacts, signed-in sessions, failed sign-ins and the forms'
one-time keys."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime

saved_views = Table(
    "saved_views",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agent_id", ForeignKey("agents.id"), nullable=False),
    Column("name", String(80), nullable=False),
    Column("query", Text, nullable=False),  # the queue page's query string, filters only
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("agent_id", "name", name="uq_saved_views_agent_id_name"),
)

macros = Table(
    "macros",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # "public" (a reply) or "internal" (a note)
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

csat_ratings = Table(
    "csat_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, unique=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False),
    Column("score", Integer, nullable=False),  # 1 (very unhappy) … 5 (very happy)
    Column("comment", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

deflections = Table(
    "deflections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("query", Text, nullable=False),  # what the customer had typed
    # the suggestion: "kb:12#anchor", "known-issue:3", "ticket:TD-1042"
    Column("source", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_deflections_created_at", "created_at"),
)

magic_links = Table(
    "magic_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),  # SHA-256 of the token
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)

# A signed-in browser. The cookie holds a random id; only its digest is stored. Ending a row
# (sign-out, password change, deactivation) ends the session wherever the cookie was copied.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),  # SHA-256 of the cookie's id
    Column("person_kind", String(16), nullable=False),  # "agent" or "contact"
    Column("person_id", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),  # refreshed at most once a minute
    Column("ended_at", UtcDateTime),
    Index("ix_web_sessions_person", "person_kind", "person_id"),
    Index("ix_web_sessions_expires_at", "expires_at"),
)

# One row per failed sign-in (or invalid API token), counted per account and per client
# address by domain/sign_in_limits.py; kept in the database so every web process sees them.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(16), nullable=False),  # "account" or "client"
    Column("key", String(320), nullable=False),  # the e-mail address or the network address
    Column("at", UtcDateTime, nullable=False),
    Index("ix_sign_in_failures_scope_key_at", "scope", "key", "at"),
    Index("ix_sign_in_failures_at", "at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(64), primary_key=True),  # one a rendered form; unique across processes
    Column("who", String(40), nullable=False),  # "contact:12", "agent:3"
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),  # what the first post made
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_idempotency_keys_expires_at", "expires_at"),
)
