"""Which customers a known issue or a defect affects (issue 21 item 3): the organisations whose
active installed items run a version the record affects (``domain.advisories.affects``), for
the "N customers run an affected version" section of the record pages. Agents only: it names
other customers, so a contact is told "not found"."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.advisories import Advisory, AdvisoryReason, affected_items
from tierdesk.domain.catalog import Product
from tierdesk.domain.defects import Defect
from tierdesk.domain.installed_base import InstalledItem
from tierdesk.domain.known_issues import KnownIssue
from tierdesk.domain.people import Actor, Contact, Organisation
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent
from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class AffectedOrganisation:
    organisation: Organisation
    items: list[InstalledItem]

    @property
    def versions(self) -> list[str]:
        return sorted({i.version for i in self.items if i.version})

    @property
    def item_count(self) -> int:
        return sum(i.quantity for i in self.items)


@dataclass(frozen=True)
class AffectedCustomers:
    """The organisations whose active installed items run a version a record affects."""

    kind: AdvisoryReason  # known-issue or defect
    record_id: int
    product: Product | None
    organisations: list[AffectedOrganisation]
    advisories: list[Advisory]  # already sent for this record

    @property
    def versions(self) -> list[str]:
        """The affected versions customers run, most run first."""
        counts: dict[str, int] = {}
        for row in self.organisations:
            for item in row.items:
                if item.version:
                    counts[item.version] = counts.get(item.version, 0) + item.quantity
        return sorted(counts, key=lambda v: (-counts[v], v))


def _require_reader(actor: Actor) -> None:
    if isinstance(actor, Contact):
        raise NotFoundError("not found")
    require_agent(actor, "read the installed base")


def affected_customers(
    desk: Desk, actor: Actor, kind: AdvisoryReason, record_id: int
) -> AffectedCustomers:
    """ "N customers run an affected version" for a known issue or a defect."""
    _require_reader(actor)
    with desk.uow() as uow:
        record = record_of(uow, kind, record_id)
        fixed_in = record.fixed_in if isinstance(record, Defect) else None
        product = uow.products.get(record.product_id) if record.product_id else None
        found = (
            affected_items(
                uow.installed_base.items_running(product.id or 0),
                product.id,
                record.affected_versions,
                fixed_in,
            )
            if product is not None
            else {}
        )
        rows = organisations_of(uow, found)
        sent = uow.advisories.for_record(
            known_issue_id=record_id if kind is AdvisoryReason.KNOWN_ISSUE else None,
            defect_id=record_id if kind is AdvisoryReason.DEFECT else None,
        )
        return AffectedCustomers(kind, record_id, product, rows, sent)


def organisations_of(
    uow: UnitOfWork, found: dict[int, list[InstalledItem]]
) -> list[AffectedOrganisation]:
    rows = []
    for organisation_id, items in found.items():
        organisation = uow.organisations.get(organisation_id)
        if organisation is not None and organisation.active:
            rows.append(AffectedOrganisation(organisation, items))
    return sorted(rows, key=lambda r: r.organisation.name.lower())


def record_of(uow: UnitOfWork, kind: AdvisoryReason, record_id: int) -> KnownIssue | Defect:
    record: KnownIssue | Defect | None = None
    if kind is AdvisoryReason.KNOWN_ISSUE:
        record = uow.known_issues.get(record_id)
        label = f"KI-{record_id}"
    elif kind is AdvisoryReason.DEFECT:
        record = uow.defects.get(record_id)
        label = f"DEF-{record_id}"
    else:
        raise InvalidInputError("only known issues and defects affect versions", field="reason")
    if record is None:
        raise NotFoundError(f"{label} not found")
    return record
