"""Storage of signed-in sessions and of failed sign-ins (plain SQL Core, frozen values back)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db import tables_web as t
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.sign_in_limits import LimitScope
from tierdesk.domain.web_sessions import WebSession
from tierdesk.ports.web import SignedIn

_s = t.web_sessions.c
_f = t.sign_in_failures.c
_KEY_LENGTH = 320  # the column's width; longer keys (typed garbage) are counted by their prefix


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
            insert(t.web_sessions)
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
                t.web_sessions,
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
            update(t.web_sessions).where(_s.id == session_id).values(last_seen_at=at)
        )

    def end(self, digest: str, at: datetime) -> WebSession | None:
        row = self.session.execute(
            update(t.web_sessions)
            .where(_s.digest == digest, _s.ended_at.is_(None))
            .values(ended_at=at)
            .returning(*t.web_sessions.c)
        ).first()
        return _session(row) if row is not None else None

    def end_all(self, person_kind: str, person_id: int, at: datetime) -> int:
        result = self.session.execute(
            update(t.web_sessions)
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
            delete(t.web_sessions).where(or_(_s.expires_at < before, _s.ended_at < before))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlSignInFailureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, scope: LimitScope, key: str, at: datetime) -> None:
        self.session.execute(
            insert(t.sign_in_failures).values(scope=str(scope), key=key[:_KEY_LENGTH], at=at)
        )

    def since(self, scope: LimitScope, key: str, since: datetime) -> list[datetime]:
        rows = self.session.execute(
            select(_f.at)
            .where(_f.scope == str(scope), _f.key == key[:_KEY_LENGTH], _f.at > since)
            .order_by(_f.at)
        )
        return [row.at for row in rows]

    def clear(self, scope: LimitScope, key: str) -> None:
        self.session.execute(
            delete(t.sign_in_failures).where(_f.scope == str(scope), _f.key == key[:_KEY_LENGTH])
        )

    def prune(self, before: datetime) -> int:
        result = self.session.execute(delete(t.sign_in_failures).where(_f.at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]
