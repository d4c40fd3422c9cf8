"""Logs inside tickets: recognising pasted log lines and turning a log's templates into facts
(with counts, first/last line and time) for the ticket."""

from __future__ import annotations

from tierdesk.domain.facts import Fact, FactKind
from tierdesk.domain.log_templates import analyse_log, read_log_lines

MIN_LOG_LINES = 5
MAX_TEMPLATE_FACTS = 15


def looks_like_log(text: str) -> bool:
    """Pasted log lines: at least five lines with the header learned from the text itself,
    however much prose (greeting, explanation, signature) is around them."""
    lines = text.splitlines()
    if len(lines) < MIN_LOG_LINES:
        return False
    with_header = sum(1 for line in read_log_lines(lines) if line is not None and line.header)
    return with_header >= MIN_LOG_LINES


def template_facts(
    text: str,
    *,
    message_id: int | None = None,
    attachment_id: int | None = None,
    internal: bool = False,
    source: str = "message",
) -> list[Fact]:
    """A log's templates as facts: errors and rare ones first, then the most frequent, each
    with its count, first and last line and time; offsets point at its first line."""
    lines = text.splitlines()
    if not lines:
        return []
    analysis = analyse_log(lines)
    offsets, position = [], 0
    for line in text.splitlines(keepends=True):
        offsets.append(position)
        position += len(line)
    chosen = analysis.surfaced(limit=MAX_TEMPLATE_FACTS)
    frequent = sorted(analysis.templates, key=lambda t: -t.count)
    for template in frequent:
        if len(chosen) >= MAX_TEMPLATE_FACTS:
            break
        if template not in chosen:
            chosen.append(template)
    facts = []
    for template in chosen:
        start = offsets[template.first_line - 1]
        facts.append(
            Fact(
                FactKind.LOG_TEMPLATE,
                template.text[:300],
                start,
                start + len(lines[template.first_line - 1]),
                message_id,
                attachment_id,
                internal,
                {
                    "source": source,
                    "count": template.count,
                    "lines": analysis.line_count,
                    "first_line": template.first_line,
                    "last_line": template.last_line,
                    "first_seen": template.first_seen,
                    "last_seen": template.last_seen,
                    "level": template.level,
                    "program": template.program,
                    "error": template.is_error,
                    "rare": template.is_rare,
                    "example": template.example,
                },
            )
        )
    return facts
