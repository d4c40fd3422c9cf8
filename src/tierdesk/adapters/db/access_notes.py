"""Access notes in storage (issue 21 item 2): the ciphertext of each note's body beside its
title and kind, and each organisation's lowest level allowed to reveal them. No column holds a
body in clear, so neither a database dump nor ``db.echo`` shows one."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime, storable_id
from tierdesk.domain.access_notes import AccessNote, AccessNoteKind, AccessPolicy

access_notes = Table(
    "access_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("site_id", ForeignKey("sites.id")),  # NULL: the whole organisation
    Column("title", String(200), nullable=False),
    Column("kind", EnumText(AccessNoteKind, length=32), nullable=False),
    Column("secret", Text, nullable=False),  # the body's ciphertext (a Fernet token)
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

access_policies = Table(
    "access_policies",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("min_tier", TierNumber, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)


def map_access_notes(reg: registry) -> None:
    reg.map_imperatively(AccessNote, access_notes)
    reg.map_imperatively(AccessPolicy, access_policies)


class SqlAccessNoteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, note: AccessNote) -> None:
        self.session.add(note)

    def get(self, note_id: int) -> AccessNote | None:
        return self.session.get(AccessNote, note_id) if storable_id(note_id) else None

    def of_organisation(self, organisation_id: int) -> list[AccessNote]:
        c = access_notes.c
        query = select(AccessNote).where(c.organisation_id == organisation_id).order_by(c.id)
        return list(self.session.scalars(query))

    def remove(self, note: AccessNote) -> None:
        self.session.delete(note)

    def policy(self, organisation_id: int) -> AccessPolicy | None:
        if not storable_id(organisation_id):
            return None
        return self.session.get(AccessPolicy, organisation_id)

    def save_policy(self, policy: AccessPolicy) -> None:
        self.session.add(policy)
