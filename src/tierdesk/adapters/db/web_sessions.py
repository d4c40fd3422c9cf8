"""Signed-in browsers and the contacts' single-use sign-in links in storage
(``services/web_sessions.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.web_sessions import MagicLink, WebSession
from tierdesk.ports.web_sessions import SignedIn

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

_s = web_sessions.c
_m = magic_links.c


def _session(row: Row[Any]) -> WebSession:
    return WebSession(
        row.person_kind,
        row.person_id,
        row.digest,
        row.created_at,
        row.expires_at,
        row.last_seen_at,
        row.ended_at,
        row.id,
    )


class SqlSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, web_session: WebSession) -> WebSession:
        new_id = self.session.execute(
            insert(web_sessions)
            .values(
                digest=web_session.digest,
                person_kind=web_session.person_kind,
                person_id=web_session.person_id,
                created_at=web_session.created_at,
                expires_at=web_session.expires_at,
                last_seen_at=web_session.last_seen_at,
                ended_at=web_session.ended_at,
            )
            .returning(_s.id)
        ).scalar_one()
        return replace(web_session, id=int(new_id))

    def signed_in(self, digest: str, person_kind: str, now: datetime) -> SignedIn | None:
        # The session and its person in one round trip: this runs on every page request.
        person_type: type[Agent] | type[Contact]
        people = tables.agents if person_kind == "agent" else tables.contacts
        person_type = Agent if person_kind == "agent" else Contact
        query = (
            select(person_type, _s.id, _s.last_seen_at)
            .join(
                web_sessions,
                and_(_s.person_id == people.c.id, _s.person_kind == person_kind),
            )
            .where(
                _s.digest == digest,
                _s.ended_at.is_(None),
                _s.expires_at > now,
                people.c.active.is_(True),
            )
        )
        row = self.session.execute(query).first()
        if row is None:
            return None
        return SignedIn(session_id=int(row[1]), last_seen_at=row[2], person=row[0])

    def touch(self, session_id: int, at: datetime) -> None:
        self.session.execute(
            update(web_sessions).where(_s.id == session_id).values(last_seen_at=at)
        )

    def end(self, digest: str, at: datetime) -> WebSession | None:
        row = self.session.execute(
            update(web_sessions)
            .where(_s.digest == digest, _s.ended_at.is_(None))
            .values(ended_at=at)
            .returning(*web_sessions.c)
        ).first()
        return _session(row) if row is not None else None

    def end_all(self, person_kind: str, person_id: int, at: datetime) -> int:
        result = self.session.execute(
            update(web_sessions)
            .where(
                _s.person_kind == person_kind,
                _s.person_id == person_id,
                _s.ended_at.is_(None),
                _s.expires_at > at,
            )
            .values(ended_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def prune(self, before: datetime) -> int:
        result = self.session.execute(
            delete(web_sessions).where(or_(_s.expires_at < before, _s.ended_at < before))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlMagicLinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: MagicLink) -> MagicLink:
        new_id = self.session.execute(
            insert(magic_links)
            .values(
                contact_id=link.contact_id,
                digest=link.digest,
                created_at=link.created_at,
                expires_at=link.expires_at,
            )
            .returning(_m.id)
        ).scalar_one()
        return replace(link, id=int(new_id))

    def find(self, digest: str) -> MagicLink | None:
        row = self.session.execute(select(magic_links).where(_m.digest == digest)).one_or_none()
        if row is None:
            return None
        return MagicLink(
            row.contact_id, row.digest, row.created_at, row.expires_at, row.used_at, row.id
        )

    def issued_since(self, contact_id: int, since: datetime) -> int:
        query = select(func.count()).where(_m.contact_id == contact_id, _m.created_at > since)
        return int(self.session.execute(query).scalar_one())

    def use(self, link_id: int, at: datetime) -> bool:
        # One conditional UPDATE: of two requests racing with the same link only one changes it.
        result = self.session.execute(
            update(magic_links).where(_m.id == link_id, _m.used_at.is_(None)).values(used_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
