"""Storage of the workspace's and the portal's records (plain SQL Core, frozen values back)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables_web as t
from tierdesk.domain.workspace import (
    CsatRating,
    Deflection,
    IdempotencyKey,
    Macro,
    MacroKind,
    MagicLink,
    SavedView,
)
from tierdesk.errors import ConflictError


class SqlWebRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # saved views --------------------------------------------------------------------------

    def add_view(self, view: SavedView) -> SavedView:
        new_id = self.session.execute(
            insert(t.saved_views)
            .values(
                agent_id=view.agent_id,
                name=view.name,
                query=view.query,
                created_at=view.created_at,
            )
            .returning(t.saved_views.c.id)
        ).scalar_one()
        return replace(view, id=int(new_id))

    def _views(self, *where: object) -> list[SavedView]:
        c = t.saved_views.c
        rows = self.session.execute(select(t.saved_views).where(*where).order_by(c.name))  # type: ignore[arg-type]
        return [SavedView(r.agent_id, r.name, r.query, r.created_at, r.id) for r in rows]

    def views(self, agent_id: int) -> list[SavedView]:
        return self._views(t.saved_views.c.agent_id == agent_id)

    def view_named(self, agent_id: int, name: str) -> SavedView | None:
        c = t.saved_views.c
        found = self._views(c.agent_id == agent_id, c.name == name)
        return found[0] if found else None

    def delete_view(self, agent_id: int, view_id: int) -> bool:
        c = t.saved_views.c
        result = self.session.execute(
            delete(t.saved_views).where(c.id == view_id, c.agent_id == agent_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # macros -------------------------------------------------------------------------------

    def add_macro(self, macro: Macro) -> Macro:
        new_id = self.session.execute(
            insert(t.macros)
            .values(
                name=macro.name,
                kind=str(macro.kind),
                body=macro.body,
                created_at=macro.created_at,
            )
            .returning(t.macros.c.id)
        ).scalar_one()
        return replace(macro, id=int(new_id))

    def macros(self) -> list[Macro]:
        rows = self.session.execute(select(t.macros).order_by(t.macros.c.name))
        return [Macro(r.name, MacroKind(r.kind), r.body, r.created_at, r.id) for r in rows]

    def macro_named(self, name: str) -> Macro | None:
        return next((m for m in self.macros() if m.name == name), None)

    def delete_macro(self, macro_id: int) -> bool:
        result = self.session.execute(delete(t.macros).where(t.macros.c.id == macro_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # CSAT ---------------------------------------------------------------------------------

    def add_rating(self, rating: CsatRating) -> CsatRating:
        new_id = self.session.execute(
            insert(t.csat_ratings)
            .values(
                ticket_id=rating.ticket_id,
                contact_id=rating.contact_id,
                score=rating.score,
                comment=rating.comment,
                created_at=rating.created_at,
            )
            .returning(t.csat_ratings.c.id)
        ).scalar_one()
        return replace(rating, id=int(new_id))

    def ratings(self, ticket_ids: Sequence[int]) -> dict[int, CsatRating]:
        if not ticket_ids:
            return {}
        c = t.csat_ratings.c
        rows = self.session.execute(select(t.csat_ratings).where(c.ticket_id.in_(ticket_ids)))
        return {
            r.ticket_id: CsatRating(
                r.ticket_id, r.contact_id, r.score, r.comment, r.created_at, r.id
            )
            for r in rows
        }

    def ratings_since(self, since: datetime) -> list[CsatRating]:
        c = t.csat_ratings.c
        rows = self.session.execute(
            select(t.csat_ratings).where(c.created_at >= since).order_by(c.id)
        )
        return [
            CsatRating(r.ticket_id, r.contact_id, r.score, r.comment, r.created_at, r.id)
            for r in rows
        ]

    def rating_for(self, ticket_id: int) -> CsatRating | None:
        return self.ratings([ticket_id]).get(ticket_id)

    # deflections --------------------------------------------------------------------------

    def add_deflection(self, deflection: Deflection) -> Deflection:
        new_id = self.session.execute(
            insert(t.deflections)
            .values(
                contact_id=deflection.contact_id,
                organisation_id=deflection.organisation_id,
                query=deflection.query,
                source=deflection.source,
                title=deflection.title,
                created_at=deflection.created_at,
            )
            .returning(t.deflections.c.id)
        ).scalar_one()
        return replace(deflection, id=int(new_id))

    def deflections_since(self, since: datetime) -> list[Deflection]:
        c = t.deflections.c
        rows = self.session.execute(
            select(t.deflections).where(c.created_at >= since).order_by(c.id)
        )
        return [
            Deflection(
                r.contact_id, r.organisation_id, r.query, r.source, r.title, r.created_at, r.id
            )
            for r in rows
        ]

    # magic links --------------------------------------------------------------------------

    def add_magic_link(self, link: MagicLink) -> MagicLink:
        new_id = self.session.execute(
            insert(t.magic_links)
            .values(
                contact_id=link.contact_id,
                digest=link.digest,
                created_at=link.created_at,
                expires_at=link.expires_at,
            )
            .returning(t.magic_links.c.id)
        ).scalar_one()
        return replace(link, id=int(new_id))

    def magic_link(self, digest: str) -> MagicLink | None:
        row = self.session.execute(
            select(t.magic_links).where(t.magic_links.c.digest == digest)
        ).one_or_none()
        if row is None:
            return None
        return MagicLink(
            row.contact_id, row.digest, row.created_at, row.expires_at, row.used_at, row.id
        )

    def magic_links_since(self, contact_id: int, since: datetime) -> int:
        c = t.magic_links.c
        query = select(func.count()).where(c.contact_id == contact_id, c.created_at > since)
        return int(self.session.execute(query).scalar_one())

    def use_magic_link(self, link_id: int, at: datetime) -> bool:
        c = t.magic_links.c
        # One conditional UPDATE: of two requests racing with the same link only one changes it.
        result = self.session.execute(
            update(t.magic_links).where(c.id == link_id, c.used_at.is_(None)).values(used_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # idempotency keys ---------------------------------------------------------------------

    def idempotency_key(self, key: str) -> IdempotencyKey | None:
        row = self.session.execute(
            select(t.idempotency_keys).where(t.idempotency_keys.c.key == key)
        ).one_or_none()
        if row is None:
            return None
        return IdempotencyKey(row.key, row.who, row.ticket_id, row.created_at, row.expires_at)

    def add_idempotency_key(self, used: IdempotencyKey) -> None:
        statement = insert(t.idempotency_keys).values(
            key=used.key,
            who=used.who,
            ticket_id=used.ticket_id,
            created_at=used.created_at,
            expires_at=used.expires_at,
        )
        try:
            self.session.execute(statement)
        except IntegrityError as exc:
            # The transaction is spoiled on PostgreSQL; the caller abandons it.
            raise ConflictError("this form was sent already", field="form_key") from exc

    def purge_idempotency_keys(self, now: datetime) -> int:
        result = self.session.execute(
            delete(t.idempotency_keys).where(t.idempotency_keys.c.expires_at < now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
