"""/api/v1/tickets/{ref}/side-conversations: threads from a ticket with people outside it (by
e-mail, with their own reply reference) or with colleagues in the desk. For the agents who may
open the ticket; never for customers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from tierdesk.domain.side_conversations import (
    MAX_PARTICIPANTS,
    MAX_SUBJECT,
    MAX_TEXT,
    SideChannel,
    SideConversation,
    SideDirection,
    SideMessage,
    SideState,
)
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate_keyset
from tierdesk.services import side_conversations as sides

router = APIRouter(tags=["side conversations"])


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SideConversationCreate(_Request):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "email",
                    "subject": "SIP trunk drops after 4.2.1?",
                    "message": "Have you seen this with 4.2.1?",
                    "to": ["support@vendor.example"],
                    "include": [812],
                }
            ]
        }
    )

    channel: SideChannel = Field(
        default=SideChannel.EMAIL, description="email (to `to`) or internal (to `agents`)"
    )
    subject: str = Field(min_length=1, max_length=MAX_SUBJECT)
    message: str = Field(min_length=1, max_length=MAX_TEXT)
    to: list[str] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)
    agents: list[int] = Field(
        default_factory=list, max_length=MAX_PARTICIPANTS, description="Colleagues' agent ids"
    )
    include: list[int] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of this ticket's messages to quote in the first message",
    )


class SideMessageCreate(_Request):
    message: str = Field(min_length=1, max_length=MAX_TEXT)


class SideStateChange(_Request):
    state: Literal["closed", "open"] = Field(description="closed closes it; open reopens it")


class SideConversationOut(BaseModel):
    id: int
    channel: SideChannel
    subject: str
    state: SideState
    participants: list[str]
    created_by: str
    created_at: datetime
    last_activity_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, side: SideConversation) -> SideConversationOut:
        assert side.id is not None
        return cls(
            id=side.id,
            channel=side.channel,
            subject=side.subject,
            state=side.state,
            participants=list(side.participants),
            created_by=side.created_by_name,
            created_at=side.created_at,
            last_activity_at=side.last_activity_at,
            closed_at=side.closed_at,
        )


class SideMessageOut(BaseModel):
    id: int
    direction: SideDirection
    author_name: str
    author_address: str | None
    body: str
    created_at: datetime
    attachments: list[str]

    @classmethod
    def of(cls, m: SideMessage) -> SideMessageOut:
        assert m.id is not None
        return cls(
            id=m.id,
            direction=m.direction,
            author_name=m.author_name,
            author_address=m.author_address,
            body=m.body_text,
            created_at=m.created_at,
            attachments=[a.filename for a in m.attachments],
        )


class SideThreadOut(SideConversationOut):
    messages: list[SideMessageOut]


_BASE = "/tickets/{reference}/side-conversations"


@router.get(_BASE, response_model=Page[SideConversationOut])
def list_side_conversations(
    reference: str, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[SideConversationOut]:
    """The ticket's side conversations, newest first, with their state (open, waiting on
    them, answered, closed). Agents who may open the ticket only."""

    def fetch(after: int | None, limit: int) -> list[SideConversationOut]:
        found = sides.list_side_conversations(desk, actor, reference, limit=limit, after_id=after)
        return [SideConversationOut.of(s) for s in found]

    return paginate_keyset(
        fetch,
        page,
        lambda s: s.id,
        kind="side",
        encode=lambda i: [i],
        decode=lambda v: int(v[0]),
    )


@router.post(_BASE, response_model=SideThreadOut, status_code=status.HTTP_201_CREATED)
def start_side_conversation(
    reference: str, body: SideConversationCreate, desk: DeskDep, actor: CurrentActor
) -> SideThreadOut:
    """Start a side conversation: by e-mail (sent through the outbox with its own reply
    address and Message-IDs, so replies come back here and never to the customer) or with
    colleagues in the desk (notified in the desk)."""
    side = sides.start_side_conversation(
        desk,
        actor,
        reference,
        sides.NewSideConversation(
            subject=body.subject,
            message=body.message,
            channel=body.channel,
            to=body.to,
            agent_ids=body.agents,
            include_message_ids=body.include,
        ),
    )
    assert side.id is not None
    return get_side_conversation(reference, side.id, desk, actor)


@router.get(_BASE + "/{side_id}", response_model=SideThreadOut)
def get_side_conversation(
    reference: str, side_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> SideThreadOut:
    """One side conversation with its messages, oldest first."""
    thread = sides.side_thread(desk, actor, reference, side_id)
    out = SideConversationOut.of(thread.conversation)
    return SideThreadOut(
        **out.model_dump(), messages=[SideMessageOut.of(m) for m in thread.messages]
    )


@router.post(
    _BASE + "/{side_id}/messages",
    response_model=SideMessageOut,
    status_code=status.HTTP_201_CREATED,
)
def post_side_message(
    reference: str,
    side_id: RecordId,
    body: SideMessageCreate,
    desk: DeskDep,
    actor: CurrentActor,
) -> SideMessageOut:
    """Write in a side conversation (mailed to its addresses, or to the colleagues in it);
    a closed one is reopened."""
    message = sides.reply_in_side_conversation(desk, actor, reference, side_id, body.message)
    return SideMessageOut.of(message)


@router.post(_BASE + "/{side_id}/state", response_model=SideConversationOut)
def change_side_conversation_state(
    reference: str,
    side_id: RecordId,
    body: SideStateChange,
    desk: DeskDep,
    actor: CurrentActor,
) -> SideConversationOut:
    """Close a side conversation (`closed`) or reopen it (`open`)."""
    side = sides.close_side_conversation(
        desk, actor, reference, side_id, reopen=body.state == "open"
    )
    return SideConversationOut.of(side)
