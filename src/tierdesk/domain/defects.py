"""Product defects: what level 3 hands to the developers, mirrored to their issue tracker.

A defect is opened from a ticket with a structured reproduction taken from the hand-off packet.
The tracker's state comes back (poll or webhook); when a release fixes it, every linked ticket
is told whether the version its customer runs is affected and which release fixes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.handoff import PacketContent
from tierdesk.domain.messages import require_text
from tierdesk.domain.ticket_values import Priority
from tierdesk.domain.versions import Exposure, exposure, is_version
from tierdesk.errors import InvalidInputError, InvalidTransitionError


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    TRIVIAL = "trivial"


class DefectStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"  # a release (``fixed_in``) contains the fix
    WONT_FIX = "wont-fix"  # closed by development without a fix


@dataclass(frozen=True)
class Reproduction:
    """What developers need to see the defect themselves."""

    steps: list[str]
    expected: str
    actual: str
    environment: str
    affected_versions: list[str]
    severity: Severity

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": list(self.steps),
            "expected": self.expected,
            "actual": self.actual,
            "environment": self.environment,
            "affected_versions": list(self.affected_versions),
            "severity": str(self.severity),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reproduction:
        return cls(
            steps=[str(s) for s in data.get("steps") or []],
            expected=str(data.get("expected") or ""),
            actual=str(data.get("actual") or ""),
            environment=str(data.get("environment") or ""),
            affected_versions=[str(v) for v in data.get("affected_versions") or []],
            severity=Severity(data.get("severity") or Severity.MAJOR),
        )

    def as_markdown(self) -> str:
        """The body of the tracker issue."""
        steps = "\n".join(f"{n}. {s}" for n, s in enumerate(self.steps, 1)) or "(none given)"
        versions = ", ".join(self.affected_versions) or "(not known)"
        return (
            f"**Severity:** {self.severity}\n**Affected versions:** {versions}\n\n"
            f"### Environment\n{self.environment or '(not given)'}\n\n"
            f"### Steps to reproduce\n{steps}\n\n"
            f"### Expected\n{self.expected or '(not given)'}\n\n"
            f"### Actual\n{self.actual or '(not given)'}\n"
        )


def reproduction_from_packet(
    packet: PacketContent | None,
    *,
    severity: Severity,
    expected: str | None = None,
    actual: str | None = None,
    steps: list[str] | None = None,
    environment: str | None = None,
    affected_versions: list[str] | None = None,
) -> Reproduction:
    """The packet's parts become the reproduction; what the engineer states overrides them.
    Steps tried are the reproduction steps (with what each showed); the symptoms are what
    actually happens."""
    packet = packet or PacketContent()
    packet_steps = [
        s.step + (f" (result: {s.result})" if s.result else "") for s in packet.steps_tried
    ]
    where = " ".join(p for p in (packet.product, packet.version) if p)
    packet_environment = "; ".join(p for p in (where, packet.environment.strip()) if p)
    versions = affected_versions
    if versions is None:
        versions = [packet.version] if packet.version and is_version(packet.version) else []
    for typed in versions:  # as the packet's: a version, or the defect says "<script>" or "latest"
        if typed.strip() and not is_version(typed.strip()):
            raise InvalidInputError(
                f"{typed.strip()[:40]!r} is not a version like 6.2.0", field="affected_versions"
            )
    reproduction = Reproduction(
        steps=[s.strip() for s in (steps if steps is not None else packet_steps) if s.strip()],
        expected=(expected or "").strip(),
        actual=(actual if actual is not None else packet.symptoms).strip(),
        environment=(environment if environment is not None else packet_environment).strip(),
        affected_versions=[v.strip() for v in versions if v.strip()],
        severity=severity,
    )
    if not reproduction.actual:
        raise InvalidInputError(
            "a defect needs what actually happens: the packet has no symptoms; give 'actual'",
            field="actual",
        )
    if not reproduction.steps:
        raise InvalidInputError(
            "a defect needs reproduction steps: the packet lists no steps tried; give 'steps'",
            field="steps",
        )
    return reproduction


# A first guess at severity from the ticket's priority; the engineer changes it.
_SEVERITY_OF_PRIORITY = {
    Priority.P1: Severity.CRITICAL,
    Priority.P2: Severity.MAJOR,
    Priority.P3: Severity.MINOR,
    Priority.P4: Severity.TRIVIAL,
}


@dataclass(frozen=True)
class DefectDraft:
    """A defect proposed from a ticket, for the engineer to edit before opening it."""

    title: str
    severity: Severity
    actual: str
    steps: list[str]
    environment: str
    affected_versions: list[str]
    expected: str = ""


def draft_defect(
    subject: str, priority: Priority, packet: PacketContent, component: str | None = None
) -> DefectDraft:
    """The ticket's subject and priority with the packet's reproduction (the newest hand-off
    packet, or one drafted from the thread); the catalogue's component joins the environment.
    Nothing is refused here: ``reproduction_from_packet`` checks what is finally sent."""
    steps = [s.step + (f" (result: {s.result})" if s.result else "") for s in packet.steps_tried]
    where = " ".join(p for p in (packet.product, packet.version) if p)
    if component:
        where = f"{where}, component {component}" if where else f"component {component}"
    environment = "; ".join(p for p in (where, packet.environment.strip()) if p)
    version = packet.version.strip() if packet.version else ""
    return DefectDraft(
        title=subject.strip(),
        severity=_SEVERITY_OF_PRIORITY.get(priority, Severity.MAJOR),
        actual=packet.symptoms.strip(),
        steps=[s for s in steps if s.strip()],
        environment=environment,
        affected_versions=[version] if is_version(version) else [],
    )


@dataclass(eq=False)
class Defect:
    title: str
    reproduction: dict[str, Any]
    severity: Severity
    created_at: datetime
    updated_at: datetime
    created_by: str
    source_ticket_id: int | None = None
    product_id: int | None = None
    status: DefectStatus = DefectStatus.OPEN
    fixed_in: str | None = None
    # The mirror in the developers' tracker (None until pushed).
    tracker: str | None = None
    external_id: str | None = None
    external_url: str | None = None
    external_state: str | None = None
    external_labels: list[str] = field(default_factory=list)
    external_milestone: str | None = None
    synced_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.title = require_text(self.title, "title", max_length=300)

    @property
    def affected_versions(self) -> list[str]:
        return [str(v) for v in self.reproduction.get("affected_versions") or []]

    def mark_fixed(self, version: str, at: datetime) -> bool:
        """Record the fixing release; False when it was already recorded (nothing to tell)."""
        version = version.strip()
        if not is_version(version):
            raise InvalidInputError(f"{version!r} is not a release version", field="version")
        if self.status is DefectStatus.FIXED and self.fixed_in == version:
            return False
        self.status, self.fixed_in, self.updated_at = DefectStatus.FIXED, version, at
        return True

    def mark_wont_fix(self, at: datetime) -> bool:
        if self.status is DefectStatus.WONT_FIX:
            return False
        if self.status is DefectStatus.FIXED:
            raise InvalidTransitionError(f"defect DEF-{self.id} is fixed in {self.fixed_in}")
        self.status, self.updated_at = DefectStatus.WONT_FIX, at
        return True


@dataclass(frozen=True)
class TrackerIssue:
    """What a tracker says about the issue mirroring a defect."""

    external_id: str
    url: str
    state: str  # "open" or "closed"
    state_reason: str | None = None  # "completed", "not_planned", "reopened"
    labels: tuple[str, ...] = ()
    milestone: str | None = None


_FIXED_LABEL = re.compile(r"^fixed[- ]in[: ]\s*(\S+)$", re.IGNORECASE)


def fixed_version(issue: TrackerIssue) -> str | None:
    """The release that fixes a closed issue: a ``fixed-in: X`` label, else the milestone's
    title when it is a version. None while open, or when development named no release."""
    if issue.state != "closed" or issue.state_reason == "not_planned":
        return None
    for label in issue.labels:
        match = _FIXED_LABEL.match(label.strip())
        if match and is_version(match.group(1)):
            return match.group(1)
    if issue.milestone and is_version(issue.milestone):
        return issue.milestone.strip().removeprefix("v")
    return None


_EXPOSURE_TEXTS = {
    Exposure.AFFECTED: "defect.affected",
    Exposure.NOT_AFFECTED: "defect.not_affected",
    Exposure.UNKNOWN: "defect.unknown",
}


def fix_notice(
    defect: Defect, customer_version: str | None, language: str | None = None
) -> tuple[str, Exposure]:
    """The public message a linked ticket gets when the defect is fixed, in the customer's
    ``language``."""
    assert defect.fixed_in is not None
    verdict = exposure(customer_version, defect.fixed_in)
    values = {
        "id": defect.id,
        "title": defect.title,
        "fixed_in": defect.fixed_in,
        "version": customer_version,
    }
    head = customer_text(language, "defect.fixed", **values)
    tail = customer_text(language, _EXPOSURE_TEXTS[verdict], **values)
    return f"{head}\n\n{tail}", verdict
