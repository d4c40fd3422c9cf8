"""The audit trail is append-only in the database itself, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from tests.factories import make_ticket
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk


def audit_rows(app: Tierdesk) -> list[tuple[object, ...]]:
    with app.engine.connect() as connection:
        query = select(tables.audit_events).order_by(tables.audit_events.c.id)
        return [tuple(row) for row in connection.execute(query)]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET reason = 'rewritten'",
        "UPDATE audit_events SET actor_name = 'someone else' WHERE id = 1",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE id = 1",
    ],
)
def test_the_audit_trail_refuses_to_be_rewritten(app: Tierdesk, statement: str) -> None:
    make_ticket(app.desk)
    before = audit_rows(app)
    assert len(before) == 4  # organisation, contact, ticket opened, message added

    with pytest.raises(DatabaseError, match="append-only"), app.engine.begin() as connection:
        connection.execute(text(statement))

    assert audit_rows(app) == before


def test_the_audit_trail_still_takes_new_events(app: Tierdesk) -> None:
    ticket = make_ticket(app.desk)

    with app.engine.begin() as connection:
        connection.execute(
            tables.audit_events.insert().values(
                subject_type="ticket",
                subject_id=ticket.id,
                ticket_id=ticket.id,
                action="ticket.noted",
                actor_kind="system",
                actor_name="tierdesk",
                at=ticket.created_at,
                changes={},
                public=False,
            )
        )
        count = connection.execute(select(func.count()).select_from(tables.audit_events))

        assert count.scalar_one() == 5


def test_the_audit_trail_cannot_be_emptied_in_one_go(app: Tierdesk) -> None:
    make_ticket(app.desk)
    before = audit_rows(app)
    # SQLite has no TRUNCATE; there "DELETE FROM" without a WHERE is the same thing (tested above).
    statement = (
        "TRUNCATE audit_events"
        if app.engine.dialect.name == "postgresql"
        else "DELETE FROM audit_events WHERE 1 = 1"
    )

    with pytest.raises(DatabaseError, match="append-only"), app.engine.begin() as connection:
        connection.execute(text(statement))

    assert audit_rows(app) == before
