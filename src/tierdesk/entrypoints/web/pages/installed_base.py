"""The installed base in the workspace (issue 21 item 1): an organisation's page of sites,
installed items and entitlements (agents read; leads and admins add, edit, retire and import a
CSV file), and the ticket page's "Installed base" panel (the matched items, the support check,
link and unlink). The same services as /api/v1 (services/installed_base*.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tierdesk.domain.installed_base import EntitlementKind, ItemStatus
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, TooLargeError
from tierdesk.services import installed_base as ib
from tierdesk.services.installed_base_import import CsvImportError, import_installed_base
from tierdesk.services.installed_base_tickets import link_item, ticket_installed_base, unlink_item

router = APIRouter(include_in_schema=False)
MAX_CSV_BYTES = 5 * 1024 * 1024
Text = Annotated[str, Form()]
E = TypeVar("E", ItemStatus, EntitlementKind)


def _page(organisation_id: int, notice: str, anchor: str) -> str:
    return f"/organisations/{organisation_id}/installed?notice={notice.replace(' ', '+')}#{anchor}"


def _date(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from exc


def _number(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 1_000_000:
        raise InvalidInputError(f"{text!r} is not a whole number from 1", field=field)
    return int(text)


def _choice(kind: type[E], value: str, field: str) -> E:
    try:
        return kind(value.strip())
    except ValueError as exc:
        raise InvalidInputError(f"{value!r} is not one of the choices", field=field) from exc


def _render_page(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: int,
    csv_errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    base = ib.installed_base(desk, agent, organisation_id)
    context = {
        "user": agent,
        "base": base,
        "may_edit": agent.is_lead,
        "statuses": list(ItemStatus),
        "kinds": list(EntitlementKind),
        "products": sorted(base.products.values(), key=lambda p: p.name.lower()),
        "today": desk.clock.now().date(),
        "csv_errors": csv_errors or [],
    }
    return render(request, "installed_base.html", context, status)


@router.get("/organisations/{organisation_id}/installed")
def installed_page(
    request: Request, desk: DeskDep, agent: WebAgent, organisation_id: RecordId
) -> Response:
    return _render_page(request, desk, agent, organisation_id)


@router.post("/organisations/{organisation_id}/installed/sites", dependencies=[Csrf])
def add_site(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    name: Text = "",
    address: Text = "",
    timezone: Text = "",
) -> Response:
    ib.add_site(desk, agent, organisation_id, ib.SiteInput(name, address, timezone))
    return go(request, _page(organisation_id, "Site added", "sites"))


@router.post("/organisations/{organisation_id}/installed/sites/{site_id}", dependencies=[Csrf])
def edit_site(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    site_id: RecordId,
    name: Text = "",
    address: Text = "",
    timezone: Text = "",
    remove: Text = "",
) -> Response:
    if remove:
        ib.remove_site(desk, agent, organisation_id, site_id)
        return go(request, _page(organisation_id, "Site removed", "sites"))
    ib.update_site(desk, agent, organisation_id, site_id, ib.SiteInput(name, address, timezone))
    return go(request, _page(organisation_id, "Site saved", "sites"))


def _item_input(
    product: str,
    site: str,
    version: str,
    serial_number: str,
    hardware_model: str,
    status: str,
    quantity: str,
    notes: str,
) -> ib.ItemInput:
    return ib.ItemInput(
        product=product,
        site=site or None,
        version=version,
        serial_number=serial_number,
        hardware_model=hardware_model,
        status=_choice(ItemStatus, status or "active", "status"),
        quantity=_number(quantity, "quantity") or 1,
        notes=notes,
    )


@router.post("/organisations/{organisation_id}/installed/items", dependencies=[Csrf])
def add_item(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    product: Text = "",
    site: Text = "",
    version: Text = "",
    serial_number: Text = "",
    hardware_model: Text = "",
    status: Text = "active",
    quantity: Text = "1",
    notes: Text = "",
) -> Response:
    new = _item_input(
        product, site, version, serial_number, hardware_model, status, quantity, notes
    )
    ib.add_item(desk, agent, organisation_id, new)
    return go(request, _page(organisation_id, "Item added", "items"))


@router.post("/organisations/{organisation_id}/installed/items/{item_id}", dependencies=[Csrf])
def edit_item(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    item_id: RecordId,
    product: Text = "",
    site: Text = "",
    version: Text = "",
    serial_number: Text = "",
    hardware_model: Text = "",
    status: Text = "active",
    quantity: Text = "1",
    notes: Text = "",
    retire: Text = "",
) -> Response:
    if retire:
        ib.retire_item(desk, agent, organisation_id, item_id)
        return go(request, _page(organisation_id, "Item retired", "items"))
    new = _item_input(
        product, site, version, serial_number, hardware_model, status, quantity, notes
    )
    ib.update_item(desk, agent, organisation_id, item_id, new)
    return go(request, _page(organisation_id, "Item saved", "items"))


def _entitlement_input(
    kind: str,
    name: str,
    product: str,
    site: str,
    reference: str,
    seats: str,
    starts_on: str,
    expires_on: str,
) -> ib.EntitlementInput:
    return ib.EntitlementInput(
        kind=_choice(EntitlementKind, kind, "kind"),
        name=name,
        product=product or None,
        site=site or None,
        reference=reference,
        seats=_number(seats, "seats"),
        starts_on=_date(starts_on, "starts_on"),
        expires_on=_date(expires_on, "expires_on"),
    )


@router.post("/organisations/{organisation_id}/installed/entitlements", dependencies=[Csrf])
def add_entitlement(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    kind: Text = "support",
    name: Text = "",
    product: Text = "",
    site: Text = "",
    reference: Text = "",
    seats: Text = "",
    starts_on: Text = "",
    expires_on: Text = "",
) -> Response:
    new = _entitlement_input(kind, name, product, site, reference, seats, starts_on, expires_on)
    ib.add_entitlement(desk, agent, organisation_id, new)
    return go(request, _page(organisation_id, "Entitlement added", "entitlements"))


@router.post(
    "/organisations/{organisation_id}/installed/entitlements/{entitlement_id}",
    dependencies=[Csrf],
)
def edit_entitlement(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    entitlement_id: RecordId,
    kind: Text = "support",
    name: Text = "",
    product: Text = "",
    site: Text = "",
    reference: Text = "",
    seats: Text = "",
    starts_on: Text = "",
    expires_on: Text = "",
    remove: Text = "",
) -> Response:
    if remove:
        ib.remove_entitlement(desk, agent, organisation_id, entitlement_id)
        return go(request, _page(organisation_id, "Entitlement removed", "entitlements"))
    new = _entitlement_input(kind, name, product, site, reference, seats, starts_on, expires_on)
    ib.update_entitlement(desk, agent, organisation_id, entitlement_id, new)
    return go(request, _page(organisation_id, "Entitlement saved", "entitlements"))


@router.post("/organisations/{organisation_id}/installed/import", dependencies=[Csrf])
async def import_file(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    file: UploadFile,
) -> Response:
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise TooLargeError(f"the file is larger than {MAX_CSV_BYTES} bytes", field="file")
    text = data.decode("utf-8", errors="replace")

    def store() -> Response:
        try:
            result = import_installed_base(desk, agent, text, organisation_id)
        except CsvImportError as error:
            lines = [str(e) for e in error.errors]
            return _render_page(request, desk, agent, organisation_id, lines, status=422)
        notice = (
            f"Imported: {result.items_added} items added, {result.items_updated} updated, "
            f"{result.entitlements_added} entitlements added, "
            f"{result.entitlements_updated} updated"
        )
        return go(request, _page(organisation_id, notice, "import"))

    return await run_in_threadpool(store)  # the use case must not hold the event loop


# -- the ticket page's panel ----------------------------------------------------------------


@router.get("/tickets/{reference}/installed")
def installed_panel(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    view = ticket_installed_base(desk, agent, reference)
    return render(request, "_installed_base.html", {"user": agent, "view": view})


@router.post("/tickets/{reference}/installed/link", dependencies=[Csrf])
def link(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, item: Text = ""
) -> Response:
    item_id = _number(item, "item")
    if item_id is None:
        raise InvalidInputError("choose an installed item", field="item")
    link_item(desk, agent, reference, item_id)
    return go(request, f"/tickets/{reference}?notice=Installed+item+linked#installed-base")


@router.post("/tickets/{reference}/installed/{item_id}/unlink", dependencies=[Csrf])
def unlink(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, item_id: RecordId
) -> Response:
    unlink_item(desk, agent, reference, item_id)
    return go(request, f"/tickets/{reference}?notice=Installed+item+unlinked#installed-base")
