"""Storage of agents' saved queue views."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.saved_views import SavedView


class SavedViewRepository(Protocol):
    def add(self, view: SavedView) -> SavedView: ...
    def for_agent(self, agent_id: int) -> list[SavedView]: ...
    def named(self, agent_id: int, name: str) -> SavedView | None: ...
    def delete(self, agent_id: int, view_id: int) -> bool: ...
