"""The desk's own password cost. The suite's desks hash at a test's cost (``TEST_PASSWORDS`` in
tests/conftest.py); a desk bootstrapped without a hasher, as every real one is, must not."""

from __future__ import annotations

from sqlalchemy import select

from tierdesk.adapters.db import tables
from tierdesk.bootstrap import bootstrap
from tierdesk.config import Settings
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM


def test_a_desk_stores_passwords_as_argon2id_at_the_rfc_9106_cost(settings: Settings) -> None:
    app = bootstrap(settings)
    try:
        people.create_agent(
            app.desk,
            SYSTEM,
            people.NewAgent(
                email="cost@kestrel.example",
                name="Cost Check",
                tiers=[1],
                password="correct horse battery",
            ),
        )
        with app.engine.connect() as connection:
            stored = connection.execute(
                select(tables.agents.c.password_hash).where(
                    tables.agents.c.email == "cost@kestrel.example"
                )
            ).scalar_one()
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert app.desk.passwords.verify(stored, "correct horse battery")
        assert not app.desk.passwords.verify(stored, "correct horse battery!")
    finally:
        app.close()
