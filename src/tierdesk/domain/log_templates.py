"""Log lines grouped into templates, Drain-style (He et al., ICWS 2017).

A customer pastes or attaches a log; an engineer wants "which kinds of line are there, how
often, since when, and which are errors or rare". This module answers that for any log format
with one fixed configuration: nothing here knows a particular system.

1. **Log lines and headers.** Prose around a pasted log (greetings, sentences, quoted mail,
   signatures) is told from log lines first (``log_prose``) and never grouped. The header that
   every logger adds (date, time, level, thread, host, program and pid, component) is learned
   from the lines themselves, not from a per-system format string (``log_headers``); the
   level and the program are kept as facts about the line, the message alone is grouped.
2. **Masks.** A small, documented set of generic masks replaces what is obviously a variable:
   IPv4/IPv6 addresses with optional port, MAC addresses, UUIDs, hexadecimal numbers, file
   paths with digits, and numbers (also inside identifiers such as ``blk_-123`` or ``part-7``).
3. **Tree.** Drain's fixed-depth tree: lines are bucketed by token count and by their first
   tokens (a token holding a digit routes as a wildcard), then joined to the most similar
   template in the leaf when at least ``similarity`` of the positions agree; the positions that
   differ become ``<*>``. Then one refinement (``split_constant_words``).

Every parameter (``MinerSettings``) was chosen leave-one-system-out on loghub-2k
(``bench/logs_loso.py``, docs/research/log-templates.md).

Why not the ``drain3`` package: it pins old ``jsonpickle``/``cachetools`` releases and has no
notion of headers, so it would have needed the same header and mask code around it anyway; the
tree itself is the small part (``Drain`` below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tierdesk.domain.log_fields import fields
from tierdesk.domain.log_headers import LogLine, learn_header, split_line
from tierdesk.domain.log_prose import LineLabel, line_labels, log_lines

WILDCARD = "<*>"

_ERROR_LEVELS = frozenset(
    ["error", "err", "severe", "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic"]
)
_WARNING_LEVELS = frozenset({"warn", "warning"})
_ERROR_WORDS = re.compile(
    r"\b(error|errors|fail|failed|failure|exception|fatal|critical|denied|refused|"
    r"timed?[ -]?out|panic|abort(ed)?|unreachable|invalid|corrupt(ed)?|killed|segfault)\b",
    re.IGNORECASE,
)

# The generic masks, most specific first. Each keeps the text around the variable, so that
# ``rhost=10.0.0.1`` becomes ``rhost=<*>`` and ``blk_-42`` becomes ``blk_<*>``.
_MASKS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        # a written-out date inside the message: "Wed Jun 29 14:44:35 2005", "Jun 29 14:44:35"
        r"\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
        r"Oct|Nov|Dec)[a-z]* +\d{1,2},?(?: \d{4})? \d{1,2}:\d{2}(?::\d{2})?(?: \d{4})?\b",
        r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?![\w.])",  # IPv4 with optional port
        r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}(?![\w:])",  # IPv6
        r"(?<![\w:])(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}(?![\w:])",  # MAC
        r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b",  # UUID
        r"\b0x[0-9a-fA-F]+\b",  # hexadecimal literal
        r"(?<![\w])[0-9a-fA-F]*\d[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*(?![\w])",  # bare hex, 1 digit+
        r"(?<![A-Za-z0-9])[-+]?\d+(?:[.,:]\d+)*(?![A-Za-z0-9])",  # numbers, versions, times
    )
)
_COLLAPSE = re.compile(r"(?:<\*>[^\sA-Za-z]?)+<\*>")


def mask(content: str) -> list[str]:
    """The content's tokens with the generic masks applied."""
    for pattern in _MASKS:
        content = pattern.sub(WILDCARD, content)
    content = _COLLAPSE.sub(WILDCARD, content)
    return content.split()


def _routes_as_wildcard(token: str) -> bool:
    return WILDCARD in token or any(character.isdigit() for character in token)


@dataclass
class Cluster:
    """A template and the indexes of the lines it holds (Drain's log group)."""

    id: int
    tokens: list[str]
    lines: list[int] = field(default_factory=list)

    @property
    def template(self) -> str:
        return " ".join(self.tokens)


class Drain:
    """The parse tree. ``similarity`` and ``depth`` are Drain's published defaults' spirit:
    one setting for every system, never tuned per log."""

    def __init__(
        self,
        similarity: float = 0.5,
        depth: int = 4,
        max_children: int = 100,
        *,
        of_words: bool = False,
    ) -> None:
        self._similarity = similarity
        self._of_words = of_words
        self._prefix_length = max(depth - 2, 1)
        self._max_children = max_children
        self._tree: dict[int, dict[tuple[str, ...], list[Cluster]]] = {}
        self.clusters: list[Cluster] = []

    def add(self, tokens: Sequence[str], line_index: int) -> Cluster:
        leaf = self._leaf(tokens)
        best = self._most_similar(leaf, tokens)
        if best is None:
            best = Cluster(len(self.clusters), list(tokens))
            self.clusters.append(best)
            leaf.append(best)
        else:
            best.tokens = [
                known if known == new else WILDCARD
                for known, new in zip(best.tokens, tokens, strict=True)
            ]
        best.lines.append(line_index)
        return best

    def _leaf(self, tokens: Sequence[str]) -> list[Cluster]:
        by_prefix = self._tree.setdefault(len(tokens), {})
        key = tuple(
            WILDCARD if _routes_as_wildcard(token) else token
            for token in tokens[: self._prefix_length]
        )
        if key not in by_prefix and len(by_prefix) >= self._max_children:
            # A full node sends newcomers to its wildcard child, as Drain does.
            key = tuple(WILDCARD for _ in key)
        return by_prefix.setdefault(key, [])

    def _most_similar(self, leaf: Iterable[Cluster], tokens: Sequence[str]) -> Cluster | None:
        best: Cluster | None = None
        best_score = (-1.0, -1)
        for cluster in leaf:
            same = sum(
                1
                for known, new in zip(cluster.tokens, tokens, strict=True)
                if known == new and known != WILDCARD
            )
            wildcards = cluster.tokens.count(WILDCARD)
            if self._of_words:
                # Share of the line's words the template agrees with: what was masked in the
                # line is a variable and counts neither for nor against.
                words = sum(1 for token in tokens if token != WILDCARD)
                share = same / words if words else float(wildcards == len(tokens))
            else:
                share = same / max(len(tokens), 1)  # Drain's: share of all positions
            score = (share, wildcards)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score[0] >= self._similarity:
            return best
        if best is not None and not tokens:
            return best
        return None


def split_constant_words(
    clusters: Sequence[Cluster], tokens_of_line: Sequence[Sequence[str]], max_values: int = 3
) -> list[Cluster]:
    """Undo merges that turned a handful of plain words into a wildcard.

    Drain joins "Starting X" and "Ending X" when most positions agree. A position whose values
    are all plain words (no digits, nothing masked) and few (at most ``max_values`` distinct)
    names *which* event happened, not a variable such as a user name, so the group is split
    by those words. A position with many distinct words (user names, hosts) stays a wildcard.
    """
    result: list[Cluster] = []
    for cluster in clusters:
        wordy_positions = [
            position
            for position, token in enumerate(cluster.tokens)
            if token == WILDCARD
            and _few_plain_words({tokens_of_line[i][position] for i in cluster.lines}, max_values)
        ]
        if not wordy_positions or max_values < 2:
            result.append(cluster)
            continue
        parts: dict[tuple[str, ...], list[int]] = {}
        for line in cluster.lines:
            key = tuple(tokens_of_line[line][position] for position in wordy_positions)
            parts.setdefault(key, []).append(line)
        for lines in parts.values():
            result.append(Cluster(0, _merged_template(tokens_of_line, lines), lines))
    for number, cluster in enumerate(result):
        cluster.id = number
    return result


def _few_plain_words(values: set[str], max_values: int) -> bool:
    return 2 <= len(values) <= max_values and all(
        WILDCARD not in value and not any(c.isdigit() for c in value) for value in values
    )


def _merged_template(tokens_of_line: Sequence[Sequence[str]], lines: Sequence[int]) -> list[str]:
    template = list(tokens_of_line[lines[0]])
    for line in lines[1:]:
        template = [
            known if known == new else WILDCARD
            for known, new in zip(template, tokens_of_line[line], strict=True)
        ]
    return template


@dataclass(frozen=True)
class LogTemplate:
    """One kind of line in a log: how often it occurs, where first and last, and whether it is
    an error or rare (what an engineer reads first)."""

    id: int
    template: str
    count: int
    first_line: int  # 1-based line numbers in the log
    last_line: int
    first_seen: str | None  # the header timestamp of the first and last line, as written
    last_seen: str | None
    level: str | None
    is_error: bool
    is_rare: bool
    example: str
    program: str | None = None  # who wrote every line of it (the header's program), if one

    @property
    def text(self) -> str:
        """The template as an engineer reads it: with its program when one wrote it all."""
        return f"{self.program}: {self.template}" if self.program else self.template


@dataclass(frozen=True)
class LogAnalysis:
    line_count: int
    templates: tuple[LogTemplate, ...]
    # the template id of every input line, in order; NOT_LOG for blank lines and prose
    assignments: tuple[int, ...]

    @property
    def log_line_count(self) -> int:
        return sum(template.count for template in self.templates)

    def surfaced(self, limit: int = 10) -> list[LogTemplate]:
        """Errors first, then rare templates, then the rest by count."""
        ordered = sorted(
            self.templates, key=lambda t: (not t.is_error, not t.is_rare, -t.count, t.id)
        )
        return [t for t in ordered if t.is_error or t.is_rare][:limit]


NOT_LOG = -1


@dataclass(frozen=True)
class MinerSettings:
    """The miner's parameters: one choice for every log. The defaults are the choice made
    leave-one-system-out on loghub-2k's eight systems (``bench/logs_loso.py``)."""

    similarity: float = 0.6  # Drain: share of words that must agree to join a template
    depth: int = 4  # Drain: tree depth (depth - 2 leading tokens route a line)
    header_share: float = 0.9  # log_headers: share of lines a header column must hold in
    header_follow: float | None = 0.5  # log_headers: a last word column joins the header
    # when the field after it is its most common follower in less than this share of lines
    word_split: int = 3  # split a wildcard back when it holds at most this many plain words
    by_program: bool = False  # the header's program name is part of the template
    of_words: bool = True  # Drain: similarity over the line's unmasked words, not positions


def analyse_log(
    lines: Sequence[str], *, rare_share: float = 0.01, settings: MinerSettings | None = None
) -> LogAnalysis:
    """Group the log lines of ``lines`` into templates. The header is learned from the lines
    themselves; blank lines and prose (greetings, sentences, quoted mail, signatures) are
    no template's (``NOT_LOG``).

    A template is *rare* when it holds at most ``rare_share`` of the log lines (and at most a
    handful), *an error* when its level or its words say so.
    """
    settings = settings or MinerSettings()
    raw = [line.rstrip("\r\n") for line in lines]
    return group_log_lines(raw, read_log_lines(raw, settings), settings, rare_share=rare_share)


def group_log_lines(
    raw: Sequence[str],
    parsed: Sequence[LogLine | None],
    settings: MinerSettings,
    *,
    rare_share: float = 0.01,
) -> LogAnalysis:
    """``analyse_log`` once the lines are read (``read_log_lines``)."""
    is_log = [line is not None for line in parsed]
    drain = Drain(settings.similarity, settings.depth, of_words=settings.of_words)
    tokens_of_line: list[list[str]] = [[] for _ in raw]
    for index, line in enumerate(parsed):
        if line is None:
            continue
        tokens = mask(line.content)
        if settings.by_program and line.program:
            tokens.insert(0, line.program + ":")
        tokens_of_line[index] = tokens
        drain.add(tokens, index)
    clusters = split_constant_words(drain.clusters, tokens_of_line, settings.word_split)
    template_of_line = [NOT_LOG] * len(raw)
    for cluster in clusters:
        for line_index in cluster.lines:
            template_of_line[line_index] = cluster.id
    total = sum(is_log)
    rare_limit = max(1, min(5, int(total * rare_share)))
    templates = []
    for cluster in clusters:
        first, last = cluster.lines[0], cluster.lines[-1]
        held = [line for i in cluster.lines if (line := parsed[i]) is not None]
        levels = {line.level for line in held if line.level}
        programs = {line.program for line in held}
        level = _most_severe(levels)
        is_error = bool((level and level in _ERROR_LEVELS) or _ERROR_WORDS.search(cluster.template))
        templates.append(
            LogTemplate(
                id=cluster.id,
                template=cluster.template,
                count=len(cluster.lines),
                first_line=first + 1,
                last_line=last + 1,
                first_seen=held[0].time or held[0].header or None,
                last_seen=held[-1].time or held[-1].header or None,
                level=level,
                is_error=is_error,
                is_rare=total >= 20 and len(cluster.lines) <= rare_limit,
                example=raw[first][:500],
                program=None if settings.by_program or len(programs) != 1 else programs.pop(),
            )
        )
    return LogAnalysis(len(raw), tuple(templates), tuple(template_of_line))


def read_log_lines(
    lines: Sequence[str], settings: MinerSettings | None = None
) -> list[LogLine | None]:
    """Each line split into header and message by the header learned from ``lines``, or None
    for a line that is no log line (blank, prose, quoted mail, signature)."""
    settings = settings or MinerSettings()
    labels = line_labels(lines)
    # Quoted mail and signatures are left out; sentences are not: a header never opens with a
    # plain word, and a log whose messages are sentences still has its header.
    spans = [fields(line) for line in lines]
    layout = learn_header(
        lines,
        settings.header_share,
        settings.header_follow,
        spans=[
            [] if label is LineLabel.MAIL else found
            for label, found in zip(labels, spans, strict=True)
        ],
    )
    parsed = [split_line(line, layout, found) for line, found in zip(lines, spans, strict=True)]
    is_log = log_lines(labels, [bool(line.header) for line in parsed])
    return [line if log else None for line, log in zip(parsed, is_log, strict=True)]


def _most_severe(levels: set[str]) -> str | None:
    for group in (_ERROR_LEVELS, _WARNING_LEVELS):
        found = sorted(levels & group)
        if found:
            return found[0]
    return sorted(levels)[0] if levels else None
