"""Newline-delimited JSON, read one line at a time (an export of years of tickets does not fit
in memory as one document). A line that is not a JSON object is handed on as a problem, so the
import reports and skips it instead of stopping."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Line:
    where: str  # "tickets.json line 12"
    value: dict[str, Any] | None
    problem: str | None = None


def read_lines(path: Path) -> Iterator[Line]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{path.name} line {number}"
            text = raw.strip()
            if not text:
                continue
            try:
                value = json.loads(text)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield Line(where, None, f"not valid JSON ({exc})")
                continue
            if not isinstance(value, dict):
                yield Line(where, None, "not a JSON object")
                continue
            yield Line(where, value)


def count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for raw in stream if raw.strip())
