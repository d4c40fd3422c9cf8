"""The hand-off packet: what a level hands the next one when it escalates.

A packet is a record on the ticket's trail. Each escalation opens a new packet (``sequence``);
amending it stores a new ``revision`` beside the old one, so nothing said is ever lost. The
receiving level accepts it (takes ownership) or bounces it back with guidance. Only the newest
revision of the newest packet can be awaiting acceptance: one that an amendment or a later
escalation replaced before anyone decided it reads ``superseded``.

What the packet says is a :class:`PacketContent` value, and :data:`PACKET_PARTS` describes each
of its parts once: how it is written (its :class:`Widget`), its label, its limit and the level
requirement it meets. The API's schema, the escalate form, the ticket page and the checks below
are all read off that list, so a new part is a field of ``PacketContent`` and a line there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.people import Actor, Tier
from tierdesk.errors import InvalidInputError, InvalidTransitionError


class PacketStatus(StrEnum):
    """Where a hand-off packet stands; a ticket's escalation state uses the same values."""

    AWAITING = "awaiting-acceptance"
    ACCEPTED = "accepted"
    BOUNCED = "bounced"
    SUPERSEDED = "superseded"  # replaced by a newer revision or packet before it was decided


class PacketField(StrEnum):
    """The parts of a hand-off packet a level can insist on before it takes a ticket."""

    SYMPTOMS = "symptoms"
    ENVIRONMENT = "environment"
    STEPS_TRIED = "steps_tried"
    DIAGNOSTICS = "diagnostics"
    HYPOTHESES = "hypotheses"
    OPEN_QUESTIONS = "open_questions"


class Widget(StrEnum):
    """How a part is written; its type in the API and its input in the escalate form follow."""

    TEXT = "text"  # a paragraph
    LINE = "line"  # a short name, or nothing
    LINES = "lines"  # a list of texts, one a line in the form
    STEPS = "steps"  # steps tried with their results, "step => result" a line in the form
    ATTACHMENTS = "attachments"  # ids of the ticket's attachments


@dataclass(frozen=True)
class PacketPart:
    """One part of the packet, described once for every place that shows or reads it."""

    name: str  # the PacketContent field
    label: str
    widget: Widget
    max_length: int  # characters of a text, or items of a list, the API accepts
    meets: PacketField  # the level requirement it meets (product and version: environment)

    @property
    def carries_requirement(self) -> bool:
        """Whether the form marks this field when a level requires ``meets`` (product and
        version can stand in for the environment, so they are never required themselves)."""
        return self.meets.value == self.name

    def given(self, value: Any) -> bool:
        """Whether ``value`` says something (blank text and blank steps do not count)."""
        match self.widget:
            case Widget.TEXT:
                return bool(value.strip())
            case Widget.LINE | Widget.ATTACHMENTS:
                return bool(value)
            case Widget.LINES:
                return any(item.strip() for item in value)
            case Widget.STEPS:
                return any(s.step.strip() for s in value)

    def read(self, value: Any) -> Any:
        """This part's value from its stored (JSON) form."""
        match self.widget:
            case Widget.TEXT:
                return str(value or "")
            case Widget.LINE:
                return None if value is None else str(value)
            case Widget.LINES:
                return [str(item) for item in value or []]
            case Widget.STEPS:
                return [
                    TriedStep(str(s.get("step", "")), str(s.get("result", ""))) for s in value or []
                ]
            case Widget.ATTACHMENTS:
                return [int(item) for item in value or []]


@dataclass(frozen=True)
class TriedStep:
    step: str
    result: str = ""


@dataclass(frozen=True)
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
        return any(p.given(getattr(self, p.name)) for p in PACKET_PARTS if p.meets is part)

    def missing_for(self, required: Iterable[PacketField]) -> list[PacketField]:
        return [part for part in required if not self.filled(part)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PacketContent:
        return cls(**{p.name: p.read(data.get(p.name)) for p in PACKET_PARTS})

    def summary(self) -> str:
        """The packet as plain text, for the audit trail and for mail (every part shows:
        tests/domain/test_handoff.py checks it)."""
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


# In the order the form asks for them. The limits are the API's (a drafted packet may be longer).
PACKET_PARTS: tuple[PacketPart, ...] = (
    PacketPart("symptoms", "Symptoms", Widget.TEXT, 20_000, PacketField.SYMPTOMS),
    PacketPart("product", "Product", Widget.LINE, 200, PacketField.ENVIRONMENT),
    PacketPart("version", "Version", Widget.LINE, 64, PacketField.ENVIRONMENT),
    PacketPart("environment", "Environment", Widget.TEXT, 20_000, PacketField.ENVIRONMENT),
    PacketPart("steps_tried", "Steps tried", Widget.STEPS, 100, PacketField.STEPS_TRIED),
    PacketPart("hypotheses", "Hypotheses", Widget.LINES, 50, PacketField.HYPOTHESES),
    PacketPart("open_questions", "Open questions", Widget.LINES, 50, PacketField.OPEN_QUESTIONS),
    PacketPart("diagnostics", "Diagnostics", Widget.ATTACHMENTS, 100, PacketField.DIAGNOSTICS),
)


@dataclass(eq=False)
class HandoffPacket:
    ticket_id: int
    sequence: int  # the nth escalation of this ticket
    revision: int  # 1, then 2… each time the packet is amended
    from_tier: Tier
    to_tier: Tier
    reason: str
    content: PacketContent
    author_kind: str
    author_id: int | None
    author_name: str
    created_at: datetime
    status: PacketStatus = PacketStatus.AWAITING
    decided_by: str | None = None
    decided_at: datetime | None = None
    guidance: str | None = None  # what the receiving level said when it bounced the ticket
    id: int | None = None

    @classmethod
    def open(
        cls,
        ticket_id: int,
        sequence: int,
        from_tier: Tier,
        to_tier: Tier,
        reason: str,
        content: PacketContent,
        by: Actor,
        at: datetime,
    ) -> HandoffPacket:
        """The first revision of the packet an escalation hands over; it awaits acceptance."""
        return cls(
            ticket_id=ticket_id,
            sequence=sequence,
            revision=1,
            from_tier=from_tier,
            to_tier=to_tier,
            reason=reason.strip(),
            content=content,
            author_kind=str(by.kind),
            author_id=by.id,
            author_name=by.name,
            created_at=at,
        )

    def amend(self, content: PacketContent, by: Actor, at: datetime) -> HandoffPacket:
        """The next revision: the same hand-off saying ``content``; the decision so far
        carries over (what was awaiting still awaits, in the new revision)."""
        return HandoffPacket(
            ticket_id=self.ticket_id,
            sequence=self.sequence,
            revision=self.revision + 1,
            from_tier=self.from_tier,
            to_tier=self.to_tier,
            reason=self.reason,
            content=content,
            author_kind=str(by.kind),
            author_id=by.id,
            author_name=by.name,
            created_at=at,
            status=self.status,
            decided_by=self.decided_by,
            decided_at=self.decided_at,
            guidance=self.guidance,
        )

    def accept(self, by: Actor, at: datetime) -> None:
        self._require(PacketStatus.AWAITING, done="accepted")
        self.status, self.decided_by, self.decided_at = PacketStatus.ACCEPTED, by.name, at

    def bounce(self, by: Actor, at: datetime, guidance: str) -> None:
        """The receiving level hands the ticket back, before or after it accepted it."""
        self._require(PacketStatus.AWAITING, PacketStatus.ACCEPTED, done="bounced")
        self.status, self.decided_by, self.decided_at = PacketStatus.BOUNCED, by.name, at
        self.guidance = guidance.strip()

    def supersede(self) -> None:
        """A newer revision or packet replaced this one: undecided, it says so; a decided one
        keeps its decision."""
        if self.status is PacketStatus.AWAITING:
            self.status = PacketStatus.SUPERSEDED

    def _require(self, *statuses: PacketStatus, done: str) -> None:
        if self.status not in statuses:
            raise InvalidTransitionError(
                f"packet {self.sequence} revision {self.revision} is {self.status}; "
                f"it cannot be {done}",
                packet=self.sequence,
                status=str(self.status),
            )


def supersede_waiting(packets: Iterable[HandoffPacket], newest: HandoffPacket) -> None:
    """``newest`` replaces every packet and revision before it."""
    for packet in packets:
        if packet is not newest:
            packet.supersede()


def check_diagnostics(content: PacketContent, attachment_ids: set[int]) -> None:
    unknown = [d for d in content.diagnostics if d not in attachment_ids]
    if unknown:
        raise InvalidInputError(
            f"diagnostics must be attachments of this ticket; unknown: {unknown}",
            field="packet.diagnostics",
        )
