"""Reply macros: the desk's canned texts for a public reply or an internal note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MacroKind(StrEnum):
    PUBLIC = "public"  # inserted into a public reply
    INTERNAL = "internal"  # inserted into an internal note


@dataclass(frozen=True)
class Macro:
    name: str
    kind: MacroKind
    body: str
    created_at: datetime
    id: int | None = None
