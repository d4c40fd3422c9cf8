"""The demo's shipped content (``content/``): support scenarios, the GitBugs Hadoop subset and
the vendor's manuals, read into plain values. Malformed content fails loudly, naming the item."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tierdesk.errors import ConfigurationError

CONTENT_DIR = Path(__file__).parent / "content"
TEXT_FIELDS = (
    "subject",
    "body",
    "customer_followup",
    "agent_question",
    "agent_solution",
    "customer_thanks",
)


@dataclass(frozen=True)
class ScenarioText:
    """One scenario told in one language."""

    subject: str
    body: str
    customer_followup: str
    agent_question: str
    agent_solution: str
    customer_thanks: str


@dataclass(frozen=True)
class Scenario:
    """A kind of support case the vendor sees again and again, with how it ends."""

    key: str
    product: str
    component: str
    type: str
    priority: str
    resolved_at_tier: int
    tags: tuple[str, ...]
    texts: dict[str, ScenarioText]
    internal_notes: tuple[str, ...]
    resolution: str
    escalation_reason: str | None = None

    def text_in(self, language: str) -> tuple[str, ScenarioText]:
        """The text in ``language``, else English (else whatever there is)."""
        for candidate in (language, "en", *sorted(self.texts)):
            if candidate in self.texts:
                return candidate, self.texts[candidate]
        raise ConfigurationError(f"scenario {self.key} has no texts")


@dataclass(frozen=True)
class HadoopIssue:
    id: int
    summary: str
    description: str
    priority: str
    status: str
    resolution: str | None
    created: datetime | None
    affects_versions: tuple[str, ...]


@dataclass(frozen=True)
class HadoopSubset:
    source: str
    licence: str
    attribution: str
    issues: tuple[HadoopIssue, ...]
    pairs: tuple[tuple[int, int], ...]


def _require(item: dict[str, Any], name: str, where: str) -> Any:
    if name not in item:
        raise ConfigurationError(f"demo content: {where} lacks {name!r}")
    return item[name]


def _scenario(item: dict[str, Any]) -> Scenario:
    key = str(_require(item, "key", "a scenario"))
    where = f"scenario {key}"
    texts: dict[str, ScenarioText] = {}
    for language, text in dict(_require(item, "texts", where)).items():
        missing = [f for f in TEXT_FIELDS if not str(text.get(f, "")).strip()]
        if missing:
            raise ConfigurationError(f"demo content: {where} ({language}) lacks {missing}")
        texts[str(language)] = ScenarioText(**{f: str(text[f]) for f in TEXT_FIELDS})
    if not texts:
        raise ConfigurationError(f"demo content: {where} has no texts")
    reason = item.get("escalation_reason")
    return Scenario(
        key=key,
        product=str(_require(item, "product", where)),
        component=str(_require(item, "component", where)),
        type=str(_require(item, "type", where)),
        priority=str(_require(item, "priority", where)),
        resolved_at_tier=int(_require(item, "resolved_at_tier", where)),
        tags=tuple(str(t) for t in item.get("tags", [])),
        texts=texts,
        internal_notes=tuple(str(n) for n in item.get("internal_notes", [])),
        resolution=str(_require(item, "resolution", where)),
        escalation_reason=str(reason) if reason else None,
    )


def load_scenarios(directory: Path = CONTENT_DIR) -> list[Scenario]:
    path = directory / "scenarios.json"
    if not path.exists():
        raise ConfigurationError(f"demo content missing: {path}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    items = raw["scenarios"] if isinstance(raw, dict) else raw
    return [_scenario(item) for item in items]


def _issue(item: dict[str, Any]) -> HadoopIssue:
    created = item.get("created")
    return HadoopIssue(
        id=int(item["id"]),
        summary=str(item["summary"]).strip(),
        description=str(item.get("description") or "").strip(),
        priority=str(item.get("priority") or "Major"),
        status=str(item.get("status") or "Open"),
        resolution=item.get("resolution") or None,
        created=datetime.fromisoformat(created) if created else None,
        affects_versions=tuple(str(v) for v in item.get("affects_versions") or []),
    )


def load_hadoop_subset(directory: Path = CONTENT_DIR) -> HadoopSubset:
    path = directory / "gitbugs_hadoop_subset.json.gz"
    if not path.exists():
        raise ConfigurationError(f"demo content missing: {path}")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        raw = json.load(handle)
    return HadoopSubset(
        source=str(raw["source"]),
        licence=str(raw["licence"]),
        attribution=str(raw["attribution"]),
        issues=tuple(_issue(item) for item in raw["issues"]),
        pairs=tuple((int(a), int(b)) for a, b in raw["pairs"]),
    )


def copy_manuals(target: Path, directory: Path = CONTENT_DIR) -> int:
    """Copy the vendor's manuals into ``target``; returns how many files were copied."""
    source = directory / "manuals"
    if not source.is_dir():
        return 0
    copied = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            copied += 1
    return copied
