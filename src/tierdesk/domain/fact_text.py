"""The text being read for facts, with what every rule needs to know about it: where its
trace frames, URLs and e-mail addresses are, its lines, and the desk's catalogue of product
and model names. Worked out once per text; every window is bounded, so no rule reads more
than a few hundred characters around a match (a 200 KB pasted log stays linear)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from tierdesk.domain.fact_kinds import FactKind

T = TypeVar("T")
WINDOW = 240  # how far a rule looks around a match for its context

_URL = re.compile(r"\b(?:https?|ftps?|sftp|ldaps?|wss?)://[^\s<>\"'»”)\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Found:
    """A fact a rule found: its kind and its span in the text (the value is the text there)."""

    kind: FactKind
    start: int
    end: int


@dataclass(frozen=True)
class Catalog:
    """The desk's product and model names ("Kestrel SBC", "KP-200"): a name before a version
    makes it a product version, and a model is never an error code."""

    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, names: Iterable[str]) -> Catalog:
        cleaned = {" ".join(name.split()) for name in names}
        return cls(tuple(sorted((n for n in cleaned if len(n) >= 2), key=str.lower)))

    def pattern(self) -> re.Pattern[str] | None:
        return _catalog_pattern(self.names) if self.names else None

    def knows(self, token: str) -> bool:
        wanted = token.casefold()
        return any(name.casefold() == wanted for name in self.names)


NO_CATALOG = Catalog()


@lru_cache(maxsize=16)
def _catalog_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    longest_first = sorted(names, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in longest_first)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def starts_token(text: str, start: int, also: str = "") -> bool:
    """Whether ``start`` begins a token: the character before it is no word character (nor one
    of ``also``). Checked here rather than by a look-behind at the head of a pattern, which
    keeps the regular expression engine from skipping straight to candidate characters (four
    times slower on a long log); only for patterns whose head is bounded, or a long run of
    letters would be rescanned from each of them."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_" or before in also)


def words(text: str) -> frozenset[str]:
    """A set of words written as one string (long word lists read better that way)."""
    return frozenset(text.split())


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


class Reading:
    """One text and the zones the rules consult."""

    def __init__(self, text: str, catalog: Catalog = NO_CATALOG) -> None:
        self.text = text
        self.catalog = catalog
        self.frames: list[tuple[int, int]] = []  # trace frames: only addresses are read there
        self.urls = _spans(_URL, text) if "://" in text else []
        self.emails = _spans(_EMAIL, text) if "@" in text else []
        self._frame_starts: list[int] = []
        self._url_starts = [start for start, _ in self.urls]
        self._email_starts = [start for start, _ in self.emails]
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A whole-text figure, worked out on first use only (a rule may ask per match)."""
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    def set_frames(self, spans: list[tuple[int, int]]) -> None:
        """Where the trace frames are (``fact_traces`` finds them before any other rule runs)."""
        self.frames = sorted(spans)
        self._frame_starts = [start for start, _ in self.frames]

    def in_frame(self, position: int) -> bool:
        return _inside(self.frames, self._frame_starts, position)

    def in_url(self, position: int) -> bool:
        return _inside(self.urls, self._url_starts, position)

    def in_email(self, position: int) -> bool:
        return _inside(self.emails, self._email_starts, position)

    def line_start(self, position: int) -> int:
        floor = max(0, position - WINDOW)
        return self.text.rfind("\n", floor, position) + 1 or floor

    def line_end(self, position: int) -> int:
        ceiling = min(len(self.text), position + WINDOW)
        found = self.text.find("\n", position, ceiling)
        return ceiling if found < 0 else found

    def before(self, position: int, width: int = 60) -> str:
        """The text of the same line up to ``position`` (at most ``width`` characters)."""
        return self.text[max(self.line_start(position), position - width) : position]

    def after(self, position: int, width: int = 60) -> str:
        return self.text[position : min(self.line_end(position), position + width)]

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a span, approximately: bounded by line ends and ". "."""
        left = self.text[self.line_start(start) : start]
        right = self.text[end : self.line_end(end)]
        cut = max(left.rfind(". "), left.rfind("! "), left.rfind("? "))
        left = left[cut + 2 :] if cut >= 0 else left
        stop = min(
            (i for i in (right.find(". "), right.find("! "), right.find("? ")) if i >= 0),
            default=-1,
        )
        right = right[:stop] if stop >= 0 else right
        return left + self.text[start:end] + right


def _inside(spans: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    index = bisect_right(starts, position) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]
