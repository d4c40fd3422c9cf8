"""The header of a log's lines, learned from the log itself.

Every logger writes a header before the message (a date, a time, a level, a thread in
brackets, a host, a program with its pid, a component name), but each in its own layout. No
per-system format string is kept here: the layout is read off the lines.

1. **Columns.** Each line's first fields and their shapes (``log_fields``). The header is the
   longest run of leading columns in which (nearly) every line has the same shape: at least
   ``share`` of the lines that open like the most common opening (a stamp, a bracket, a
   separator, a month, a level or machine text, never a plain word: a sentence opens so).
2. **Where the message starts**, by a few generic rules:
   - a ``name:`` column (``sshd[42]:``, ``kernel:``, ``dfs.DataNode:``) ends the header: the
     program or component that wrote the line is part of it, so different programs do not
     make different templates;
   - after a lone separator (``-``, ``|``) a word column joins only when another separator
     follows it (``- myapp -``); otherwise the message starts there;
   - a word column right before a sure column (a level, a ``name:``, a bracket, a
     separator), or one of machine names that rarely repeat (node names), is a host or a
     component and joins;
   - any other word column joins only when it *names the writer*: its value removes little
     of the uncertainty about what follows it (``_explained`` below ``follow``). A message's
     first word predicts its line (``Starting`` → ``media``, six words); a component does not
     (``Info CBS Loaded…``).
3. **Enough.** Two sure columns make a header, one only when it is a date or a time: a list's
   ``-`` or ``1.`` opens lines of prose too.

A line has the header when its first fields have the learned shapes, one column of another
shape forgiven (an alert label where most lines have ``-``), never the ``name:`` column; a
line that matches only the first columns keeps those (at least two sure ones). The lines that
do not match (continuations, prose, another program's output) keep their whole text.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tierdesk.domain.log_fields import (
    CALENDAR,
    DIGITS,
    LETTER,
    LEVELS,
    MACHINE_WORD,
    MAX_HEADER_FIELDS,
    TIME_BRACKET,
    Column,
    column_kind,
    fields,
    level_name,
    rare_machine_names,
    shape,
    shape_at,
    value_at,
)

DEFAULT_SHARE = 0.9
DEFAULT_FOLLOW = 0.5


@dataclass(frozen=True)
class HeaderLayout:
    """The learned header: the shape and kind of each leading column."""

    shapes: tuple[str, ...] = ()
    kinds: tuple[Column, ...] = ()

    def __len__(self) -> int:
        return len(self.shapes)

    def matched(self, line: str, spans: Sequence[tuple[int, int]] | None = None) -> int:
        """How many leading columns of ``line`` have the learned shapes. One column of another
        shape is forgiven when every other column of a header of three or more matches (an
        alert label where most lines have ``-``, a word where a value is missing), but never
        the program's column: that is where another program's output differs."""
        if spans is None:
            spans = fields(line, len(self.shapes) + 1)
        same = [
            shape(line[start:end]) == expected
            for expected, (start, end) in zip(self.shapes, spans, strict=False)
        ]
        strict = same.index(False) if False in same else len(same)
        forgiven = (
            len(same) == len(self.shapes) >= 3
            and same.count(False) == 1
            and self.kinds[strict] is not Column.TERMINATOR
        )
        return len(self.shapes) if forgiven else strict


@dataclass(frozen=True)
class LogLine:
    """One raw line split into what the logger added and what the program said."""

    header: str
    content: str
    level: str | None
    program: str | None = None  # who wrote it: ``sshd`` of ``sshd[42]:``, ``CBS``, ``myapp``
    time: str | None = None  # the header's date and time fields, as written


def learn_header(
    lines: Sequence[str],
    share: float = DEFAULT_SHARE,
    follow: float | None = DEFAULT_FOLLOW,
    *,
    spans: Sequence[list[tuple[int, int]]] | None = None,
) -> HeaderLayout:
    """The header layout most of ``lines`` share, or an empty one. ``follow``: see the
    module's docstring (None: a word column that may be the message's never joins).
    ``spans``: each line's ``fields``, when they are known already."""
    if spans is None:
        spans = [fields(line) for line in lines]
    kept = [(line, found) for line, found in zip(lines, spans, strict=True) if found]
    texts = [line for line, _ in kept]
    spans_of = [found for _, found in kept]
    first = _first_column(texts, spans_of) if texts else None
    if first is None:
        return HeaderLayout()
    alive = [i for i, spans in enumerate(spans_of) if _opening(texts[i], spans) == first]
    base = len(alive)
    shapes, alive_at = [first.split()[0]], [alive]
    for column in range(1, MAX_HEADER_FIELDS):
        here = {
            i: shape_at(texts[i], spans_of[i], column)
            for i in alive
            if len(spans_of[i]) > column + 1  # a header field is followed by the message
        }
        if not here:
            break
        common, _ = Counter(here.values()).most_common(1)[0]
        survivors = [i for i, shape_ in here.items() if shape_ == common]
        if len(survivors) < share * base:
            break
        alive = survivors
        shapes.append(common)
        alive_at.append(alive)
    kinds = [
        column_kind(shape_, [value_at(texts[i], spans_of[i], column) for i in alive_at[column]])
        for column, shape_ in enumerate(shapes)
    ]

    def names_the_writer(column: int) -> bool:
        if follow is None:
            return False
        pairs = [
            (value_at(texts[i], spans_of[i], column), _rest(texts[i], spans_of[i], column))
            for i in alive_at[column]
        ]
        return _explained(pairs) < follow

    identifiers = [
        rare_machine_names([value_at(texts[i], spans_of[i], column) for i in alive_at[column]])
        for column in range(len(shapes))
    ]
    length = _header_length(kinds, identifiers, names_the_writer)
    sure = [column for column in range(length) if kinds[column].surely_header]
    if len(sure) == 1:
        values = [value_at(texts[i], spans_of[i], sure[0]) for i in alive_at[sure[0]]]
        if not _a_time(shapes[sure[0]], values):
            return HeaderLayout()
    if not sure:
        return HeaderLayout()
    return HeaderLayout(tuple(shapes[:length]), tuple(kinds[:length]))


def _a_time(shape_: str, values: Sequence[str]) -> bool:
    """Whether a header's only sure column is a date or time (``2026-03-03``, ``08:15:01``,
    ``[03/Mar/2026:08:15:01]``): a list's ``-``, ``1.`` or ``[1]`` opens lines of prose too."""
    if shape_ == "[]":
        return sum(TIME_BRACKET.match(value) is not None for value in values) * 2 > len(values)
    return len(DIGITS.findall(shape_)) >= 2 and LETTER.search(shape_) is None


def _rest(text: str, spans: Sequence[tuple[int, int]], column: int) -> tuple[str, int]:
    """What follows a column: the next field (digits folded) and the line's length in words."""
    after = DIGITS.sub("9", value_at(text, spans, column + 1)) if len(spans) > column + 1 else ""
    return after, len(text.split())


def _explained(pairs: Sequence[tuple[str, tuple[str, int]]]) -> float:
    """How much of the uncertainty about what follows a column its value removes, beyond
    what it seems to remove by chance. Theil's uncertainty coefficient U = 1 - H(after |
    value) / H(after), each entropy with the Miller-Madow correction, is compared with U of
    the same values paired at random with the same followers (a fixed shuffle): (U - U0) /
    (1 - U0). A message's first word predicts its line (``Starting`` → ``media``, six
    words); a host or a component name does not, however few lines each value has."""
    values = [value for value, _ in pairs]
    followers = [after for _, after in pairs]
    overall = _entropy(Counter(followers))
    if overall <= 0:
        return 0.0 if len(set(values)) > 1 else 1.0  # nothing to predict: a varying name
    shuffled = list(values)
    random.Random(len(pairs)).shuffle(shuffled)  # noqa: S311 - a fixed baseline, not a secret
    actual = _uncertainty(values, followers, overall)
    chance = _uncertainty(shuffled, followers, overall)
    if chance >= 1.0:
        return 1.0  # every value is unique: no evidence either way, keep it in the message
    return max(0.0, (actual - chance) / (1.0 - chance))


def _uncertainty(
    values: Sequence[str], followers: Sequence[tuple[str, int]], overall: float
) -> float:
    groups: dict[str, Counter[tuple[str, int]]] = {}
    for value, after in zip(values, followers, strict=True):
        groups.setdefault(value, Counter())[after] += 1
    given = sum(sum(group.values()) * _entropy(group) for group in groups.values())
    return min(1.0, max(0.0, 1.0 - given / len(values) / overall))


def _entropy(counts: Counter[tuple[str, int]]) -> float:
    """Entropy in nats with the Miller-Madow correction ((bins - 1) / 2n)."""
    total = sum(counts.values())
    plain = -sum(count / total * math.log(count / total) for count in counts.values())
    return plain + (len(counts) - 1) / (2 * total)


def _first_column(texts: Sequence[str], spans_of: Sequence[list[tuple[int, int]]]) -> str | None:
    """The most common opening of a header (``_opening``); None when fewer than three lines
    (or not all lines of a shorter text) share one."""
    counts = Counter(_opening(text, spans) for text, spans in zip(texts, spans_of, strict=True))
    for candidate, count in counts.most_common():
        if count < min(3, len(texts)):
            return None
        if candidate is not None:
            return candidate
    return None


def _opening(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """What a line's first field says about a header: its shape, a word told apart as a
    month or day, a level or machine text (``app.log.1``, ``node-7``); None for a plain word
    or a ``Note:`` (a sentence starts so) and for an empty line."""
    if not spans:
        return None
    value = value_at(text, spans, 0)
    shape_ = shape(value)
    if shape_ == "n:":
        return None
    if shape_ != "w":
        return shape_
    bare = value.strip("[]:,").lower()
    if bare in CALENDAR:
        return "w calendar"
    if bare in LEVELS:
        return "w level"
    if MACHINE_WORD.search(value):
        return "w machine"
    return None


def _header_length(
    kinds: Sequence[Column], identifiers: Sequence[bool], names_the_writer: Callable[[int], bool]
) -> int:
    """Where the message starts, by the rules in the module's docstring."""
    length, index = 0, 0
    while index < len(kinds):
        kind = kinds[index]
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if kind is Column.WORD:
            if index > 0 and kinds[index - 1] is Column.SEPARATOR:
                if following is not Column.SEPARATOR:
                    return length  # "- Starting …": the separator ended the header
                length = index = index + 2  # "- myapp -"
                continue
            if following in _BEFORE_SURE_END or identifiers[index]:
                index += 1
                continue  # a host or a component: joins with the sure column after it
            if not names_the_writer(index):
                return length  # a word that says what follows it: the message's first
            length = index + 1
        elif kind is Column.TERMINATOR:
            return index + 1
        else:
            length = index + 1
        index += 1
    return length


# A word right before one of these is a host or a component (``combo sshd[1]:``,
# ``KERNEL INFO``, ``nova.api [req-1]``, ``chrome.exe -``), never the message's first word.
_BEFORE_SURE_END = (Column.LEVEL, Column.TERMINATOR, Column.BRACKET, Column.SEPARATOR)


_PID = re.compile(r"(?:\[\d*\])?:?$")


def split_line(
    line: str, layout: HeaderLayout, spans: Sequence[tuple[int, int]] | None = None
) -> LogLine:
    """``line`` split by ``layout``. A line that matches only the first columns keeps those
    when at least two of them are surely header; otherwise it has no header."""
    spans = fields(line, len(layout) + 1) if spans is None else spans[: len(layout) + 1]
    matched = layout.matched(line, spans) if len(spans) > len(layout) else 0
    if matched < len(layout):
        matched = _header_length(
            layout.kinds[:matched], [True] * matched, lambda column: column < len(layout)
        )
        if sum(kind.surely_header for kind in layout.kinds[:matched]) < 2:
            matched = 0
    if matched == 0:
        return LogLine("", line.strip(), None)
    end = spans[matched - 1][1]
    level = program = name = None
    for kind, (start, stop) in zip(layout.kinds[:matched], spans, strict=False):
        value = line[start:stop]
        bare = value.strip("[]:, ").lower()
        if (kind is Column.LEVEL and (bare in LEVELS or len(bare) == 1)) or (
            kind is Column.BRACKET and bare in LEVELS
        ):
            level = level_name(bare)
        elif kind is Column.TERMINATOR:
            program = _PID.sub("", value) or None
            suffix = (program or "").rsplit(".", 1)[-1].lower()
            if level is None and suffix in LEVELS:
                level = suffix  # "app.ERROR:" (channel.LEVEL, as PHP's Monolog writes)
        elif kind is Column.WORD:
            name = value  # the last word column names the writer when no "program:" does
    return LogLine(
        line[:end].strip(),
        line[end:].strip(),
        level,
        program or name,
        _time(line, layout, spans, matched),
    )


def _time(
    line: str, layout: HeaderLayout, spans: Sequence[tuple[int, int]], matched: int
) -> str | None:
    """The first run of date and time fields. A bare number counts when it has 4+ digits or
    follows a month (``081109 203615`` and ``Jun 14`` are times, the pid after them is not)."""
    run: list[tuple[int, int]] = []
    previous: Column | None = None
    for kind, (start, stop) in zip(layout.kinds[:matched], spans, strict=False):
        value = line[start:stop]
        day = previous is Column.CALENDAR and len(value) <= 2
        previous = kind
        timely = (
            kind is Column.CALENDAR
            or (kind is Column.STAMP and (not value.isdigit() or len(value) >= 4 or day))
            or (kind is Column.BRACKET and TIME_BRACKET.match(value) is not None)
        )
        if timely:
            run.append((start, stop))
        elif run:
            break
    return line[run[0][0] : run[-1][1]].strip("[], ") if run else None


def split_header(line: str) -> LogLine:
    """One line on its own: its header learned from itself."""
    return split_line(line, learn_header([line]))
