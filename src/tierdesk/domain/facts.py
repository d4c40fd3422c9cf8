"""Facts read out of what people write: versions, error codes, addresses, serials, traces.

Pure rules, each in its own module (``fact_traces``, ``fact_times``, ``fact_addresses``,
``fact_statuses``, ``fact_codes``, ``fact_versions``), tuned for precision first: a fact is
read where the words around it say what it is, in English, German, Italian, French and Spanish.
Each fact keeps where it came from (the message and the character offsets in its text), so an
engineer can jump from "SIP 503" to the sentence that said it, and so that facts read from an
internal note are never shown to the customer. bench/facts/README.md says what each kind is.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from tierdesk.domain.fact_addresses import find_hostnames, find_ip_addresses, find_mac_addresses
from tierdesk.domain.fact_codes import find_error_codes, find_serial_numbers
from tierdesk.domain.fact_kinds import Fact, FactKind
from tierdesk.domain.fact_statuses import find_statuses
from tierdesk.domain.fact_text import NO_CATALOG, Catalog, Found, Reading
from tierdesk.domain.fact_times import find_since, find_timestamps
from tierdesk.domain.fact_traces import find_traces
from tierdesk.domain.fact_versions import find_versions

__all__ = ["NO_CATALOG", "Catalog", "Fact", "FactKind", "extract_facts"]

# The rules in order of precedence: a span taken by an earlier rule (an address, a status) is
# not read again by a later, vaguer one (a version, a host name). A trace or a "since" phrase
# holds other facts ("since 2026-11-20 10:15" is a since phrase and a timestamp).
_RULES: tuple[Callable[[Reading], list[Found]], ...] = (
    find_traces,  # first: it marks the frames the other rules leave alone
    find_timestamps,
    find_ip_addresses,
    find_mac_addresses,
    find_statuses,
    find_serial_numbers,
    find_error_codes,
    find_versions,
    find_hostnames,
    find_since,
)
_CONTAINERS = frozenset({FactKind.STACK_TRACE, FactKind.SINCE})
MAX_FACTS_PER_KIND = 200  # a long log has a timestamp per line; the rest still gets read


def extract_facts(
    text: str,
    *,
    message_id: int | None = None,
    attachment_id: int | None = None,
    internal: bool = False,
    catalog: Catalog = NO_CATALOG,
) -> list[Fact]:
    """Every fact in ``text``, one per mention, left to right. ``catalog`` holds the desk's
    product and model names (``domain.catalog.product_names``): a name before a version makes it a
    product version, a model is never an error code."""
    reading = Reading(text, catalog)
    taken = _Spans()  # what the plain facts hold; none of them overlap
    held = {kind: _Spans() for kind in _CONTAINERS}  # traces and since phrases, apart
    kept: list[Found] = []
    per_kind: dict[FactKind, int] = {}
    for rule in _RULES:
        for found in rule(reading):
            if found.end <= found.start or per_kind.get(found.kind, 0) >= MAX_FACTS_PER_KIND:
                continue
            spans = held.get(found.kind, taken)
            if spans.overlaps(found.start, found.end):
                continue
            spans.add(found.start, found.end)
            kept.append(found)
            per_kind[found.kind] = per_kind.get(found.kind, 0) + 1
    kept.sort(key=lambda found: (found.start, -found.end))
    return [
        Fact(
            f.kind, text[f.start : f.end][:300], f.start, f.end, message_id, attachment_id, internal
        )
        for f in kept
    ]


class _Spans:
    """Disjoint spans, sorted, so that a long log's thousands of candidates are checked in
    logarithmic time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self.starts, end)  # spans starting before ``end``
        return index > 0 and self.ends[index - 1] > start

    def add(self, start: int, end: int) -> None:
        index = bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


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
