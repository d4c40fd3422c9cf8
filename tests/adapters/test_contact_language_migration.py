"""Migration 0019: a contact's language may be unknown. Contacts stored before keep the language
they had (a default cannot be told from a choice), tickets pointing at them stay intact, and
going back gives the unknown ones the old default."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from tests.factories import make_contact, make_ticket
from tierdesk.adapters.db.engine import alembic_config, upgrade_database
from tierdesk.bootstrap import Tierdesk


def _languages(app: Tierdesk) -> list[str | None]:
    with app.engine.connect() as connection:
        return list(connection.scalars(text("SELECT language FROM contacts ORDER BY id")))


def test_contacts_keep_their_language_and_a_new_one_may_state_none(app: Tierdesk) -> None:
    desk = app.desk
    make_ticket(desk, contact=make_contact(desk, language="it"), body="Il telefono non squilla.")
    command.downgrade(alembic_config(app.engine), "0018")  # as the older code stored them
    assert _languages(app) == ["it"]

    upgrade_database(app.engine)

    unknown = make_contact(desk, language=None)  # refused by the NOT NULL before
    ticket = make_ticket(desk, contact=unknown, body="Fax.")
    assert ticket.language is None
    assert _languages(app) == ["it", None]
    with app.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM tickets")) == 2

    command.downgrade(alembic_config(app.engine), "0018")

    assert _languages(app) == ["it", "en"]
    upgrade_database(app.engine)
