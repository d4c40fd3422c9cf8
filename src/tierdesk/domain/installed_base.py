"""What each customer runs (issue 21 item 1): its sites, the installed items at them (product,
version, serial number, hardware model) and its entitlements (support plans and licences), with
the rules the desk reads from them: whether an entitlement holds on a day, an organisation's
support coverage for a product, and which installed items a ticket is about."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tierdesk.domain.calendars import zone_named
from tierdesk.domain.messages import require_text
from tierdesk.errors import InvalidInputError

# More candidates than this for one rule (version, product) is no match: "one of your 40 phones"
# tells the agent nothing, and a wrong link costs more than none.
MAX_MATCHES = 3

_VERSION_TOKEN = re.compile(r"v?\d+(?:\.\d+)+\S*$", re.IGNORECASE)


class ItemStatus(StrEnum):
    ACTIVE = "active"
    REPLACED = "replaced"  # swapped for another unit (an RMA); its serial may still be quoted
    RETIRED = "retired"


class EntitlementKind(StrEnum):
    SUPPORT = "support"
    LICENCE = "licence"


class MatchedBy(StrEnum):
    SERIAL = "serial"
    VERSION = "version"
    PRODUCT = "product"
    AGENT = "agent"  # linked by hand


class CoverageState(StrEnum):
    COVERED = "covered"
    EXPIRED = "expired"
    NONE = "none"  # no support entitlement recorded for the product


def normalise_serial(serial: str) -> str:
    """Serials compare without case or surrounding space (people type ``kp2311004821``)."""
    return serial.strip().upper()


def _optional(text: str | None, what: str, max_length: int) -> str | None:
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    if len(cleaned) > max_length:
        raise InvalidInputError(f"{what} is longer than {max_length} characters", field=what)
    return cleaned


@dataclass(eq=False)
class Site:
    """A place where an organisation runs things (a data centre, an office)."""

    organisation_id: int
    name: str
    created_at: datetime
    address: str | None = None
    timezone: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = require_text(self.name, "name", max_length=200)
        self.address = _optional(self.address, "address", 1000)
        self.timezone = _optional(self.timezone, "timezone", 64)
        if self.timezone:
            zone_named(self.timezone)  # refused as a region or calendar refuses a typo


@dataclass(eq=False)
class InstalledItem:
    """One product the customer runs: ``version`` is the catalogue version's name (text, so an
    installed version the catalogue does not list yet is still recorded)."""

    organisation_id: int
    product_id: int
    created_at: datetime
    updated_at: datetime
    site_id: int | None = None
    version: str | None = None
    serial_number: str | None = None
    hardware_model: str | None = None
    status: ItemStatus = ItemStatus.ACTIVE
    quantity: int = 1
    notes: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.version = _optional(self.version, "version", 64)
        serial = _optional(self.serial_number, "serial_number", 120)
        self.serial_number = normalise_serial(serial) if serial else None
        self.hardware_model = _optional(self.hardware_model, "hardware_model", 120)
        self.notes = _optional(self.notes, "notes", 4000)
        self.status = ItemStatus(self.status)
        if self.quantity < 1:
            raise InvalidInputError("quantity must be at least 1", field="quantity")

    @property
    def active(self) -> bool:
        return self.status is ItemStatus.ACTIVE


@dataclass(eq=False)
class Entitlement:
    """A support plan or a licence an organisation holds, for one product (``product_id``) or
    for all (``None``), at one site or everywhere; open-ended when a date is missing."""

    organisation_id: int
    kind: EntitlementKind
    name: str
    created_at: datetime
    site_id: int | None = None
    product_id: int | None = None
    reference: str | None = None
    seats: int | None = None
    starts_on: date | None = None
    expires_on: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.kind = EntitlementKind(self.kind)
        self.name = require_text(self.name, "name", max_length=200)
        self.reference = _optional(self.reference, "reference", 120)
        if self.seats is not None and self.seats < 1:
            raise InvalidInputError("seats must be at least 1", field="seats")
        if self.starts_on and self.expires_on and self.expires_on < self.starts_on:
            raise InvalidInputError("it cannot expire before it starts", field="expires_on")

    def active_on(self, day: date) -> bool:
        """Both ends count: an entitlement expiring on the 31st still holds on the 31st."""
        started = self.starts_on is None or self.starts_on <= day
        return started and (self.expires_on is None or day <= self.expires_on)

    def covers(self, product_id: int | None, site_id: int | None = None) -> bool:
        product_fits = self.product_id is None or self.product_id == product_id
        site_fits = self.site_id is None or site_id is None or self.site_id == site_id
        return product_fits and site_fits


@dataclass(frozen=True)
class TicketInstalledItem:
    """A ticket is about this installed item; ``matched_by`` says how the desk knows."""

    ticket_id: int
    installed_item_id: int
    matched_by: MatchedBy
    created_at: datetime


@dataclass(frozen=True)
class Coverage:
    state: CoverageState
    entitlement: Entitlement | None = None  # the one that covers, or the latest that expired

    @property
    def expired_on(self) -> date | None:
        if self.state is CoverageState.EXPIRED and self.entitlement is not None:
            return self.entitlement.expires_on
        return None


def support_coverage(
    entitlements: Iterable[Entitlement],
    product_id: int | None,
    on: date,
    site_id: int | None = None,
) -> Coverage:
    """An organisation's support for ``product_id`` on ``on``: covered (by the entitlement that
    runs longest), expired (the one that ended last, with its date), or none recorded (also when
    the only support recorded starts later: nothing has lapsed)."""
    support = [
        e
        for e in entitlements
        if e.kind is EntitlementKind.SUPPORT and e.covers(product_id, site_id)
    ]
    active = [e for e in support if e.active_on(on)]
    if active:
        return Coverage(CoverageState.COVERED, max(active, key=_runs_until))
    lapsed = [e for e in support if e.expires_on is not None and e.expires_on < on]
    if lapsed:
        return Coverage(CoverageState.EXPIRED, max(lapsed, key=_runs_until))
    return Coverage(CoverageState.NONE)


def _runs_until(entitlement: Entitlement) -> date:
    return entitlement.expires_on or date.max


@dataclass(frozen=True)
class TicketClues:
    """What a ticket says about the installation: serials and versions read from its messages
    (facts), and its product (set on the ticket or named in a product-version fact)."""

    serials: frozenset[str] = frozenset()
    versions: frozenset[str] = frozenset()
    product_id: int | None = None


def version_of(product_version: str) -> str | None:
    """The version in a product-version fact ("Kestrel SBC 4.2.1" gives "4.2.1")."""
    token = product_version.strip().rsplit(maxsplit=1)[-1] if product_version.strip() else ""
    return token.removeprefix("v").removeprefix("V") if _VERSION_TOKEN.match(token) else None


def match_items(
    items: Sequence[InstalledItem], clues: TicketClues
) -> list[tuple[InstalledItem, MatchedBy]]:
    """Which of an organisation's items a ticket is about, by the strongest clue: a serial
    number (any item with it, even a replaced one), else a version (active items running it,
    of the ticket's product when it has one), else the product (its active items). A weaker
    rule that names more than ``MAX_MATCHES`` items names none."""
    serials = {normalise_serial(s) for s in clues.serials}
    by_serial = [i for i in items if i.serial_number and i.serial_number in serials]
    if by_serial:
        return [(i, MatchedBy.SERIAL) for i in by_serial]
    running = [
        i
        for i in items
        if i.active and (clues.product_id is None or i.product_id == clues.product_id)
    ]
    versions = {v.strip().lower().removeprefix("v") for v in clues.versions}
    by_version = [
        i for i in running if i.version and i.version.lower().removeprefix("v") in versions
    ]
    if by_version:
        return (
            [(i, MatchedBy.VERSION) for i in by_version] if len(by_version) <= MAX_MATCHES else []
        )
    if clues.product_id is None:
        return []
    if 0 < len(running) <= MAX_MATCHES:
        return [(i, MatchedBy.PRODUCT) for i in running]
    return []
