"""The audit trail as people read it: "queue: — → intake-en", "assignee: Giulia Romano → Tom
Fletcher", "level: L1 → L2", instead of the stored JSON ("queue: [None, 'intake-en']").

An event's ``changes`` map a field to ``[before, after]`` or hold the facts of the action
(domain/audit.py); a few facts are themselves lists, and are named here so that a two-item list
of them is not read as a change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Facts that are lists: ["en", "de"] is two languages, not a change from "en" to "de".
_LIST_FACTS = frozenset(
    {
        "tiers",
        "affected_versions",
        "notified",
        "skipped",
        "languages",
        "skills",
        "queues",
        "missing",
        "diagnostics",
        "email_domains",
    }
)
_LABELS = {
    "assignee_id": "assignee",
    "tier": "level",
    "tiers": "levels",
    "requester_id": "requester",
    "product_id": "product",
    "component_id": "component",
    "version_id": "version",
    "organisation_id": "organisation",
    "handoff_note": "hand-off note",
    "excerpt": "text",
    "tickets_notified": "tickets told",
    "notified": "notified",
}
_LEVELS = frozenset({"tier", "tiers", "from_tier", "to_tier", "highest_tier"})
_AGENTS = frozenset({"assignee_id", "agent_id", "notified", "followers"})
# Ids of other records, named through Names.records[field] when the page knows them.
_RECORDS = frozenset({"requester_id", "product_id", "component_id", "version_id"})
NOTHING = "—"


@dataclass(frozen=True)
class ShownChange:
    field: str
    value: str  # the value after the change, or the fact
    before: str | None = None  # set when the event changed the field: before → value


@dataclass(frozen=True)
class Names:
    """Names for the ids an event holds, as far as the page knows them."""

    agents: Mapping[int, str] = field(default_factory=dict)
    # Per field ("requester_id", "product_id"…): names of the ids it holds.
    records: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def show(self, name: str, value: Any, longest: int) -> str:
        if value is None or value == "" or value == []:
            return NOTHING
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(self.show(name, item, longest) for item in value)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {self.show(str(k), v, longest)}" for k, v in value.items())
        if isinstance(value, int) and name in _LEVELS:
            return f"L{value}"
        if isinstance(value, int) and name in _AGENTS:
            return self.agents.get(value, f"agent {value}")
        if isinstance(value, int) and name in _RECORDS:
            return self.records.get(name, {}).get(value, f"#{value}")
        text = str(value)
        return text if len(text) <= longest else text[: longest - 1] + "…"


def _is_change(name: str, value: Any) -> bool:
    if not isinstance(value, list) or len(value) != 2:
        return False
    # A list fact changes as a pair of lists: "tiers": [[1], [1, 2]].
    return name not in _LIST_FACTS or all(v is None or isinstance(v, list) for v in value)


def shown_changes(
    changes: Mapping[str, Any], names: Names | None = None, longest: int = 300
) -> list[ShownChange]:
    known = names or Names()
    shown = []
    for name, value in changes.items():
        label = _LABELS.get(name, name.replace("_", " "))
        if _is_change(name, value):
            before, after = (known.show(name, v, longest) for v in value)
            shown.append(ShownChange(label, after, before))
        else:
            shown.append(ShownChange(label, known.show(name, value, longest)))
    return shown
