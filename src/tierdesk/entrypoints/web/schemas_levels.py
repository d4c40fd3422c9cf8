"""Request and response bodies of the levels and escalation API."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, create_model

from tierdesk.domain.handoff import (
    PACKET_PARTS,
    HandoffPacket,
    PacketContent,
    PacketPart,
    PacketStatus,
    Widget,
)
from tierdesk.domain.levels import Level
from tierdesk.domain.people import Agent
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.schemas import AgentOut, Request


class TriedStepIn(Request):
    step: str = Field(min_length=1, max_length=2_000)
    result: str = Field(default="", max_length=5_000)


class PacketBody(Request):
    """The hand-off packet: what the receiving level needs to start where you stopped."""

    def content(self) -> PacketContent:
        data = self.model_dump()
        for part in PACKET_PARTS:
            if part.widget is Widget.LINES:  # a blank line in a list says nothing
                data[part.name] = [item for item in data[part.name] if item.strip()]
        return PacketContent.from_dict(data)


def _packet_field(part: PacketPart) -> tuple[Any, Any]:
    """A part's type and limit in the API, by how it is written."""
    limit = part.max_length
    match part.widget:
        case Widget.TEXT:
            return str, Field(default="", max_length=limit)
        case Widget.LINE:
            return str | None, Field(default=None, max_length=limit)
        case Widget.LINES:
            return list[str], Field(default_factory=list, max_length=limit)
        case Widget.STEPS:
            return list[TriedStepIn], Field(default_factory=list, max_length=limit)
        case Widget.ATTACHMENTS:
            return list[RecordId], Field(
                default_factory=list, max_length=limit, description="Attachment ids on this ticket"
            )


# The packet's fields are PACKET_PARTS' (domain/handoff.py): a new part is in the API as it is
# added there. mypy sees the base class, which has no fields; pydantic and FastAPI the model.
if TYPE_CHECKING:
    PacketIn = PacketBody
else:
    PacketIn = create_model(
        "PacketIn",
        __base__=PacketBody,
        __doc__=PacketBody.__doc__,
        __module__=__name__,
        **{part.name: _packet_field(part) for part in PACKET_PARTS},
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
    content: PacketContent  # its schema is the dataclass's
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
            content=p.content,
            summary=p.content.summary(),
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
            members=[AgentOut.model_validate(a) for a in members],
        )
