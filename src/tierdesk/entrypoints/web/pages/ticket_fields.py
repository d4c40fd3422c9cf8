"""The ticket page's Details panel: every field of a ticket changed in place (status, priority,
type, product/component/version, tags, custom fields, assignee, requester, followers, CCs), through
the same use case as the API's PATCH (``services.tickets.apply_changes``), so the same rules
and the same audit apply. Only what the agent changed in the form is sent: the form carries
the values it showed (``seen``), and a field left as shown is left alone, so two agents editing
different fields do not undo each other."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tierdesk.domain.catalog import Product
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.ticket_people import split_addresses
from tierdesk.domain.tickets import ALLOWED_STATUS_CHANGES, Priority, Status, Ticket, TicketType
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import typed_record_id
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import ConflictError, InvalidInputError
from tierdesk.services import tickets

router = APIRouter(include_in_schema=False)
E = TypeVar("E", bound=StrEnum)

# The form's fields, in the order the panel shows them.
FIELDS = (
    "status",
    "priority",
    "type",
    "product",
    "component",
    "version",
    "tags",
    "custom_fields",
    "assignee_id",
    "requester_id",
    "followers",
    "ccs",
)


def _product_of(products: Sequence[Product], product_id: int | None) -> Product | None:
    return next((p for p in products if p.id == product_id), None)


def shown_values(ticket: Ticket, products: Sequence[Product]) -> dict[str, Any]:
    """What the form shows for each field, as the form sends it back."""
    product = _product_of(products, ticket.product_id)
    components = product.components if product else []
    versions = product.versions if product else []
    component = next((c for c in components if c.id == ticket.component_id), None)
    version = next((v for v in versions if v.id == ticket.version_id), None)
    return {
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "type": str(ticket.type),
        "product": product.key if product else "",
        "component": component.name if component else "",
        "version": version.name if version else "",
        "tags": ", ".join(ticket.tags),
        "custom_fields": "\n".join(f"{k}: {v}" for k, v in ticket.custom_fields.items()),
        "assignee_id": str(ticket.assignee_id or ""),
        "requester_id": str(ticket.requester_id),
        "followers": sorted(str(i) for i in ticket.followers),
        "ccs": ", ".join(ticket.ccs),
    }


def details_context(
    ticket: Ticket,
    user: Agent,
    agents: Sequence[Agent],
    contacts: Sequence[Contact],
    products: Sequence[Product],
) -> dict[str, Any]:
    """What ``_details.html`` needs, from what the ticket page has loaded anyway."""
    shown = shown_values(ticket, products)
    active = [a for a in agents if a.active and a.id is not None]
    assignable = [a for a in active if a.works_tier(ticket.tier) or a.is_lead]
    current = next((a for a in agents if a.id == ticket.assignee_id), None)
    if current is not None and current not in assignable:
        assignable.append(current)  # shown as it is, even if they no longer work the level
    # Solving has its own dialog (it records a resolution).
    allowed = ALLOWED_STATUS_CHANGES[ticket.status] - {Status.SOLVED}
    statuses = [ticket.status, *sorted(allowed, key=list(Status).index)]
    return {
        "details": {
            "shown": shown,
            "seen": json.dumps(shown, separators=(",", ":")),
            "statuses": statuses,
            "priorities": list(Priority),
            "types": list(TicketType),
            "products": products,
            "chosen_product": _product_of(products, ticket.product_id),
            "assignable": assignable,
            "requesters": [c for c in contacts if c.active or c.id == ticket.requester_id],
            "followable": active,
            # followers no longer active: kept as they are (not the agent's to drop by leaving)
            "kept_followers": [i for i in ticket.followers if i not in {a.id for a in active}],
            "may_set_others": user.is_lead,
            "editable": ticket.status is not Status.CLOSED,
        }
    }


def _one(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def _choice(kind: type[E], value: str, field: str) -> E:
    try:
        return kind(value)
    except ValueError as exc:
        raise InvalidInputError(f"{value!r} is not a {field}", field=field) from exc


def _record_id(value: str, field: str) -> int:
    chosen = typed_record_id(value)
    if chosen is None:
        raise InvalidInputError(f"{value[:40]!r} is not one of the choices", field=field)
    return chosen


def parse_custom_fields(text: str, before: Mapping[str, Any]) -> dict[str, Any]:
    """``name: value`` a line. A value shown and sent back unchanged keeps its stored type (a
    number stays a number), so an untouched field is no change."""
    fields: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise InvalidInputError(f"line {number} is not 'name: value'", field="custom_fields")
        name, value = name.strip(), value.strip()
        old = before.get(name)
        fields[name] = old if old is not None and str(old) == value else value
    return fields


def _seen(form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    try:
        seen = json.loads(_one(form, "seen") or "{}")
    except ValueError as exc:
        raise InvalidInputError("the form was damaged; reload the page") from exc
    if not isinstance(seen, dict):
        raise InvalidInputError("the form was damaged; reload the page")
    return seen


def _edited(form: Mapping[str, Sequence[str]], seen: Mapping[str, Any], name: str) -> bool:
    if name == "followers":
        return sorted(form.get(name) or []) != sorted(seen.get(name) or [])
    return name in form and _one(form, name) != str(seen.get(name, "")).strip()


def _same(name: str, one: Any, other: Any) -> bool:
    if name == "followers":
        return sorted(one or []) == sorted(other or [])
    return str(one or "").strip() == str(other or "").strip()


def require_unchanged_since_shown(
    form: Mapping[str, Sequence[str]], ticket: Ticket, products: Sequence[Product]
) -> None:
    """A field the agent changed that someone else changed too since the form was shown is
    refused, not overwritten: the lead's P1 was silently put back to the P4 a colleague chose
    on the page opened before it (fields only one of them changed are merged as before)."""
    seen = _seen(form)
    now = shown_values(ticket, products)
    for name in FIELDS:
        if _edited(form, seen, name) and not _same(name, now[name], seen.get(name)):
            shown = now[name] if name != "followers" else "another list"
            raise ConflictError(
                f"{name.replace('_id', '').replace('_', ' ')} was changed to "
                f"{str(shown)[:60] or 'nothing'!r} since you opened this page; reload it, then"
                " make your change again",
                field=name,
            )


def changes_from_form(
    form: Mapping[str, Sequence[str]], ticket: Ticket
) -> tickets.TicketChanges | None:
    """The changes the agent made in the form (compared with what it showed); None: none."""
    seen = _seen(form)

    def changed(name: str) -> bool:
        return _edited(form, seen, name)

    changes = tickets.TicketChanges(reason=_one(form, "reason") or None)
    fields: dict[str, Any] = {}
    if changed("status"):
        changes.status = _choice(Status, _one(form, "status"), "status")
    if changed("priority"):
        changes.priority = _choice(Priority, _one(form, "priority"), "priority")
    if changed("type"):
        fields["type"] = _choice(TicketType, _one(form, "type"), "type")
    if any(changed(name) for name in ("product", "component", "version")):
        changes.catalog = tickets.CatalogRef(
            _one(form, "product") or None,
            _one(form, "component") or None,
            _one(form, "version") or None,
        )
    if changed("tags"):
        fields["tags"] = [t for t in _one(form, "tags").split(",") if t.strip()]
    if changed("custom_fields"):
        text = (form.get("custom_fields") or [""])[-1]
        fields["custom_fields"] = parse_custom_fields(text, ticket.custom_fields)
    if changed("assignee_id"):
        wanted = _one(form, "assignee_id")
        if wanted:
            changes.assignee_id = _record_id(wanted, "assignee_id")
        else:
            changes.unassign = True
    if changed("requester_id"):
        changes.requester_id = _record_id(_one(form, "requester_id"), "requester_id")
    if changed("followers"):
        changes.followers = [_record_id(v, "followers") for v in form.get("followers") or []]
    if changed("ccs"):
        changes.ccs = split_addresses((form.get("ccs") or [""])[-1])
    changes.fields = fields
    untouched = tickets.TicketChanges(reason=changes.reason)
    return None if changes == untouched else changes


def _back(reference: str, notice: str) -> str:
    return f"/tickets/{reference}?notice={notice.replace(' ', '+')}#details"


@router.post("/tickets/{reference}/details", dependencies=[Csrf])
async def save_details(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str
) -> Response:
    received = await request.form()
    form = {name: [str(v) for v in received.getlist(name)] for name in received}

    def save() -> str:
        ticket = tickets.get_ticket(desk, agent, reference)
        changes = changes_from_form(form, ticket)
        if changes is None:
            return "Nothing changed"
        require_unchanged_since_shown(form, ticket, tickets.list_products(desk))
        tickets.apply_changes(desk, agent, reference, changes)
        return "Details saved"

    notice = await run_in_threadpool(save)  # the use cases must not hold the event loop
    return go(request, _back(reference, notice))


@router.get("/catalog/choices")
def catalog_choices(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    product: str = "",
) -> Response:
    """The component and version lists of the chosen product (the form's dependent selects)."""
    chosen = next(
        (
            p
            for p in tickets.list_products(desk)
            if product.strip().lower() in (p.key.lower(), p.name.lower())
        ),
        None,
    )
    return render(
        request,
        "_catalog_choices.html",
        {"user": agent, "chosen_product": chosen, "component": "", "version": ""},
    )
