"""Stack traces: one fact per pasted trace (Java, Python, .NET, JavaScript, Go), its value the
exception line from the exception's type on; and an exception line standing on its own line.

Read by the shape of the lines around it, not by one pattern per line: a Python traceback's
exception is the first line after its indented frames, a Java/.NET/JavaScript trace's the line
above its first ``at`` frame (above any ``--->`` inner exceptions), a Go panic's the ``panic:``
line before its goroutine dump. "Caused by:" chains and the "Traceback" header belong to the
trace and are not facts of their own, so a trace is reported once. The frames are handed to
the other rules as a zone where only addresses and host names are read.
"""

from __future__ import annotations

import re

from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.fact_text import Found, Reading

_QUOTE = re.compile(r"^(?:[ \t]*>)+[ \t]?")
_PYTHON_HEADER = re.compile(r"^\s*Traceback \(most recent call last\):\s*$")
_FRAME = re.compile(r"^\s+(?:at\s+\S|\.\.\.\s+\d+\s+(?:more|common frames omitted))")
_INNER = re.compile(r"^\s*(?:--->|--- End of)")
_CAUSED = re.compile(r"^\s*(?:Caused by:|Suppressed:)")
_GOROUTINE = re.compile(r"^goroutine \d+ \[")
_PREFIX = re.compile(
    r"^\s*(?:Exception in thread \"[^\"\n]*\"\s+|Unhandled exception\.\s+|"
    r"Uncaught(?: exception:?)?\s+|Unhandled(?: rejection)?:?\s+)"
)
_TYPE = re.compile(
    r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*)(?=:(?:\s|$)|\s*$|\s\((?:0x)?\w+\):)"
)
_TYPE_END = re.compile(
    r"(?:Exception|Error|Exit|Interrupt|Fault|Failure|Violation|Timeout|Warning|Refused)$"
)
_OWN_LINE = re.compile(
    r"^((?:[a-z_][\w]*\.)*[A-Z]\w*(?:Exception|Error|Fault|Failure))(?::\s.*)?\s*$"
)


def find_traces(reading: Reading) -> list[Found]:
    lines = _lines(reading.text)
    found: list[Found] = []
    frames: list[tuple[int, int]] = []
    index = 0
    in_chain = False  # inside a trace's frames and "Caused by:" sections
    while index < len(lines):
        start, line = lines[index]
        if _PYTHON_HEADER.match(line):
            index = _python(lines, index, found, frames)
            in_chain = False
            continue
        if _FRAME.match(line):
            if not in_chain:
                exception = _exception_above(lines, index)
                if exception is not None:
                    found.append(exception)
            frames.append((start, start + len(line)))
            in_chain = True
        elif _INNER.match(line):
            frames.append((start, start + len(line)))
        elif in_chain and (_CAUSED.match(line) or _next_is_frame(lines, index)):
            pass  # a cause inside the same trace: part of it, not a fact of its own
        elif line.startswith("panic: ") and _goroutine_follows(lines, index):
            found.append(Found(FactKind.STACK_TRACE, start, start + len(line.rstrip())))
            index = _go_dump(lines, index + 1, frames)
            in_chain = False
            continue
        else:
            in_chain = False
            own = _OWN_LINE.match(line)
            if own and not (index + 1 < len(lines) and _FRAME.match(lines[index + 1][1])):
                found.append(Found(FactKind.STACK_TRACE, start, start + len(line.rstrip())))
        index += 1
    reading.set_frames(frames)
    return found


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line with its offset; an e-mail quote marker ("> ") is left out of the line."""
    result = []
    offset = 0
    for raw in text.split("\n"):
        quote = _QUOTE.match(raw)
        skip = quote.end() if quote else 0
        result.append((offset + skip, raw[skip:].rstrip("\r")))
        offset += len(raw) + 1
    return result


def _python(
    lines: list[tuple[int, str]], header: int, found: list[Found], frames: list[tuple[int, int]]
) -> int:
    index = header + 1
    while index < len(lines) and (lines[index][1][:1] in (" ", "\t") or not lines[index][1]):
        start, line = lines[index]
        frames.append((start, start + len(line)))
        index += 1
    if index < len(lines):
        start, line = lines[index]
        value = _exception_span(start, line)
        if value is not None:
            found.append(value)
        return index + 1
    return index


def _exception_above(lines: list[tuple[int, str]], frame: int) -> Found | None:
    index = frame - 1
    while index >= 0 and _INNER.match(lines[index][1]):
        index -= 1
    if index < 0 or not lines[index][1].strip():
        return None
    start, line = lines[index]
    return _exception_span(start, line)


def _exception_span(start: int, line: str) -> Found | None:
    """The exception line from its type on ("Exception in thread", a log header, "Uncaught"
    left out)."""
    prefix = _PREFIX.match(line)
    offset = prefix.end() if prefix else 0
    first = None
    for match in _TYPE.finditer(line, offset):
        name = match.group(1)
        if _TYPE_END.search(name) or ("." in name and name.rsplit(".", 1)[1][:1].isupper()):
            first = match
            break
        if first is None and name in ("Error", "panic"):
            first = match
    if first is None:
        return None
    return Found(FactKind.STACK_TRACE, start + first.start(1), start + len(line.rstrip()))


def _next_is_frame(lines: list[tuple[int, str]], index: int) -> bool:
    return index + 1 < len(lines) and bool(_FRAME.match(lines[index + 1][1]))


def _goroutine_follows(lines: list[tuple[int, str]], index: int) -> bool:
    return any(_GOROUTINE.match(line) for _, line in lines[index + 1 : index + 6])


def _go_dump(lines: list[tuple[int, str]], index: int, frames: list[tuple[int, int]]) -> int:
    """The signal line and the goroutine dump after a ``panic:`` line: frames, all of it."""
    while index < len(lines) and not _GOROUTINE.match(lines[index][1]):
        start, line = lines[index]
        frames.append((start, start + len(line)))
        index += 1
    while index < len(lines) and lines[index][1].strip():
        start, line = lines[index]
        frames.append((start, start + len(line)))
        index += 1
    return index
