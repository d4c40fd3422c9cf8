"""Facts read out of what people write: versions, error codes, addresses, serials, traces.

Pure pattern rules. Each fact keeps where it came from (the message and the character offsets
in its text), so an engineer can jump from "SIP 503" to the sentence that said it, and so that
facts read from an internal note are never shown to the customer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FactKind(StrEnum):
    PRODUCT_VERSION = "product-version"  # "Kestrel SBC 4.2.1", "firmware 2.0.3"
    VERSION = "version"  # a bare version number
    ERROR_CODE = "error-code"  # ERR_TLS_HANDSHAKE, E1234, ORA-00942, 0x80070005
    SIP_STATUS = "sip-status"  # SIP/2.0 503 Service Unavailable
    HTTP_STATUS = "http-status"  # HTTP/1.1 502, "HTTP 404"
    IP_ADDRESS = "ip-address"
    MAC_ADDRESS = "mac-address"
    SERIAL_NUMBER = "serial-number"
    HOSTNAME = "hostname"
    TIMESTAMP = "timestamp"
    SINCE = "since"  # "since yesterday", "seit Montag": when the problem started
    STACK_TRACE = "stack-trace"  # the first line of a Java/Python/.NET trace
    LOG_TEMPLATE = "log-template"  # a kind of line in a pasted or attached log
    LANGUAGE = "language"  # the language a message is written in (ISO 639-1)

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


@dataclass(frozen=True)
class Fact:
    """One fact and where it was read: ``message_id`` and offsets into that message's text
    (``attachment_id`` when it came from an attached file)."""

    kind: FactKind
    value: str
    start: int
    end: int
    message_id: int | None = None
    attachment_id: int | None = None
    internal: bool = False  # read from an internal note: agents only
    detail: dict[str, Any] = field(default_factory=dict)
    ticket_id: int | None = None
    id: int | None = None


_VERSION_CORE = r"\d+\.\d+(?:\.\d+){0,3}(?:[-+][0-9A-Za-z.]+)?"
_PATTERNS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    (
        FactKind.SIP_STATUS,
        re.compile(r"\bSIP/2\.0 [1-6]\d\d(?: [A-Z][A-Za-z-]*(?: [A-Z][A-Za-z-]*){0,4})?"),
    ),
    (
        FactKind.SIP_STATUS,
        re.compile(
            r"\bSIP (?:error |status |code )?[3-6]\d\d\b"
            r"(?: [A-Z][A-Za-z-]*(?: [A-Z][A-Za-z-]*){0,4})?"
        ),
    ),
    (FactKind.HTTP_STATUS, re.compile(r"\bHTTP(?:/\d(?:\.\d)?)? ?(?:error |status )?[1-5]\d\d\b")),
    (
        FactKind.STACK_TRACE,
        re.compile(
            r"^(?:Traceback \(most recent call last\):|Exception in thread .*|"
            r"(?:[a-z][\w$]*\.)+[A-Z]\w*(?:Exception|Error)(?::.*)?|"
            r"\w+(?:Error|Exception): .*)$",
            re.MULTILINE,
        ),
    ),
    (
        FactKind.TIMESTAMP,
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b"
        ),
    ),
    (
        FactKind.IP_ADDRESS,
        re.compile(
            r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
            r"(?:/\d{1,2})?(?![\w.])"
        ),
    ),
    (
        FactKind.MAC_ADDRESS,
        re.compile(r"\b[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}\b"),
    ),
    (
        FactKind.SERIAL_NUMBER,
        re.compile(
            r"(?i:\b(?:serial(?: number| no\.?)?|s/n|sn|seriennummer|numero di serie|"
            r"num[ée]ro de s[ée]rie|n[uú]mero de serie)\s*[:#]?\s*)(?P<value>[A-Z0-9][A-Z0-9-]{4,})"
        ),
    ),
    (
        FactKind.ERROR_CODE,
        re.compile(
            r"\b(?:0x[0-9A-Fa-f]{6,8}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,6}-\d{3,6}|"
            r"(?i:error|err|code|alarm|fehler|errore|erreur|c[oó]digo)\s*(?:code\s*)?[:#]?\s*"
            r"(?P<value>[A-Z]{0,4}\d{2,6}))\b"
        ),
    ),
    (
        FactKind.PRODUCT_VERSION,
        re.compile(
            r"(?P<value>\b(?:[A-Z][\w-]*\s){0,3}(?i:v(?:ersion|ersione|ersión)?\.?\s?|"
            r"release\s|firmware\s|fw\s|build\s)?" + _VERSION_CORE + r")"
        ),
    ),
    (
        FactKind.HOSTNAME,
        re.compile(r"\b(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){2,}\b"),
    ),
    (
        FactKind.SINCE,
        re.compile(
            r"(?i)\b(?:since|started|starting|began|seit|ab|da|dal|dalla|dalle|depuis|desde)\s+"
            r"(?:(?:last|this|yesterday|today|the|this|gestern|heute|letzte[nmr]?|ieri|oggi|"
            r"scors[oa]|hier|aujourd'hui|dernier|derni[eè]re|ayer|hoy|pasad[oa])\b"
            r"(?-i:(?:[ \t][a-zà-ÿ']+){0,3})|"
            r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|"
            r"mittwoch|donnerstag|freitag|samstag|sonntag|luned[iì]|marted[iì]|mercoled[iì]|"
            r"gioved[iì]|venerd[iì]|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|"
            r"mi[ée]rcoles|jueves|viernes)\b|\d{1,2}[:.]\d{2}|\d{4}-\d{2}-\d{2}|"
            r"the (?:upgrade|update|migration|reboot|restart)\b|\d+\s+(?:hours?|days?|weeks?|"
            r"minutes?|stunden|tagen|wochen|ore|giorni|heures|jours|horas|d[ií]as)\b)"
        ),
    ),
)
_VERSION_ONLY = re.compile(r"^(?:v(?:ersion)?\.?\s?)?" + _VERSION_CORE + r"$", re.IGNORECASE)
_FILE_SUFFIXES = (
    *(".log", ".txt", ".conf", ".cfg", ".xml", ".json", ".yaml", ".yml", ".csv", ".pcap"),
    *(".zip", ".gz", ".png", ".jpg", ".pdf", ".html", ".py", ".java"),
)
MAX_FACTS_PER_TEXT = 200


def extract_facts(
    text: str,
    *,
    message_id: int | None = None,
    attachment_id: int | None = None,
    internal: bool = False,
) -> list[Fact]:
    """Every fact in ``text``, left to right; a span already taken by a more specific kind
    (a SIP status, an address) is not read again as something vaguer (a version)."""
    taken: list[tuple[int, int]] = []
    facts: list[Fact] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            group = "value" if match.groupdict().get("value") else 0
            start, end = match.span(group)
            value = match.group(group).strip()
            if not value or any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            kind_here = _refine(kind, value)
            if kind_here is None:
                continue
            taken.append((start, end))
            facts.append(
                Fact(kind_here, value[:300], start, end, message_id, attachment_id, internal)
            )
            if len(facts) >= MAX_FACTS_PER_TEXT:
                break
    return sorted(facts, key=lambda fact: fact.start)


def _refine(kind: FactKind, value: str) -> FactKind | None:
    if kind is FactKind.PRODUCT_VERSION and _VERSION_ONLY.match(value):
        return FactKind.VERSION
    if kind is FactKind.HOSTNAME:
        lowered = value.lower()
        if lowered.endswith(_FILE_SUFFIXES) or re.fullmatch(r"[\d.]+", value):
            return None
    return kind


def distinct(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per (kind, value), the first place it was said."""
    seen: set[tuple[FactKind, str]] = set()
    result = []
    for fact in facts:
        key = (fact.kind, fact.value.lower())
        if key not in seen:
            seen.add(key)
            result.append(fact)
    return result


def visible_to_customer(facts: Iterable[Fact]) -> list[Fact]:
    return [fact for fact in facts if not fact.internal]


def kinds_present(facts: Iterable[Fact]) -> set[FactKind]:
    present = {fact.kind for fact in facts}
    if FactKind.PRODUCT_VERSION in present:
        present.add(FactKind.VERSION)  # a product version is a version too
    return present


def describe(facts: Iterable[Fact], limit: int = 6) -> str:
    """A one-line summary by kind ("version: 4.2.1; error code: ERR_TLS…") for hand-off notes
    and as extra features for the triage model."""
    grouped: dict[FactKind, list[str]] = {}
    for fact in distinct(facts):
        if fact.kind in (FactKind.LOG_TEMPLATE, FactKind.LANGUAGE):
            continue  # templates are listed on their own; a language is not an environment
        grouped.setdefault(fact.kind, []).append(fact.value)
    return "; ".join(
        f"{kind.label}: " + ", ".join(values[:limit]) for kind, values in grouped.items()
    )
