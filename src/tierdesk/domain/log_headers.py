"""The header of a log's lines, learned from the log itself.

Every logger writes a header before the message (a date, a time, a level, a thread in
brackets, a host, a program with its pid, a component name), but each in its own layout. No
per-system format string is kept here: the layout is read off the lines.

1. **Fields.** The first few fields of each line: runs of non-blanks, a ``[bracketed group]``
   as one field even when it holds spaces, and ``|`` as a field of its own.
2. **Shapes.** Each field becomes a coarse shape: a number or stamp keeps its punctuation
   with the digits folded (``2026-11-20`` → ``9-9-9``); a bracket group is ``[]``; a lone
   ``-``, ``|`` or ``:`` is itself; a name that ends in ``:`` (``sshd[42]:``, ``kernel:``,
   ``dfs.DataNode:``) is a *terminator*; anything else with letters is a word.
3. **Columns.** The header is the longest run of leading columns in which (nearly) every line
   has the same shape: at least ``share`` of the lines that start like the first column. A
   word column is a *level* or a *calendar* column when its values are level words or month
   and day names.
4. **Where the message starts**, by three generic rules:
   - a terminator column ends the header (the program or component that wrote the line is
     part of the header, so different programs do not make different templates);
   - after a lone separator (``-``, ``|``), a word column joins only when another separator
     follows it (``- myapp -``); otherwise the message starts there;
   - word columns at the end of the run are left to the message: a header ends at a column
     that is surely not message (a stamp, a bracket, a level, a separator, a terminator).
     A bare component name without a colon (``Info CBS Loaded``) therefore stays in the
     message, where it only ever splits templates that its value already splits.

A line matches the header when its first fields have the learned shapes; the lines that do not
(continuations, prose, another program's output) keep their whole text as the message.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

MAX_HEADER_FIELDS = 12  # a header has fewer fields; only these are read per line
DEFAULT_SHARE = 0.9
DEFAULT_FOLLOW = 0.5

LEVELS = frozenset(
    [
        *("trace", "debug", "fine", "finer", "finest", "info", "information", "notice"),
        *("warn", "warning", "error", "err", "severe", "fatal", "critical", "crit", "alert"),
        *("emerg", "emergency", "panic", "verbose"),
    ]
)
_CALENDAR = frozenset(
    [
        *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct"),
        *("nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    ]
)
_SEPARATORS = frozenset({"-", "|", ":", "--", "::", "-->", "->", ">"})
_DIGITS = re.compile(r"\d+")


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


_FIELD = re.compile(r"\||[^ \t|]+")
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
    if _LETTER.search(token) is None or _ISO_STAMP.match(token) is not None:
        if _DIGIT.search(token) is not None:
            return _DIGITS.sub("9", token)
        return token  # punctuation only: a separator of its own kind
    if token[-1] == ":" and len(token) > 1:
        return "n:"
    return "w"


_LETTER = re.compile(r"[^\W\d_]")
_ISO_STAMP = re.compile(
    r"\d{4}-?\d\d-?\d\dT\d\d:?\d\d(?::?\d\d)?(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?,?$"
)
_DIGIT = re.compile(r"\d")


def _kind(shape_: str, values: Sequence[str]) -> Column:
    if shape_ == "w":
        words = [value.strip("[]:,").lower() for value in values]
        if _mostly(words, LEVELS) or _single_letter_levels(words):
            return Column.LEVEL
        if _mostly(words, _CALENDAR):
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
    lines: Sequence[str], share: float = DEFAULT_SHARE, follow: float | None = DEFAULT_FOLLOW
) -> HeaderLayout:
    """The header layout most of ``lines`` share, or an empty one. ``follow``: see
    ``_header_length`` (None: a word column at the end of the run never joins)."""
    texts = [line for line in lines if line.strip()]
    spans_of = [fields(line) for line in texts]
    first = _first_column(texts, spans_of) if texts else None
    if first is None:
        return HeaderLayout()
    alive = [i for i, spans in enumerate(spans_of) if _opening(texts[i], spans) == first]
    base = len(alive)
    shapes, alive_at = [first.split()[0]], [alive]
    for column in range(1, MAX_HEADER_FIELDS):
        here = {
            i: _shape_at(texts[i], spans_of[i], column)
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
        _kind(shape_, [_value(texts[i], spans_of[i], column) for i in alive_at[column]])
        for column, shape_ in enumerate(shapes)
    ]

    def names_the_writer(column: int) -> bool:
        if follow is None:
            return False
        pairs = [
            (_value(texts[i], spans_of[i], column), _rest(texts[i], spans_of[i], column))
            for i in alive_at[column]
        ]
        return _explained(pairs) < follow

    identifiers = [
        _identifiers([_value(texts[i], spans_of[i], column) for i in alive_at[column]])
        for column in range(len(shapes))
    ]
    length = _header_length(kinds, identifiers, names_the_writer)
    return HeaderLayout(tuple(shapes[:length]), tuple(kinds[:length]))


def _rest(text: str, spans: Sequence[tuple[int, int]], column: int) -> tuple[str, int]:
    """What follows a column: the next field (digits folded) and the line's length in words."""
    after = _DIGITS.sub("9", _value(text, spans, column + 1)) if len(spans) > column + 1 else ""
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
    value = _value(text, spans, 0)
    shape_ = shape(value)
    if shape_ == "n:":
        return None
    if shape_ != "w":
        return shape_
    bare = value.strip("[]:,").lower()
    if bare in _CALENDAR:
        return "w calendar"
    if bare in LEVELS:
        return "w level"
    if _MACHINE_WORD.search(value):
        return "w machine"
    return None


_MACHINE_WORD = re.compile(r"\d|\w[._/@$]\w")


def _mostly_machine(values: Sequence[str]) -> bool:
    """Host, node and file names (``node-7``, ``app.log.1``), not words of a sentence."""
    return sum(_MACHINE_WORD.search(value) is not None for value in values) >= 0.9 * len(values)


def _identifiers(values: Sequence[str]) -> bool:
    """A column of machine names that rarely repeat (node and host names, request ids): a
    header field, or a variable at worst, never the word that names an event."""
    return len(set(values)) * 2 > len(values) and _mostly_machine(values)


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


def _shape_at(text: str, spans: Sequence[tuple[int, int]], column: int) -> str:
    start, end = spans[column]
    return shape(text[start:end])


def _value(text: str, spans: Sequence[tuple[int, int]], column: int) -> str:
    start, end = spans[column]
    return text[start:end]


_PID = re.compile(r"(?:\[\d*\])?:?$")


def split_line(line: str, layout: HeaderLayout) -> LogLine:
    """``line`` split by ``layout``. A line that matches only the first columns keeps those
    when at least two of them are surely header; otherwise it has no header."""
    spans = fields(line, len(layout) + 1)
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
            level = _level(bare)
        elif kind is Column.TERMINATOR:
            program = _PID.sub("", value) or None
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
            or (kind is Column.BRACKET and _TIME_BRACKET.match(value) is not None)
        )
        if timely:
            run.append((start, stop))
        elif run:
            break
    return line[run[0][0] : run[-1][1]].strip("[], ") if run else None


_TIME_BRACKET = re.compile(r"^\[[\w ,.:/+-]*\d:\d\d[\w ,.:/+-]*\]$")


def _level(word: str) -> str:
    return {"v": "verbose", "d": "debug", "i": "info", "w": "warn", "e": "error", "f": "fatal"}.get(
        word, word
    )


def split_header(line: str) -> LogLine:
    """One line on its own: its header learned from itself."""
    return split_line(line, learn_header([line]))
