"""The hand-off packet: what a level hands the next one when it escalates.

A packet is a record on the ticket's trail. Each escalation opens a new packet (``sequence``);
amending it stores a new ``revision`` beside the old one, so nothing said is ever lost. The
receiving level accepts it (takes ownership) or bounces it back with guidance. Only the newest
revision of the newest packet can be awaiting acceptance: one that an amendment or a later
escalation replaced before anyone decided it reads ``superseded``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.levels import Level, PacketField
from tierdesk.domain.people import Tier
from tierdesk.errors import InvalidInputError


class PacketStatus(StrEnum):
    AWAITING = "awaiting-acceptance"
    ACCEPTED = "accepted"
    BOUNCED = "bounced"
    SUPERSEDED = "superseded"  # replaced by a newer revision or packet before it was decided


@dataclass(frozen=True)
class TriedStep:
    step: str
    result: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"step": self.step, "result": self.result}


@dataclass
class PacketContent:
    """What the escalating engineer says. Everything is text a colleague can read."""

    symptoms: str = ""
    product: str | None = None
    version: str | None = None
    environment: str = ""
    steps_tried: list[TriedStep] = field(default_factory=list)
    diagnostics: list[int] = field(default_factory=list)  # attachment ids on the ticket
    hypotheses: list[str] = field(default_factory=list)
    open_questions: list[str] = field(default_factory=list)

    def filled(self, part: PacketField) -> bool:
        match part:
            case PacketField.SYMPTOMS:
                return bool(self.symptoms.strip())
            case PacketField.ENVIRONMENT:
                return bool(self.environment.strip() or self.product or self.version)
            case PacketField.STEPS_TRIED:
                return any(s.step.strip() for s in self.steps_tried)
            case PacketField.DIAGNOSTICS:
                return bool(self.diagnostics)
            case PacketField.HYPOTHESES:
                return any(h.strip() for h in self.hypotheses)
            case PacketField.OPEN_QUESTIONS:
                return any(q.strip() for q in self.open_questions)

    def missing_for(self, level: Level) -> list[PacketField]:
        return [part for part in level.required_fields() if not self.filled(part)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "symptoms": self.symptoms,
            "product": self.product,
            "version": self.version,
            "environment": self.environment,
            "steps_tried": [s.to_dict() for s in self.steps_tried],
            "diagnostics": list(self.diagnostics),
            "hypotheses": list(self.hypotheses),
            "open_questions": list(self.open_questions),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PacketContent:
        return cls(
            symptoms=str(data.get("symptoms") or ""),
            product=data.get("product"),
            version=data.get("version"),
            environment=str(data.get("environment") or ""),
            steps_tried=[
                TriedStep(str(s.get("step", "")), str(s.get("result", "")))
                for s in data.get("steps_tried") or []
            ],
            diagnostics=[int(d) for d in data.get("diagnostics") or []],
            hypotheses=[str(h) for h in data.get("hypotheses") or []],
            open_questions=[str(q) for q in data.get("open_questions") or []],
        )

    def summary(self) -> str:
        """The packet as plain text, for the audit trail and for mail."""
        lines = [f"Symptoms: {self.symptoms.strip() or '-'}"]
        where = " ".join(p for p in (self.product, self.version) if p)
        if where or self.environment:
            lines.append(
                f"Environment: {where}{'; ' if where and self.environment else ''}"
                f"{self.environment.strip()}"
            )
        for step in self.steps_tried:
            lines.append(f"Tried: {step.step}" + (f" -> {step.result}" if step.result else ""))
        lines += [f"Hypothesis: {h}" for h in self.hypotheses]
        lines += [f"Open question: {q}" for q in self.open_questions]
        if self.diagnostics:
            lines.append("Diagnostics: attachments " + ", ".join(map(str, self.diagnostics)))
        return "\n".join(lines)


@dataclass(eq=False)
class HandoffPacket:
    ticket_id: int
    sequence: int  # the nth escalation of this ticket
    revision: int  # 1, then 2… each time the packet is amended
    from_tier: Tier
    to_tier: Tier
    reason: str
    content: dict[str, Any]
    author_kind: str
    author_id: int | None
    author_name: str
    created_at: datetime
    status: PacketStatus = PacketStatus.AWAITING
    decided_by: str | None = None
    decided_at: datetime | None = None
    guidance: str | None = None  # what the receiving level said when it bounced the ticket
    id: int | None = None

    @property
    def parsed(self) -> PacketContent:
        return PacketContent.from_dict(self.content)


def supersede_waiting(packets: Iterable[HandoffPacket], newest: HandoffPacket) -> None:
    """``newest`` replaces every packet and revision before it: those still awaiting
    acceptance were never decided, and say so. Decided ones keep their decision."""
    for packet in packets:
        if packet is not newest and packet.status is PacketStatus.AWAITING:
            packet.status = PacketStatus.SUPERSEDED


def require_complete(content: PacketContent, level: Level) -> None:
    missing = content.missing_for(level)
    if missing:
        names = ", ".join(m.value.replace("_", " ") for m in missing)
        raise InvalidInputError(
            f"{level.label} ({level.name}) takes a ticket only with a hand-off packet that "
            f"gives: {names}",
            field="packet",
            missing=[m.value for m in missing],
        )


def check_diagnostics(content: PacketContent, attachment_ids: set[int]) -> None:
    unknown = [d for d in content.diagnostics if d not in attachment_ids]
    if unknown:
        raise InvalidInputError(
            f"diagnostics must be attachments of this ticket; unknown: {unknown}",
            field="packet.diagnostics",
        )
