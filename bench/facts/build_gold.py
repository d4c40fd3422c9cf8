"""Turn the annotated sources (``source/dev/*.txt``, ``source/held/*.txt``) into the gold files
``dev.jsonl`` and ``held.jsonl`` that ``tierdesk eval facts --gold`` reads.

    python bench/facts/build_gold.py [--check]

A snippet starts at ``### <language> <genre>``; a fact is ``⟦kind|text⟧`` around its words, and
its value is exactly that text (README.md). ``--check`` only verifies the files are current.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPEN, CLOSE, SEPARATOR = "⟦", "⟧", "|"
KINDS = {
    "product-version",
    "version",
    "error-code",
    "sip-status",
    "http-status",
    "ip-address",
    "mac-address",
    "serial-number",
    "hostname",
    "timestamp",
    "since",
    "stack-trace",
}
LANGUAGES = {"en", "de", "it", "fr", "es"}


class MarkupError(ValueError):
    pass


def parse_marked(marked: str) -> tuple[str, list[dict[str, object]]]:
    """The plain text and its facts, with offsets into the plain text."""
    text: list[str] = []
    facts: list[dict[str, object]] = []
    stack: list[tuple[str, int]] = []  # (kind, start in plain text)
    index = 0
    length = 0
    while index < len(marked):
        char = marked[index]
        if char == OPEN:
            bar = marked.find(SEPARATOR, index)
            kind = marked[index + 1 : bar]
            if bar < 0 or kind not in KINDS:
                raise MarkupError(f"unknown kind {kind!r} near {marked[index : index + 40]!r}")
            stack.append((kind, length))
            index = bar + 1
            continue
        if char == CLOSE:
            if not stack:
                raise MarkupError(f"unbalanced {CLOSE} near {marked[max(0, index - 40) : index]!r}")
            kind, start = stack.pop()
            value = "".join(text)[start:length]
            if not value or value != value.strip():
                raise MarkupError(f"{kind} {value!r}: empty or padded with spaces")
            facts.append({"kind": kind, "value": value, "start": start, "end": length})
            index += 1
            continue
        text.append(char)
        length += 1
        index += 1
    if stack:
        raise MarkupError(f"unclosed {stack[-1][0]}")
    facts.sort(key=lambda fact: (fact["start"], fact["end"]))  # type: ignore[arg-type]
    return "".join(text), facts


def read_source(path: Path) -> list[dict[str, object]]:
    snippets = []
    header: list[str] | None = None
    body: list[str] = []

    def close() -> None:
        if header is None:
            return
        marked = "\n".join(body).strip("\n")
        try:
            text, facts = parse_marked(marked)
        except MarkupError as exc:
            raise SystemExit(f"{path.name} snippet {len(snippets) + 1}: {exc}") from exc
        snippets.append(
            {
                "id": f"{path.parent.name}-{path.stem}-{len(snippets) + 1:03d}",
                "language": header[0],
                "genre": header[1],
                "text": text,
                "facts": facts,
            }
        )

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            close()
            header = line[4:].split()
            if len(header) != 2 or header[0] not in LANGUAGES:
                raise SystemExit(f"{path.name}: bad header {line!r}")
            body = []
        elif header is not None:
            body.append(line)
    close()
    return snippets


def build(part: str) -> str:
    snippets = []
    for path in sorted((HERE / "source" / part).glob("*.txt")):
        snippets += read_source(path)
    return "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in snippets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    arguments = parser.parse_args()
    stale = []
    for part in ("dev", "held"):
        content = build(part)
        target = HERE / f"{part}.jsonl"
        if arguments.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != content:
                stale.append(target.name)
            continue
        target.write_text(content, encoding="utf-8")
        rows = content.count("\n")
        facts = sum(len(json.loads(line)["facts"]) for line in content.splitlines())
        print(f"{target.name}: {rows} snippets, {facts} facts")
    if stale:
        sys.exit(f"stale: {', '.join(stale)}; run python bench/facts/build_gold.py")


if __name__ == "__main__":
    main()
