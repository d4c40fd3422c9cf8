"""Importing an installed base from CSV (issue 21 item 1; the file's columns are described in
``domain/installed_base_csv.py``).

All or nothing: every row is read and resolved (organisation, product, serial number not
another organisation's) before anything is stored, and one bad row stores none. Importing the
same file again changes nothing: an item is found again by its serial number (else by
organisation, site, product, version and model among those without one), an entitlement by
organisation, kind, name, reference, product and site; found ones are updated, the rest added.
Sites named in the file are created when missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tierdesk.domain.audit import audit_event
from tierdesk.domain.installed_base import (
    Entitlement,
    EntitlementKind,
    InstalledItem,
    Site,
)
from tierdesk.domain.installed_base_csv import ITEM, CsvRow, RowError, read_csv
from tierdesk.domain.people import Actor
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.installed_base import organisation_for


@dataclass
class ImportResult:
    items_added: int = 0
    items_updated: int = 0
    entitlements_added: int = 0
    entitlements_updated: int = 0
    sites_added: int = 0
    organisations: set[int] = field(default_factory=set)


class CsvImportError(InvalidInputError):
    """The file's problems, each with its line and column; nothing was stored."""

    def __init__(self, errors: list[RowError]) -> None:
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(
            f"the file was not imported: {shown}{more}",
            field="file",
            errors=[e.to_dict() for e in errors],
        )
        self.errors = errors


@dataclass
class _Resolved:
    row: CsvRow
    organisation_id: int
    product_id: int | None


def import_installed_base(
    desk: Desk, actor: Actor, text: str, organisation_id: int | None = None
) -> ImportResult:
    """Import ``text`` (CSV); for one organisation when ``organisation_id`` is given (its rows'
    ``organisation`` column, if any, must then name that organisation)."""
    require_lead(actor, "import the installed base")
    reading = read_csv(text, needs_organisation=organisation_id is None)
    with desk.uow() as uow:
        fixed = organisation_for(uow, actor, organisation_id) if organisation_id else None
        errors = list(reading.errors)
        resolved = _resolve(uow, reading.rows, fixed.id if fixed else None, errors)
        if errors:
            raise CsvImportError(sorted(errors, key=lambda e: e.line))
        result = _store(uow, desk, resolved)
        for organisation in sorted(result.organisations):
            uow.audit.add(
                audit_event(
                    "organisation",
                    "installed_base.imported",
                    actor,
                    desk.clock.now(),
                    subject_id=organisation,
                    changes={"rows": sum(1 for r in resolved if r.organisation_id == organisation)},
                )
            )
        uow.commit()
        return result


def _resolve(
    uow: UnitOfWork, rows: list[CsvRow], organisation_id: int | None, errors: list[RowError]
) -> list[_Resolved]:
    resolved: list[_Resolved] = []
    for row in rows:
        org_id = organisation_id
        if row.organisation:
            organisation = uow.organisations.get_by_name(row.organisation)
            if organisation is None:
                errors.append(
                    RowError(row.line, "organisation", f"no organisation {row.organisation!r}")
                )
                continue
            if organisation_id is not None and organisation.id != organisation_id:
                errors.append(
                    RowError(row.line, "organisation", "not the organisation imported for")
                )
                continue
            org_id = organisation.id
        assert org_id is not None  # read_csv requires the column when no organisation is given
        product_id = None
        if row.product:
            product = uow.products.get_by_key(row.product)
            if product is None:
                errors.append(
                    RowError(row.line, "product", f"no product {row.product!r} in the catalogue")
                )
                continue
            product_id = product.id
        if row.serial_number:
            holder = uow.installed_base.item_with_serial(row.serial_number)
            if holder is not None and holder.organisation_id != org_id:
                errors.append(
                    RowError(row.line, "serial_number", "recorded for another organisation")
                )
                continue
        resolved.append(_Resolved(row, org_id, product_id))
    return resolved


def _store(uow: UnitOfWork, desk: Desk, resolved: list[_Resolved]) -> ImportResult:
    repo = uow.installed_base
    now = desk.clock.now()
    result = ImportResult()
    sites: dict[tuple[int, str], Site] = {}

    def site_id(org_id: int, name: str | None) -> int | None:
        if not name:
            return None
        key = (org_id, name.lower())
        if key not in sites:
            found = repo.site_named(org_id, name)
            if found is None:
                found = Site(org_id, name, now)
                repo.add_site(found)
                uow.flush()
                result.sites_added += 1
            sites[key] = found
        return sites[key].id

    for entry in resolved:
        row, org_id = entry.row, entry.organisation_id
        result.organisations.add(org_id)
        if row.kind == ITEM:
            assert entry.product_id is not None
            fresh = InstalledItem(
                org_id,
                entry.product_id,
                now,
                now,
                site_id=site_id(org_id, row.site),
                version=row.version,
                serial_number=row.serial_number,
                hardware_model=row.hardware_model,
                status=row.status,
                quantity=row.quantity,
                notes=row.notes,
            )
            old = _same_item(uow, fresh)
            if old is None:
                repo.add_item(fresh)
                result.items_added += 1
            else:
                for name in ("site_id", "product_id", "version", "hardware_model", "status"):
                    setattr(old, name, getattr(fresh, name))
                old.quantity, old.notes, old.updated_at = fresh.quantity, fresh.notes, now
                result.items_updated += 1
        else:
            assert row.name is not None
            entitlement = Entitlement(
                org_id,
                EntitlementKind(row.kind),
                row.name,
                now,
                site_id=site_id(org_id, row.site),
                product_id=entry.product_id,
                reference=row.reference,
                seats=row.seats,
                starts_on=row.starts_on,
                expires_on=row.expires_on,
            )
            same = _same_entitlement(uow, entitlement)
            if same is None:
                repo.add_entitlement(entitlement)
                result.entitlements_added += 1
            else:
                same.seats, same.starts_on = entitlement.seats, entitlement.starts_on
                same.expires_on = entitlement.expires_on
                result.entitlements_updated += 1
        uow.flush()  # the next row finds this one
    return result


def _same_item(uow: UnitOfWork, fresh: InstalledItem) -> InstalledItem | None:
    if fresh.serial_number:
        return uow.installed_base.item_with_serial(fresh.serial_number)
    return next(
        (
            i
            for i in uow.installed_base.items(fresh.organisation_id)
            if i.serial_number is None
            and (i.site_id, i.product_id, i.version, i.hardware_model)
            == (fresh.site_id, fresh.product_id, fresh.version, fresh.hardware_model)
        ),
        None,
    )


def _same_entitlement(uow: UnitOfWork, fresh: Entitlement) -> Entitlement | None:
    def key(e: Entitlement) -> tuple[object, ...]:
        return (e.kind, e.name.lower(), e.reference, e.product_id, e.site_id)

    return next(
        (e for e in uow.installed_base.entitlements(fresh.organisation_id) if key(e) == key(fresh)),
        None,
    )
