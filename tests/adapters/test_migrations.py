"""Migrations build exactly the schema the code maps, on both engines, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from tierdesk.adapters.db.engine import alembic_config, pending_migrations, upgrade_database
from tierdesk.adapters.db.schema import metadata
from tierdesk.adapters.db.tables_search import is_engine_owned
from tierdesk.bootstrap import Tierdesk


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                # the search engine's text and vector indexes live beside the mapped tables
                "include_name": lambda name, _type, _parent: not is_engine_owned(name),
            },
        )
        return list(compare_metadata(context, metadata))


def test_the_migrated_schema_is_exactly_the_mapped_metadata(app: Tierdesk) -> None:
    assert differences(app.engine) == []
    assert not pending_migrations(app.engine)


def test_migrating_down_to_nothing_and_up_again_gives_the_same_schema(app: Tierdesk) -> None:
    command.downgrade(alembic_config(app.engine), "base")
    left = set(inspect(app.engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    assert pending_migrations(app.engine)

    upgrade_database(app.engine)

    assert differences(app.engine) == []
    assert set(inspect(app.engine).get_table_names()) >= set(metadata.tables)
