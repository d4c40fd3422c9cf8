"""An agent's saved queue views: their own filters, by name."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from tierdesk.domain.names import clean_name
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.saved_views import SavedView
from tierdesk.errors import ConflictError, NotFoundError, PermissionDeniedError
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
        if uow.saved_views.named(agent.id, cleaned) is not None:
            raise ConflictError(f"you already have a view called {cleaned!r}", field="name")
        view = uow.saved_views.add(SavedView(agent.id, cleaned, filters, desk.clock.now()))
        uow.commit()
        return view


def list_views(desk: Desk, actor: Actor) -> list[SavedView]:
    agent = _agent(actor)
    assert agent.id is not None
    with desk.uow() as uow:
        return uow.saved_views.for_agent(agent.id)


def delete_view(desk: Desk, actor: Actor, view_id: int) -> None:
    agent = _agent(actor)
    assert agent.id is not None
    with desk.uow() as uow:
        if not uow.saved_views.delete(agent.id, view_id):
            raise NotFoundError(f"view {view_id} not found")
        uow.commit()
