"""How facts read by the extractor are scored against facts a person wrote down.

Per text, gold and predicted facts are compared as sets of (kind, normalised value), so a fact
said twice counts once; precision, recall and F1 are micro-averaged over all texts, overall and
per kind. The normalisation forgives what two careful people would write differently for the
same fact (case, spacing, "version 4.2.1" or "4.2.1", "SIP/2.0 503 Service Unavailable" or
"503", a MAC's separators) and nothing else. bench/facts/README.md is the annotation guideline.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tierdesk.domain.fact_kinds import FactKind

SCORED_KINDS = frozenset(FactKind) - {FactKind.LOG_TEMPLATE, FactKind.LANGUAGE}
_EDGE_PUNCTUATION = " \t\"'`«»“”„‘’()[]{}<>.,;:!?"
_VERSION_WORDS = re.compile(
    r"\b(?:version|versione|versión|softwareversion|firmware-version|firmwareversion|"
    r"firmware|fw|release|build|ver\.?|v)(?=\s|\d|$)\s*",
    re.IGNORECASE,
)
_SLASHED = re.compile(r"([^\s/])/(?=v?\d)")
_STATUS_CODE = re.compile(r"(?<!\d)[1-6]\d\d(?!\d)")
_TRACE_PREFIX = re.compile(
    r"^(?:exception in thread \"[^\"]*\"\s*|caused by:\s*|unhandled exception\.\s*|"
    r"uncaught\s+(?:exception:?\s*)?|unhandled\s+)",
    re.IGNORECASE,
)
_TRACE_TYPE = re.compile(r"[\w$]+(?:[.$][\w$]+)*")
_SINCE_MARKER = re.compile(
    r"^(?:(?:since|seit|ab|dal|dall'|dalla|dalle|dallo|dai|dagli|da|depuis|desde hace|desde|"
    r"started|starting|began|begun|for|a partire da|à partir de)\b\s*|dall')",
    re.IGNORECASE,
)


def normalise(kind: str, value: str) -> str:
    """The form a fact's value is compared in (README.md, "How gold and predictions are
    compared")."""
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    text = text.strip(_EDGE_PUNCTUATION).casefold()
    if kind in (FactKind.VERSION, FactKind.PRODUCT_VERSION):
        text = _SLASHED.sub(r"\1 ", text)  # "Apache/2.4.58" = "Apache 2.4.58"
        text = " ".join(_VERSION_WORDS.sub(" ", text).split())
    elif kind in (FactKind.SIP_STATUS, FactKind.HTTP_STATUS):
        code = _STATUS_CODE.search(text)
        text = code.group(0) if code else text
    elif kind == FactKind.IP_ADDRESS:
        text = _canonical_address(text)
    elif kind == FactKind.MAC_ADDRESS:
        text = re.sub(r"[^0-9a-f]", "", text)
    elif kind == FactKind.HOSTNAME:
        text = text.rstrip(".")
    elif kind == FactKind.STACK_TRACE:
        text = _TRACE_PREFIX.sub("", text)
        found = _TRACE_TYPE.match(text)
        text = found.group(0) if found else text
    elif kind == FactKind.SINCE:
        text = _SINCE_MARKER.sub("", text).strip()
    return text


def _canonical_address(text: str) -> str:
    bare = text.split("/")[0].strip("[]")
    if bare.count(":") == 1 and "." in bare:  # IPv4 with a port
        bare = bare.split(":")[0]
    try:
        return str(ipaddress.ip_address(bare.split("%")[0]))
    except ValueError:
        return bare


@dataclass
class Tally:
    gold: int = 0
    predicted: int = 0
    correct: int = 0

    def figures(self) -> dict[str, float | int | None]:
        """Precision is undefined (None) when nothing was predicted, recall when nothing was
        there to find; F1 needs both."""
        precision = self.correct / self.predicted if self.predicted else None
        recall = self.correct / self.gold if self.gold else None
        f1 = None
        if precision is not None and recall is not None:
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": _rounded(precision),
            "recall": _rounded(recall),
            "f1": _rounded(f1),
            "gold": self.gold,
            "predicted": self.predicted,
            "correct": self.correct,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def fact_keys(facts: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(kind, normalise(kind, value)) for kind, value in facts if kind in SCORED_KINDS}


def score_facts(
    gold: Sequence[Iterable[tuple[str, str]]], predicted: Sequence[Iterable[tuple[str, str]]]
) -> dict[str, object]:
    """Micro-averaged precision, recall and F1 over the texts, overall and per kind (kinds in
    the order of ``FactKind``; a kind neither annotated nor predicted is left out)."""
    overall = Tally()
    by_kind = {kind: Tally() for kind in FactKind if kind in SCORED_KINDS}
    for gold_facts, predicted_facts in zip(gold, predicted, strict=True):
        wanted, found = fact_keys(gold_facts), fact_keys(predicted_facts)
        for key in wanted:
            by_kind[FactKind(key[0])].gold += 1
        for key in found:
            by_kind[FactKind(key[0])].predicted += 1
            by_kind[FactKind(key[0])].correct += key in wanted
        overall.gold += len(wanted)
        overall.predicted += len(found)
        overall.correct += len(wanted & found)
    return {
        "texts": len(gold),
        **overall.figures(),
        "per_kind": {
            str(kind): tally.figures()
            for kind, tally in by_kind.items()
            if tally.gold or tally.predicted
        },
    }
