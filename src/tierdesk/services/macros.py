"""The desk's reply macros: canned texts an agent inserts into a reply or a note, with the
field changes that go with them (applied through ``tickets.apply_changes``, so the same rules
and audit as any other change); leads keep them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.macros import Macro, MacroKind, check_macro_tags, macro_actions
from tierdesk.domain.names import clean_name
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.services import tickets
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


def add_macro(
    desk: Desk,
    actor: Actor,
    name: str,
    kind: str,
    body: str,
    actions: Mapping[str, Any] | None = None,
) -> Macro:
    """``actions``: status, priority, type, add_tags, remove_tags, assign_to_me (as
    ``domain.macros.macro_actions`` reads them)."""
    require_lead(actor, "manage macros")
    cleaned = clean_name(name, "macro")
    try:
        macro_kind = MacroKind(kind)
    except ValueError as exc:
        raise InvalidInputError("a macro is 'public' or 'internal'", field="kind") from exc
    if not body.strip():
        raise InvalidInputError("a macro needs a text", field="body")
    changes = macro_actions(actions)
    check_macro_tags(changes)
    now = desk.clock.now()
    with desk.uow() as uow:
        if uow.macros.named(cleaned) is not None:
            raise ConflictError(f"a macro called {cleaned!r} exists", field="name")
        macro = uow.macros.add(Macro(cleaned, macro_kind, body.strip(), now, actions=changes))
        uow.audit.add(
            audit_event(
                "macro",
                "macro.created",
                actor,
                now,
                subject_id=macro.id,
                changes={
                    "name": cleaned,
                    "kind": str(macro_kind),
                    "actions": changes.describe(),
                },
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


def apply_macro(desk: Desk, actor: Actor, reference: int | str, macro_id: int) -> Ticket:
    """Make macro ``macro_id``'s field changes on the ticket (its text went with the reply),
    each audited as the API's PATCH audits it, with the macro's name as the reason."""
    agent = _agent(actor)
    with desk.uow() as uow:
        macro = uow.macros.get(macro_id)
    if macro is None:
        raise NotFoundError(f"macro {macro_id} not found", field="macro_id")
    ticket = tickets.get_ticket(desk, agent, reference)
    actions = macro.actions
    if not actions:
        return ticket
    changes = tickets.TicketChanges(
        status=actions.status,
        priority=actions.priority,
        assignee_id=agent.id if actions.assign_to_me else None,
        reason=f"macro {macro.name}",
    )
    if actions.type is not None:
        changes.fields["type"] = actions.type
    if actions.add_tags or actions.remove_tags:
        changes.fields["tags"] = actions.tags_after(ticket.tags)
    return tickets.apply_changes(desk, agent, reference, changes)
