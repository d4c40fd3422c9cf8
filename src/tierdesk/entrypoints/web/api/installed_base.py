"""/api/v1 installed base (issue 21 item 1): an organisation's sites, installed items and
entitlements, the CSV import, and the items a ticket is about. Agents read; leads and admins
edit; customer contacts get 404 (the installed base is the vendor's record)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tierdesk.domain.installed_base import (
    CoverageState,
    Entitlement,
    EntitlementKind,
    InstalledItem,
    ItemStatus,
    MatchedBy,
    Site,
)
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.errors import TooLargeError, UnsupportedMediaError
from tierdesk.services import installed_base as ib
from tierdesk.services.installed_base_import import import_installed_base
from tierdesk.services.installed_base_tickets import (
    TicketInstalledBase,
    link_item,
    ticket_installed_base,
    unlink_item,
)

router = APIRouter(tags=["installed base"])
MAX_CSV_BYTES = 5 * 1024 * 1024


class SiteBody(BaseModel):
    name: str = Field(max_length=200)
    address: str | None = Field(default=None, max_length=1000)
    timezone: str | None = Field(default=None, max_length=64)


class SiteOut(SiteBody):
    id: int
    organisation_id: int
    created_at: datetime

    @classmethod
    def of(cls, site: Site) -> SiteOut:
        return cls(
            id=site.id or 0,
            organisation_id=site.organisation_id,
            name=site.name,
            address=site.address,
            timezone=site.timezone,
            created_at=site.created_at,
        )


class ItemBody(BaseModel):
    product: str = Field(description="Product key or name", max_length=200)
    site: str | None = Field(default=None, description="Site name; null: none", max_length=200)
    version: str | None = Field(default=None, max_length=64)
    serial_number: str | None = Field(default=None, max_length=120)
    hardware_model: str | None = Field(default=None, max_length=120)
    status: ItemStatus = ItemStatus.ACTIVE
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    notes: str | None = Field(default=None, max_length=4000)

    def input(self) -> ib.ItemInput:
        return ib.ItemInput(**self.model_dump())


class ItemOut(BaseModel):
    id: int
    organisation_id: int
    site_id: int | None
    product_id: int
    version: str | None
    serial_number: str | None
    hardware_model: str | None
    status: ItemStatus
    quantity: int
    notes: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: InstalledItem) -> ItemOut:
        return cls(**{name: getattr(item, name) for name in cls.model_fields})


class EntitlementBody(BaseModel):
    kind: EntitlementKind
    name: str = Field(max_length=200)
    product: str | None = Field(default=None, description="Product key or name; null: all")
    site: str | None = Field(default=None, description="Site name; null: every site")
    reference: str | None = Field(default=None, max_length=120)
    seats: int | None = Field(default=None, ge=1, le=1_000_000)
    starts_on: date | None = None
    expires_on: date | None = None

    def input(self) -> ib.EntitlementInput:
        return ib.EntitlementInput(**self.model_dump())


class EntitlementOut(BaseModel):
    id: int
    organisation_id: int
    site_id: int | None
    product_id: int | None
    kind: EntitlementKind
    name: str
    reference: str | None
    seats: int | None
    starts_on: date | None
    expires_on: date | None
    created_at: datetime

    @classmethod
    def of(cls, entitlement: Entitlement) -> EntitlementOut:
        return cls(**{name: getattr(entitlement, name) for name in cls.model_fields})


class ImportOut(BaseModel):
    items_added: int
    items_updated: int
    entitlements_added: int
    entitlements_updated: int
    sites_added: int


class TicketItemOut(ItemOut):
    matched_by: MatchedBy
    site: str | None
    product: str | None
    support: CoverageState


class TicketInstalledOut(BaseModel):
    linked: list[TicketItemOut] = Field(description="The items the ticket is about")
    support: CoverageState = Field(description="covered, expired or none (recorded)")
    support_expired_on: date | None
    warning: str | None = Field(description="What the agent is told, when anything")

    @classmethod
    def of(cls, view: TicketInstalledBase) -> TicketInstalledOut:
        linked = [
            TicketItemOut(
                **ItemOut.of(li.item).model_dump(),
                matched_by=li.matched_by,
                site=li.site.name if li.site else None,
                product=li.product.name if li.product else None,
                support=li.coverage.state,
            )
            for li in view.linked
        ]
        return cls(
            linked=linked,
            support=view.coverage.state,
            support_expired_on=view.coverage.expired_on,
            warning=view.warning,
        )


class LinkBody(BaseModel):
    installed_item_id: RecordId


ORG = "/organisations/{organisation_id}"


@router.get(f"{ORG}/sites", response_model=Page[SiteOut])
def list_sites(
    organisation_id: RecordId, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[SiteOut]:
    """The organisation's sites, by name."""
    base = ib.installed_base(desk, actor, organisation_id)
    return paginate([SiteOut.of(s) for s in base.sites], page)


@router.post(f"{ORG}/sites", response_model=SiteOut, status_code=status.HTTP_201_CREATED)
def create_site(
    organisation_id: RecordId, body: SiteBody, desk: DeskDep, actor: CurrentActor
) -> SiteOut:
    """Add a site (leads and admins); names are unique per organisation."""
    return SiteOut.of(ib.add_site(desk, actor, organisation_id, ib.SiteInput(**body.model_dump())))


@router.put(f"{ORG}/sites/{{site_id}}", response_model=SiteOut)
def update_site(
    organisation_id: RecordId, site_id: RecordId, body: SiteBody, desk: DeskDep, actor: CurrentActor
) -> SiteOut:
    """Replace a site's name, address and time zone."""
    site = ib.update_site(desk, actor, organisation_id, site_id, ib.SiteInput(**body.model_dump()))
    return SiteOut.of(site)


@router.delete(f"{ORG}/sites/{{site_id}}", status_code=status.HTTP_204_NO_CONTENT)
def delete_site(
    organisation_id: RecordId, site_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> None:
    """Remove a site no item or entitlement names (409 otherwise)."""
    ib.remove_site(desk, actor, organisation_id, site_id)


@router.get(f"{ORG}/installed-items", response_model=Page[ItemOut])
def list_items(
    organisation_id: RecordId, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[ItemOut]:
    """The organisation's installed items (every status), oldest first."""
    base = ib.installed_base(desk, actor, organisation_id)
    return paginate([ItemOut.of(i) for i in base.items], page)


@router.post(f"{ORG}/installed-items", response_model=ItemOut, status_code=status.HTTP_201_CREATED)
def create_item(
    organisation_id: RecordId, body: ItemBody, desk: DeskDep, actor: CurrentActor
) -> ItemOut:
    """Record an installed item; a serial number may be recorded once (409)."""
    return ItemOut.of(ib.add_item(desk, actor, organisation_id, body.input()))


@router.put(f"{ORG}/installed-items/{{item_id}}", response_model=ItemOut)
def update_item(
    organisation_id: RecordId, item_id: RecordId, body: ItemBody, desk: DeskDep, actor: CurrentActor
) -> ItemOut:
    """Replace an item's fields; retire it with `status: retired`."""
    return ItemOut.of(ib.update_item(desk, actor, organisation_id, item_id, body.input()))


@router.delete(f"{ORG}/installed-items/{{item_id}}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(
    organisation_id: RecordId, item_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> None:
    """Forget an item recorded by mistake, with its tickets' links (retire one taken out).
    An item an RMA names is kept: 409."""
    ib.remove_item(desk, actor, organisation_id, item_id)


@router.get(f"{ORG}/entitlements", response_model=Page[EntitlementOut])
def list_entitlements(
    organisation_id: RecordId, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[EntitlementOut]:
    """The organisation's support plans and licences, oldest first."""
    base = ib.installed_base(desk, actor, organisation_id)
    return paginate([EntitlementOut.of(e) for e in base.entitlements], page)


@router.post(
    f"{ORG}/entitlements", response_model=EntitlementOut, status_code=status.HTTP_201_CREATED
)
def create_entitlement(
    organisation_id: RecordId, body: EntitlementBody, desk: DeskDep, actor: CurrentActor
) -> EntitlementOut:
    """Record a support plan or licence (for a product, or all with `product: null`)."""
    return EntitlementOut.of(ib.add_entitlement(desk, actor, organisation_id, body.input()))


@router.put(f"{ORG}/entitlements/{{entitlement_id}}", response_model=EntitlementOut)
def update_entitlement(
    organisation_id: RecordId,
    entitlement_id: RecordId,
    body: EntitlementBody,
    desk: DeskDep,
    actor: CurrentActor,
) -> EntitlementOut:
    """Replace an entitlement's fields (a renewal moves `expires_on`)."""
    changed = ib.update_entitlement(desk, actor, organisation_id, entitlement_id, body.input())
    return EntitlementOut.of(changed)


@router.delete(f"{ORG}/entitlements/{{entitlement_id}}", status_code=status.HTTP_204_NO_CONTENT)
def delete_entitlement(
    organisation_id: RecordId, entitlement_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> None:
    """Remove an entitlement."""
    ib.remove_entitlement(desk, actor, organisation_id, entitlement_id)


_CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "Columns as docs/installed-base.md lists them (`kind`, `organisation`, "
        "`site`, `product`, `version`, `serial_number`, …)",
    }
}


@router.post("/installed-items/import", response_model=ImportOut, openapi_extra=_CSV_BODY)
async def import_csv(
    request: Request, desk: DeskDep, actor: CurrentActor, organisation: RecordId | None = None
) -> ImportOut:
    """Import items and entitlements from a CSV body (`Content-Type: text/csv`), all or
    nothing: any bad row answers 422 with `errors` (each with `line`, `column`, `message`) and
    stores nothing. Rows are found again by serial number, so importing twice changes nothing.
    With `organisation` (an id) the file is for that organisation and needs no such column."""
    if not request.headers.get("content-type", "").startswith(("text/csv", "text/plain")):
        raise UnsupportedMediaError("send the file as text/csv")
    data = await request.body()
    if len(data) > MAX_CSV_BYTES:
        raise TooLargeError(f"the file is larger than {MAX_CSV_BYTES} bytes", field="file")
    text = data.decode("utf-8", errors="replace")
    result = await run_in_threadpool(import_installed_base, desk, actor, text, organisation)
    return ImportOut(**{name: getattr(result, name) for name in ImportOut.model_fields})


@router.get("/tickets/{reference}/installed-items", response_model=TicketInstalledOut)
def ticket_items(reference: str, desk: DeskDep, actor: CurrentActor) -> TicketInstalledOut:
    """The installed items the ticket is about (how each was matched) and the organisation's
    support for them: `warning` says when it expired or none is recorded."""
    return TicketInstalledOut.of(ticket_installed_base(desk, actor, reference))


@router.post("/tickets/{reference}/installed-items", response_model=TicketInstalledOut)
def link_ticket_item(
    reference: str, body: LinkBody, desk: DeskDep, actor: CurrentActor
) -> TicketInstalledOut:
    """Say the ticket is about one of its organisation's items (`matched_by: agent`)."""
    return TicketInstalledOut.of(link_item(desk, actor, reference, body.installed_item_id))


@router.delete("/tickets/{reference}/installed-items/{item_id}", response_model=TicketInstalledOut)
def unlink_ticket_item(
    reference: str, item_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> TicketInstalledOut:
    """Take an item off the ticket (a later message naming it may match it again)."""
    return TicketInstalledOut.of(unlink_item(desk, actor, reference, item_id))
