"""``tierdesk eval facts``: the fact extractor the desk runs on every message, scored against
facts a person wrote down; the last line is JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tierdesk.domain.fact_scoring import SCORED_KINDS, score_facts
from tierdesk.domain.facts import Catalog, FactKind, extract_facts
from tierdesk.entrypoints.cli.search import eval_app
from tierdesk.entrypoints.cli.wiring import note, say
from tierdesk.errors import InvalidInputError

KIND_NAMES = ", ".join(str(kind) for kind in FactKind if kind in SCORED_KINDS)


def read_gold(path: Path) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """The texts and their facts; a blank line is skipped, anything else must be an object with
    ``text`` and ``facts`` (``kind`` and ``value`` each)."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    texts: list[str] = []
    facts: list[list[tuple[str, str]]] = []
    skipped: set[str] = set()
    known = {str(kind) for kind in FactKind}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            text, wanted = _row(row, f"{path}:{number}")
            for kind, _value in wanted:
                if kind not in known:
                    raise InvalidInputError(
                        f"{path}:{number}: unknown kind {kind!r} (kinds: {KIND_NAMES})"
                    )
                if kind not in SCORED_KINDS:
                    skipped.add(kind)
            texts.append(text)
            facts.append([(k, v) for k, v in wanted if k in SCORED_KINDS])
    if not texts:
        raise InvalidInputError(f"{path}: no texts")
    if skipped:
        note(f"not scored (the extractor does not read them): {', '.join(sorted(skipped))}")
    return texts, facts


def _row(row: Any, where: str) -> tuple[str, list[tuple[str, str]]]:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InvalidInputError(f"{where}: needs an object with a string 'text'")
    wanted = row.get("facts")
    if not isinstance(wanted, list):
        raise InvalidInputError(f"{where}: needs a list 'facts'")
    pairs = []
    for fact in wanted:
        value = fact.get("value") if isinstance(fact, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # "value": 503 means "503"
        if not (isinstance(fact, dict) and isinstance(fact.get("kind"), str) and value):
            raise InvalidInputError(f"{where}: each fact needs a string 'kind' and 'value'")
        pairs.append((fact["kind"], str(value)))
    return row["text"], pairs


def read_catalog(path: Path) -> Catalog:
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    lines = path.read_text(encoding="utf-8").splitlines()
    return Catalog.of(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@eval_app.command("facts")
def facts(
    gold: Annotated[
        Path,
        typer.Option(
            help='JSON lines: {"text": "...", "facts": [{"kind": "...", "value": "..."}]}.'
        ),
    ],
    predictions: Annotated[
        Path | None,
        typer.Option(
            help='Write {"facts": [{"kind", "value"}]} per input line (blank lines aside), '
            "in order."
        ),
    ] = None,
    catalog: Annotated[
        Path | None,
        typer.Option(help="The desk's product and model names, one per line ('#' comments)."),
    ] = None,
) -> None:
    """Read every text of GOLD with the desk's fact extractor and score it. The last line is
    JSON: precision, recall and f1 overall and in per_kind (with gold, predicted and correct
    counts; a figure with nothing to divide by is null). Per text, gold and predicted facts are
    compared as sets of (kind, normalised value): a fact said twice counts once. Normalised:
    case, white space and surrounding punctuation; for version and product-version the words
    version/v/firmware/release/build and a slash before the number ("Apache/2.4.58"); for
    sip-status and http-status only the three-digit code; an IP address in canonical form
    without port or prefix length; a MAC address as its twelve hex digits; a stack trace as its
    exception type; a since phrase without its marker word ("since", "seit", "depuis"...).
    Kinds: product-version, version, error-code, sip-status, http-status, ip-address,
    mac-address, serial-number, hostname, timestamp, since, stack-trace (language and
    log-template are skipped). The values each kind takes are set out in
    bench/facts/README.md."""
    texts, wanted = read_gold(gold)
    names = read_catalog(catalog) if catalog is not None else Catalog()
    found = [
        [(str(fact.kind), fact.value) for fact in extract_facts(text, catalog=names)]
        for text in texts
    ]
    if predictions is not None:
        predictions.write_text(
            "".join(
                json.dumps({"facts": [{"kind": k, "value": v} for k, v in row]}, ensure_ascii=False)
                + "\n"
                for row in found
            ),
            encoding="utf-8",
        )
    result = score_facts(wanted, found)
    for kind, figures in result["per_kind"].items():  # type: ignore[attr-defined]
        note(
            f"{kind:<16} precision {_shown(figures['precision'])}  recall "
            f"{_shown(figures['recall'])}  ({figures['correct']} of {figures['gold']} found, "
            f"{figures['predicted']} read)"
        )
    say(json.dumps(result, ensure_ascii=False))


def _shown(value: object) -> str:
    return "  -  " if value is None else f"{value:.3f}"
