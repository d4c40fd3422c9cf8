"""Alembic environment: runs against the engine ``tierdesk db upgrade`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from tierdesk.adapters.db.schema import metadata
from tierdesk.adapters.db.search import is_engine_owned

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through `tierdesk db upgrade`, which supplies the engine")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # the search engine's own text and vector indexes are not mapped tables
        include_name=lambda name, _type, _parent: not is_engine_owned(name),
    )
    context.run_migrations()
