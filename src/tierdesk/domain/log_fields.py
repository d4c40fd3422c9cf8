"""The fields of a log line's header and their shapes (see ``log_headers``).

A line's first fields are runs of non-blanks, with a ``[bracketed group]`` as one field even
when it holds spaces and ``|`` as a field of its own. Each field has a coarse shape: a number
or stamp keeps its punctuation with the digits folded (``2026-11-20`` → ``9-9-9``); a bracket
group is ``[]``; a lone ``-``, ``|`` or ``:`` is itself; a name that ends in ``:``
(``sshd[42]:``, ``kernel:``, ``dfs.DataNode:``) is ``n:``; anything else with letters is a
word ``w``. A column of fields (the n-th field of many lines) is told apart by its shape and,
for words, by its values: level words, month and day names, or anything else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

MAX_HEADER_FIELDS = 12  # a header has fewer fields; only these are read per line

LEVELS = frozenset(
    [
        *("trace", "debug", "fine", "finer", "finest", "info", "information", "notice"),
        *("warn", "warning", "error", "err", "severe", "fatal", "critical", "crit", "alert"),
        *("emerg", "emergency", "panic", "verbose"),
    ]
)
CALENDAR = frozenset(
    [
        *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct"),
        *("nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    ]
)
_SEPARATORS = frozenset({"-", "|", ":", "--", "::", "-->", "->", ">"})
DIGITS = re.compile(r"\d+")


class Column(Enum):
    """What a header column holds."""

    STAMP = "stamp"  # a number, date, time or timestamp
    BRACKET = "bracket"  # [thread], [Sun Dec 04 04:47:44 2005], [req-1 - -]
    SEPARATOR = "separator"  # a lone - | :
    TERMINATOR = "terminator"  # program[pid]: or component: (the header's last field)
    LEVEL = "level"  # INFO, warn, E
    CALENDAR = "calendar"  # Jun, Mon
    WORD = "word"  # a host, a component, a node name… or the message's first word

    @property
    def surely_header(self) -> bool:
        return self is not Column.WORD


def fields(line: str, limit: int = MAX_HEADER_FIELDS) -> list[tuple[int, int]]:
    """The (start, end) of the first ``limit`` fields of ``line``."""
    spans: list[tuple[int, int]] = []
    position = 0
    while len(spans) < limit:
        match = _FIELD.search(line, position)
        if match is None:
            break
        start, end = match.span()
        if line[start] == "[":
            closing = _closing_bracket(line, start)
            if closing is not None and closing >= end:
                rest = _FIELD_REST.match(line, closing + 1)
                end = rest.end() if rest is not None else closing + 1
        spans.append((start, end))
        position = end
    return spans


_FIELD = re.compile(r"\||[^\s|]+")  # any white space parts fields (a no-break space too)
_FIELD_REST = re.compile(r"[^ \t|]*")


def _closing_bracket(line: str, start: int) -> int | None:
    closing = line.find("]", start)
    if closing != -1 and line.find("[", start + 1, closing) == -1:
        return closing  # the common case: no nested brackets
    depth = 0
    for index in range(start, min(len(line), start + 400)):
        if line[index] == "[":
            depth += 1
        elif line[index] == "]":
            depth -= 1
            if depth == 0:
                return index
    return None


def shape(token: str) -> str:
    """The coarse shape of one field (see the module's docstring)."""
    if token in _SEPARATORS:
        return token
    if token[0] == "[" and "]" in token:
        return "[]:" if token[-1] == ":" else "[]"
    if LETTER.search(token) is None or _ISO_STAMP.match(token) is not None:
        if _DIGIT.search(token) is not None:
            return DIGITS.sub("9", token)
        return token  # punctuation only: a separator of its own kind
    if token[-1] == ":" and len(token) > 1:
        return "n:"
    return "w"


LETTER = re.compile(r"[^\W\d_]")
_ISO_STAMP = re.compile(
    r"\d{4}-?\d\d-?\d\dT\d\d:?\d\d(?::?\d\d)?(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?,?$"
)
_DIGIT = re.compile(r"\d")


def column_kind(shape_: str, values: Sequence[str]) -> Column:
    if shape_ == "w":
        words = [value.strip("[]:,").lower() for value in values]
        if _mostly(words, LEVELS) or _single_letter_levels(words):
            return Column.LEVEL
        if _mostly(words, CALENDAR):
            return Column.CALENDAR
        return Column.WORD
    if shape_ in ("n:", "[]:"):
        return Column.TERMINATOR
    if shape_ == "[]":
        return Column.BRACKET
    if not any(character.isdigit() or character == "9" for character in shape_):
        return Column.SEPARATOR
    return Column.STAMP


def _mostly(words: Sequence[str], vocabulary: frozenset[str]) -> bool:
    return sum(word in vocabulary for word in words) >= 0.9 * len(words)


def _single_letter_levels(words: Sequence[str]) -> bool:
    # Android's logcat and glog write the level as one letter: V D I W E F.
    return all(len(word) == 1 and word in "vdiwefc" for word in words)


MACHINE_WORD = re.compile(r"\d|\w[._/@$]\w")


def mostly_machine(values: Sequence[str]) -> bool:
    """Host, node and file names (``node-7``, ``app.log.1``), not words of a sentence."""
    return sum(MACHINE_WORD.search(value) is not None for value in values) >= 0.9 * len(values)


def rare_machine_names(values: Sequence[str]) -> bool:
    """A column of machine names that rarely repeat (node and host names, request ids): a
    header field, or a variable at worst, never the word that names an event."""
    return len(set(values)) * 2 > len(values) and mostly_machine(values)


def shape_at(text: str, spans: Sequence[tuple[int, int]], column: int) -> str:
    start, end = spans[column]
    return shape(text[start:end])


def value_at(text: str, spans: Sequence[tuple[int, int]], column: int) -> str:
    start, end = spans[column]
    return text[start:end]


TIME_BRACKET = re.compile(r"^\[[\w ,.:/+-]*\d:\d\d[\w ,.:/+-]*\]$")


def level_name(word: str) -> str:
    return {"v": "verbose", "d": "debug", "i": "info", "w": "warn", "e": "error", "f": "fatal"}.get(
        word, word
    )
