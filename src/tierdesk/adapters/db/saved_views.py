"""Agents' saved queue views in storage (``services/saved_views.py``)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.saved_views import SavedView

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

_v = saved_views.c


class SqlSavedViewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, view: SavedView) -> SavedView:
        new_id = self.session.execute(
            insert(saved_views)
            .values(
                agent_id=view.agent_id,
                name=view.name,
                query=view.query,
                created_at=view.created_at,
            )
            .returning(_v.id)
        ).scalar_one()
        return replace(view, id=int(new_id))

    def _views(self, *where: object) -> list[SavedView]:
        rows = self.session.execute(select(saved_views).where(*where).order_by(_v.name))  # type: ignore[arg-type]
        return [SavedView(r.agent_id, r.name, r.query, r.created_at, r.id) for r in rows]

    def for_agent(self, agent_id: int) -> list[SavedView]:
        return self._views(_v.agent_id == agent_id)

    def named(self, agent_id: int, name: str) -> SavedView | None:
        found = self._views(_v.agent_id == agent_id, _v.name == name)
        return found[0] if found else None

    def delete(self, agent_id: int, view_id: int) -> bool:
        result = self.session.execute(
            delete(saved_views).where(_v.id == view_id, _v.agent_id == agent_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
