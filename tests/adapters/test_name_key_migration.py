"""The migration that adds ``name_key`` keys the rows already stored, even names that an older
desk let in twice in other capitals (they keep their names; the later key carries its id)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from tierdesk.adapters.db.engine import alembic_config, upgrade_database
from tierdesk.bootstrap import Tierdesk


def test_existing_names_get_their_keys_and_old_twins_stay_apart(app: Tierdesk) -> None:
    command.downgrade(alembic_config(app.engine), "0017")
    with app.engine.begin() as connection:
        plan_id = connection.scalar(text("SELECT id FROM support_plans ORDER BY id LIMIT 1"))
        for name in ("Straße Süd", "STRASSE SÜD", "Ölwerk  Nord"):
            connection.execute(
                text(
                    "INSERT INTO organisations (name, plan_id, email_domains, timezone, active,"
                    " created_at) VALUES (:name, :plan, '[]', 'UTC', :active, :at)"
                ),
                {"name": name, "plan": plan_id, "active": True, "at": datetime.now(UTC)},
            )

    upgrade_database(app.engine)

    with app.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, name, name_key FROM organisations ORDER BY id")
        ).all()
    first, second, third = rows
    assert (first.name, first.name_key) == ("Straße Süd", "strasse süd")
    assert (second.name, second.name_key) == ("STRASSE SÜD", f"strasse süd #{second.id}")
    assert third.name_key == "ölwerk nord"
