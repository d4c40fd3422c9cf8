"""/api/v1 access notes (issue 21 item 2): an organisation's ways into its systems. Lists give
title and kind, never a body; leads and admins write them and choose the lowest level allowed
to reveal them; an agent at that level reveals one for a ticket of the organisation, and the
reveal is audited. Customer contacts get 404 everywhere; without a key the desk answers 409."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from tierdesk.domain.access_notes import MAX_BODY, AccessNote, AccessNoteKind
from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.services import access_notes as an

router = APIRouter(tags=["access notes"])
ORG = "/organisations/{organisation_id}"
NO_STORE = "no-store"


class AccessNoteBody(BaseModel):
    title: str = Field(max_length=200)
    kind: AccessNoteKind
    body: str | None = Field(
        default=None,
        max_length=MAX_BODY,
        description="The secret (stored encrypted). Required to create; on an update, null or "
        "empty keeps the current one.",
    )
    site_id: int | None = Field(default=None, description="A site of the organisation; null: all")

    def input(self) -> an.NoteInput:
        return an.NoteInput(self.title, self.kind, self.body, self.site_id)


class AccessNoteOut(BaseModel):
    """A note as lists show it: everything but the secret."""

    id: int
    organisation_id: int
    site_id: int | None
    title: str
    kind: AccessNoteKind
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, note: AccessNote) -> AccessNoteOut:
        return cls(**{name: getattr(note, name) for name in cls.model_fields})


class AccessPolicyBody(BaseModel):
    min_tier: int = Field(ge=0, le=4, description="The lowest level that may reveal (0-4)")


class AccessPolicyOut(BaseModel):
    organisation_id: int
    min_tier: int = Field(description="The lowest level whose agents may reveal the notes")
    chosen: bool = Field(description="false: the desk's default (level 2) holds")
    may_reveal: bool = Field(description="Whether the caller's level may reveal them")
    locked: bool = Field(description="true: the desk has no key; nothing can be revealed")


class RevealBody(BaseModel):
    ticket: str = Field(
        min_length=1, max_length=40, description="The ticket the access is for (TD-1042)"
    )


class RevealedOut(AccessNoteOut):
    body: str = Field(description="The secret, shown once; this reveal is in the audit log")
    ticket: str = Field(description="The ticket the reveal is audited with")


@router.get(f"{ORG}/access-notes", response_model=Page[AccessNoteOut])
def list_access_notes(
    organisation_id: RecordId, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[AccessNoteOut]:
    """The organisation's access notes (agents), oldest first: titles and kinds, no secrets."""
    view = an.organisation_access(desk, actor, organisation_id)
    return paginate([AccessNoteOut.of(n) for n in view.notes], page)


@router.post(
    f"{ORG}/access-notes", response_model=AccessNoteOut, status_code=status.HTTP_201_CREATED
)
def create_access_note(
    organisation_id: RecordId, body: AccessNoteBody, desk: DeskDep, actor: CurrentActor
) -> AccessNoteOut:
    """Add an access note (leads and admins); its secret is encrypted before it is stored."""
    return AccessNoteOut.of(an.add_note(desk, actor, organisation_id, body.input()))


@router.put(f"{ORG}/access-notes/{{note_id}}", response_model=AccessNoteOut)
def update_access_note(
    organisation_id: RecordId,
    note_id: RecordId,
    body: AccessNoteBody,
    desk: DeskDep,
    actor: CurrentActor,
) -> AccessNoteOut:
    """Replace a note's title, kind and site, and its secret when one is given."""
    note = an.update_note(desk, actor, organisation_id, note_id, body.input())
    return AccessNoteOut.of(note)


@router.delete(f"{ORG}/access-notes/{{note_id}}", status_code=status.HTTP_204_NO_CONTENT)
def delete_access_note(
    organisation_id: RecordId, note_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> None:
    """Remove an access note (leads and admins)."""
    an.remove_note(desk, actor, organisation_id, note_id)


def _policy(view: an.OrganisationAccess) -> AccessPolicyOut:
    return AccessPolicyOut(
        organisation_id=view.organisation.id or 0,
        min_tier=int(view.min_tier),
        chosen=view.chosen,
        may_reveal=view.may_reveal,
        locked=view.locked,
    )


@router.get(f"{ORG}/access-policy", response_model=AccessPolicyOut)
def get_access_policy(
    organisation_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> AccessPolicyOut:
    """Which levels may reveal the organisation's access notes, and whether the caller may."""
    return _policy(an.organisation_access(desk, actor, organisation_id))


@router.put(f"{ORG}/access-policy", response_model=AccessPolicyOut)
def set_access_policy(
    organisation_id: RecordId, body: AccessPolicyBody, desk: DeskDep, actor: CurrentActor
) -> AccessPolicyOut:
    """Choose the lowest level that may reveal the notes (leads and admins; audited)."""
    an.set_min_tier(desk, actor, organisation_id, Tier(body.min_tier))
    return _policy(an.organisation_access(desk, actor, organisation_id))


@router.post("/access-notes/{note_id}/reveal", response_model=RevealedOut)
def reveal_access_note(
    note_id: RecordId, body: RevealBody, desk: DeskDep, actor: CurrentActor, response: Response
) -> RevealedOut:
    """The note's secret, for a ticket of its organisation the caller may open, at a level the
    organisation allows (403 otherwise). Each reveal is audited with the ticket; the answer is
    never cached (`Cache-Control: no-store`)."""
    response.headers["Cache-Control"] = NO_STORE
    revealed = an.reveal_note(desk, actor, note_id, body.ticket)
    return RevealedOut(
        **AccessNoteOut.of(revealed.note).model_dump(),
        body=revealed.body,
        ticket=revealed.ticket_number,
    )
