"""Alembic environment: runs against the engine ``tierdesk db upgrade`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from tierdesk.adapters.db.schema import metadata

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through `tierdesk db upgrade`, which supplies the engine")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
