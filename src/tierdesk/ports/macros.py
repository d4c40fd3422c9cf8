"""Storage of the desk's reply macros."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.macros import Macro


class MacroRepository(Protocol):
    def add(self, macro: Macro) -> Macro: ...
    def all(self) -> list[Macro]: ...
    def named(self, name: str) -> Macro | None: ...
    def delete(self, macro_id: int) -> bool: ...
