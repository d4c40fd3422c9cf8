"""The desk's reply macros in storage (``services/macros.py``)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Column, Integer, String, Table, Text, delete, insert, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.macros import Macro, MacroKind, macro_actions

macros = Table(
    "macros",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # "public" (a reply) or "internal" (a note)
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # What it changes on the ticket (MacroActions.stored()); NULL: nothing (migration 0028).
    Column("actions", json_value(), nullable=True),
)


class SqlMacroRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, macro: Macro) -> Macro:
        new_id = self.session.execute(
            insert(macros)
            .values(
                name=macro.name,
                kind=str(macro.kind),
                body=macro.body,
                created_at=macro.created_at,
                actions=macro.actions.stored() if macro.actions else None,
            )
            .returning(macros.c.id)
        ).scalar_one()
        return replace(macro, id=int(new_id))

    def all(self) -> list[Macro]:
        rows = self.session.execute(select(macros).order_by(macros.c.name))
        return [
            Macro(r.name, MacroKind(r.kind), r.body, r.created_at, r.id, macro_actions(r.actions))
            for r in rows
        ]

    def get(self, macro_id: int) -> Macro | None:
        return next((m for m in self.all() if m.id == macro_id), None)

    def named(self, name: str) -> Macro | None:
        return next((m for m in self.all() if m.name == name), None)

    def delete(self, macro_id: int) -> bool:
        result = self.session.execute(delete(macros).where(macros.c.id == macro_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]
