"""An agent's saved queue views (their own filters, by name) and the desk's reply macros."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.workspace import Macro, MacroKind, SavedView, clean_name
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk

# Only filters go into a view: never a CSRF token or anything else a form may carry.
VIEW_FIELDS = ("tier", "queue", "product", "language", "priority", "status", "assignee", "q")


def _agent(actor: Actor) -> Agent:
    if not isinstance(actor, Agent) or actor.id is None:
        raise PermissionDeniedError("only agents keep saved views", action="save views")
    return actor


def view_query(pairs: list[tuple[str, str]]) -> str:
    """The filter part of a query string, in a stable order."""
    kept = [(k, v) for k, v in pairs if k in VIEW_FIELDS and v]
    return urlencode(sorted(kept))


def save_view(desk: Desk, actor: Actor, name: str, query: str) -> SavedView:
    agent = _agent(actor)
    assert agent.id is not None
    cleaned = clean_name(name, "view")
    filters = view_query(parse_qsl(query))
    with desk.uow() as uow:
        if uow.web.view_named(agent.id, cleaned) is not None:
            raise ConflictError(f"you already have a view called {cleaned!r}", field="name")
        view = uow.web.add_view(SavedView(agent.id, cleaned, filters, desk.clock.now()))
        uow.commit()
        return view


def list_views(desk: Desk, actor: Actor) -> list[SavedView]:
    agent = _agent(actor)
    assert agent.id is not None
    with desk.uow() as uow:
        return uow.web.views(agent.id)


def delete_view(desk: Desk, actor: Actor, view_id: int) -> None:
    agent = _agent(actor)
    assert agent.id is not None
    with desk.uow() as uow:
        if not uow.web.delete_view(agent.id, view_id):
            raise NotFoundError(f"view {view_id} not found")
        uow.commit()


def list_macros(desk: Desk, actor: Actor) -> list[Macro]:
    _agent(actor)
    with desk.uow() as uow:
        return uow.web.macros()


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
        if uow.web.macro_named(cleaned) is not None:
            raise ConflictError(f"a macro called {cleaned!r} exists", field="name")
        macro = uow.web.add_macro(Macro(cleaned, macro_kind, body.strip(), now))
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
        if not uow.web.delete_macro(macro_id):
            raise NotFoundError(f"macro {macro_id} not found")
        uow.audit.add(
            audit_event("macro", "macro.deleted", actor, desk.clock.now(), subject_id=macro_id)
        )
        uow.commit()
