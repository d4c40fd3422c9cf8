"""The desk's reply macros: canned texts an agent inserts into a reply or a note; leads keep
them."""

from __future__ import annotations

from tierdesk.domain.audit import audit_event
from tierdesk.domain.macros import Macro, MacroKind
from tierdesk.domain.names import clean_name
from tierdesk.domain.people import Actor, Agent
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk


def _agent(actor: Actor) -> Agent:
    if not isinstance(actor, Agent) or actor.id is None:
        raise PermissionDeniedError("only agents use macros", action="use macros")
    return actor


def list_macros(desk: Desk, actor: Actor) -> list[Macro]:
    _agent(actor)
    with desk.uow() as uow:
        return uow.macros.all()


def add_macro(desk: Desk, actor: Actor, name: str, kind: str, body: str) -> Macro:
    require_lead(actor, "manage macros")
    cleaned = clean_name(name, "macro")
    try:
        macro_kind = MacroKind(kind)
    except ValueError as exc:
        raise InvalidInputError("a macro is 'public' or 'internal'", field="kind") from exc
    if not body.strip():
        raise InvalidInputError("a macro needs a text", field="body")
    now = desk.clock.now()
    with desk.uow() as uow:
        if uow.macros.named(cleaned) is not None:
            raise ConflictError(f"a macro called {cleaned!r} exists", field="name")
        macro = uow.macros.add(Macro(cleaned, macro_kind, body.strip(), now))
        uow.audit.add(
            audit_event(
                "macro",
                "macro.created",
                actor,
                now,
                subject_id=macro.id,
                changes={"name": cleaned, "kind": str(macro_kind)},
            )
        )
        uow.commit()
        return macro


def delete_macro(desk: Desk, actor: Actor, macro_id: int) -> None:
    require_lead(actor, "manage macros")
    with desk.uow() as uow:
        if not uow.macros.delete(macro_id):
            raise NotFoundError(f"macro {macro_id} not found")
        uow.audit.add(
            audit_event("macro", "macro.deleted", actor, desk.clock.now(), subject_id=macro_id)
        )
        uow.commit()
