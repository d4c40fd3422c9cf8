"""Request and response bodies of the levels and escalation API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from tierdesk.domain.handoff import HandoffPacket, PacketContent, PacketStatus, TriedStep
from tierdesk.domain.levels import Level
from tierdesk.domain.people import Agent
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.schemas import AgentOut, Request


class TriedStepIn(Request):
    step: str = Field(min_length=1, max_length=2_000)
    result: str = Field(default="", max_length=5_000)


class PacketIn(Request):
    """The hand-off packet: what the receiving level needs to start where you stopped."""

    symptoms: str = Field(default="", max_length=20_000)
    product: str | None = Field(default=None, max_length=200)
    version: str | None = Field(default=None, max_length=64)
    environment: str = Field(default="", max_length=20_000)
    steps_tried: list[TriedStepIn] = Field(default_factory=list, max_length=100)
    diagnostics: list[RecordId] = Field(
        default_factory=list, max_length=100, description="Attachment ids on this ticket"
    )
    hypotheses: list[str] = Field(default_factory=list, max_length=50)
    open_questions: list[str] = Field(default_factory=list, max_length=50)

    def content(self) -> PacketContent:
        return PacketContent(
            symptoms=self.symptoms,
            product=self.product,
            version=self.version,
            environment=self.environment,
            steps_tried=[TriedStep(s.step, s.result) for s in self.steps_tried],
            diagnostics=list(self.diagnostics),
            hypotheses=[h for h in self.hypotheses if h.strip()],
            open_questions=[q for q in self.open_questions if q.strip()],
        )


class EscalationRequest(Request):
    to_level: int = Field(ge=1, le=4, description="Target level, 1-4")
    reason: str = Field(min_length=1, max_length=5_000)
    packet: PacketIn | None = Field(
        default=None, description="Required: the receiving level lists the parts it needs"
    )


class DeEscalationRequest(Request):
    to_level: int = Field(ge=0, le=3, description="Target level, 0-3")
    reason: str = Field(min_length=1, max_length=5_000)
    guidance: str = Field(min_length=1, max_length=50_000, description="What to try there")


class BounceRequest(Request):
    reason: str = Field(min_length=1, max_length=5_000)
    guidance: str = Field(min_length=1, max_length=50_000, description="What to try first")


class AcceptRequest(Request):
    assignee_id: RecordId | None = Field(default=None, description="Leads: accept for a member")


class LevelPatch(Request):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2_000)
    takes_from_customers: bool | None = None
    sees_restricted: bool | None = None
    required_packet_fields: list[str] | None = None


class PacketOut(BaseModel):
    sequence: int
    revision: int
    from_level: int
    to_level: int
    reason: str
    status: PacketStatus
    content: dict[str, Any]
    summary: str
    author_kind: str
    author_name: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    guidance: str | None

    @classmethod
    def of(cls, p: HandoffPacket) -> PacketOut:
        return cls(
            sequence=p.sequence,
            revision=p.revision,
            from_level=int(p.from_tier),
            to_level=int(p.to_tier),
            reason=p.reason,
            status=p.status,
            content=dict(p.content),
            summary=p.parsed.summary(),
            author_kind=p.author_kind,
            author_name=p.author_name,
            created_at=p.created_at,
            decided_by=p.decided_by,
            decided_at=p.decided_at,
            guidance=p.guidance,
        )


class LevelOut(BaseModel):
    level: int
    label: str
    name: str
    description: str
    takes_from_customers: bool
    sees_restricted: bool
    required_packet_fields: list[str]
    members: list[AgentOut]

    @classmethod
    def of(cls, level: Level, members: list[Agent]) -> LevelOut:
        return cls(
            level=int(level.tier),
            label=level.label,
            name=level.name,
            description=level.description,
            takes_from_customers=level.takes_from_customers,
            sees_restricted=level.sees_restricted,
            required_packet_fields=list(level.required_packet_fields),
            members=[AgentOut.of(a) for a in members],
        )
