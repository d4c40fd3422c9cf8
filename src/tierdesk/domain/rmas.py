"""Hardware replacements (issue 21 item 4): a return-merchandise authorisation (RMA) for one
installed unit the customer reports faulty, its sign-off and its way through the warehouse.

States: requested -> approved -> shipped -> received -> closed; a request may be rejected or
cancelled while it is requested or approved (nothing has left the warehouse yet).

Sign-off (``RmaPolicy``): an engineer at level 2 or above (or a lead, who answers for every
level) approves; nobody approves their own request. Above ``lead_approval_above`` (declared
value, the desk's currency) a lead must sign as well, and that lead must be a third person:
neither the requester nor the engineer who signed. A lead's one signature does not count for
both on purpose: an expensive advance replacement is exactly where four eyes are wanted, and a
second person is easy to find. Without a declared value the request counts as below the line
(the engineer who approves it is answerable for that).

Money is an integer number of minor units (cents) in the desk's one currency (setting
``rma.currency``): no floats, no exchange rates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tierdesk.domain.installed_base import normalise_serial
from tierdesk.domain.messages import require_text
from tierdesk.domain.people import Agent, Tier
from tierdesk.errors import InvalidInputError, InvalidTransitionError, PermissionDeniedError

MAX_VALUE_MINOR = 100_000_000_00  # one hundred million: a typo, not a unit
_MONEY = re.compile(r"^\d{1,12}(?:[.,]\d{1,2})?$")


class RmaState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SHIPPED = "shipped"
    RECEIVED = "received"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (RmaState.CLOSED, RmaState.REJECTED, RmaState.CANCELLED)


class RmaKind(StrEnum):
    ADVANCE_REPLACEMENT = "advance_replacement"  # a new unit goes out before the faulty returns
    REPAIR = "repair"  # the unit is repaired and comes back (the same serial, or a swap)

    @property
    def label(self) -> str:
        return "advance replacement" if self is RmaKind.ADVANCE_REPLACEMENT else "repair"


# What each action needs the RMA to be in, and where it leads.
_MOVES: dict[str, tuple[frozenset[RmaState], RmaState]] = {
    "ship": (frozenset({RmaState.APPROVED}), RmaState.SHIPPED),
    "receive": (frozenset({RmaState.SHIPPED}), RmaState.RECEIVED),
    "close": (frozenset({RmaState.RECEIVED}), RmaState.CLOSED),
    "reject": (frozenset({RmaState.REQUESTED, RmaState.APPROVED}), RmaState.REJECTED),
    "cancel": (frozenset({RmaState.REQUESTED, RmaState.APPROVED}), RmaState.CANCELLED),
}


_DONE = {
    "ship": "shipped",
    "receive": "received",
    "close": "closed",
    "reject": "rejected",
    "cancel": "cancelled",
}


def parse_money(text: str | None, field_name: str = "declared_value") -> int | None:
    """``"1250"``, ``"1250.5"``, ``"1250,50"`` -> minor units (125050); blank is None."""
    if text is None or not str(text).strip():
        return None
    cleaned = str(text).strip().replace(" ", "")
    if not _MONEY.match(cleaned):
        raise InvalidInputError(
            f"{text!r} is not an amount (like 1250 or 1250.50)", field=field_name
        )
    try:
        minor = int(Decimal(cleaned.replace(",", ".")) * 100)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise InvalidInputError(f"{text!r} is not an amount", field=field_name) from exc
    if minor > MAX_VALUE_MINOR:
        raise InvalidInputError("the declared value is implausibly large", field=field_name)
    return minor


def format_money(minor: int | None, currency: str) -> str:
    """``125050, "EUR"`` -> ``"1250.50 EUR"``; None -> ``""``."""
    if minor is None:
        return ""
    return f"{minor // 100}.{minor % 100:02d} {currency}"


def money_text(minor: int | None) -> str | None:
    """The amount as the API writes it: ``"1250.50"``."""
    return None if minor is None else f"{minor // 100}.{minor % 100:02d}"


@dataclass(frozen=True)
class RmaPolicy:
    """Settings ``rma.*``: the desk's currency and the declared value (in whole units of it)
    above which a lead must sign as well."""

    currency: str = "EUR"
    lead_approval_above: int = 1000

    @property
    def threshold_minor(self) -> int:
        return self.lead_approval_above * 100

    def needs_lead(self, declared_value_minor: int | None) -> bool:
        return declared_value_minor is not None and declared_value_minor > self.threshold_minor


def may_sign_as_engineer(agent: Agent) -> bool:
    top = agent.highest_tier
    return agent.is_lead or (top is not None and top >= Tier.L2)


@dataclass(eq=False)
class Rma:
    """One unit's replacement or repair, requested on a ticket of the unit's organisation."""

    ticket_id: int
    organisation_id: int
    installed_item_id: int
    kind: RmaKind
    fault: str
    serial_number: str  # the faulty unit's, as it was when requested
    ship_to: str
    currency: str
    requested_by_id: int
    requested_at: datetime
    declared_value_minor: int | None = None
    state: RmaState = RmaState.REQUESTED
    needs_lead: bool = False  # fixed at request time, from the declared value and the policy
    engineer_id: int | None = None  # who gave the engineer's sign-off
    engineer_signed_at: datetime | None = None
    lead_id: int | None = None
    lead_signed_at: datetime | None = None
    replacement_serial: str | None = None
    tracking_reference: str | None = None
    replacement_item_id: int | None = None  # the installed item the replacement became
    shipped_at: datetime | None = None
    received_at: datetime | None = None
    closed_at: datetime | None = None
    reason: str | None = None  # why it was rejected or cancelled
    updated_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.kind = RmaKind(self.kind)
        self.state = RmaState(self.state)
        self.fault = require_text(self.fault, "fault", max_length=4000)
        self.serial_number = normalise_serial(
            require_text(self.serial_number, "serial_number", max_length=120)
        )
        self.ship_to = require_text(self.ship_to, "ship_to", max_length=1000)
        if self.declared_value_minor is not None and not (
            0 <= self.declared_value_minor <= MAX_VALUE_MINOR
        ):
            raise InvalidInputError("the declared value is out of range", field="declared_value")
        if self.updated_at is None:
            self.updated_at = self.requested_at

    @property
    def reference(self) -> str:
        return f"RMA-{self.id}"

    @property
    def awaiting(self) -> str | None:
        """Whose signature a requested RMA waits for: ``"engineer"``, ``"lead"`` or None."""
        if self.state is not RmaState.REQUESTED:
            return None
        return "engineer" if self.engineer_id is None else "lead"

    def approval_refused(self, agent: Agent) -> PermissionDeniedError | None:
        """Why ``agent``'s signature would not count now, or None when it would: one place
        for the rules, so the panel offers "Approve" only to those whose click can work."""
        if agent.id == self.requested_by_id:
            return PermissionDeniedError("nobody approves their own RMA request", action="approve")
        if self.engineer_id is None:
            if not may_sign_as_engineer(agent):
                return PermissionDeniedError(
                    "an RMA is approved by an engineer at L2 or above", action="approve"
                )
        elif not agent.is_lead:
            return PermissionDeniedError(
                "above the value limit an RMA also needs a lead's approval", action="approve"
            )
        elif agent.id == self.engineer_id:
            return PermissionDeniedError(
                "the lead's approval must come from someone other than the engineer who signed",
                action="approve",
            )
        return None

    def approve(self, agent: Agent, at: datetime) -> bool:
        """Sign; True when this signature approves the RMA (the last one it needed)."""
        if self.state is not RmaState.REQUESTED:
            raise InvalidTransitionError(f"{self.reference} is {self.state}, not awaiting approval")
        refused = self.approval_refused(agent)
        if refused is not None:
            raise refused
        if self.engineer_id is None:
            self.engineer_id, self.engineer_signed_at = agent.id, at
            if self.needs_lead:
                self.updated_at = at
                return False
        else:
            self.lead_id, self.lead_signed_at = agent.id, at
        self.state, self.updated_at = RmaState.APPROVED, at
        return True

    def ship(self, replacement_serial: str | None, tracking: str | None, at: datetime) -> None:
        """The replacement (or the repaired unit) left the warehouse. A repair may come back
        as the same unit: its serial then defaults to the faulty one's."""
        serial = (replacement_serial or "").strip()
        if not serial and self.kind is RmaKind.REPAIR:
            serial = self.serial_number
        if not serial:
            raise InvalidInputError(
                "the replacement's serial number is required", field="replacement_serial"
            )
        if len(serial) > 120:
            raise InvalidInputError("the serial number is too long", field="replacement_serial")
        normalised = normalise_serial(serial)
        if self.kind is RmaKind.ADVANCE_REPLACEMENT and normalised == self.serial_number:
            raise InvalidInputError(
                "a replacement has a serial number of its own", field="replacement_serial"
            )
        cleaned_tracking = (tracking or "").strip() or None
        if cleaned_tracking is not None and len(cleaned_tracking) > 200:
            raise InvalidInputError("the tracking reference is too long", field="tracking")
        self._move("ship", at)
        self.replacement_serial, self.tracking_reference = normalised, cleaned_tracking
        self.shipped_at = at

    @property
    def swaps_unit(self) -> bool:
        """Whether the unit shipped is another one (the installed base changes)."""
        return self.replacement_serial is not None and self.replacement_serial != self.serial_number

    def receive(self, at: datetime) -> None:
        self._move("receive", at)
        self.received_at = at

    def close(self, at: datetime) -> None:
        self._move("close", at)
        self.closed_at = at

    def reject(self, reason: str, at: datetime) -> None:
        self._end("reject", reason, at)

    def cancel(self, reason: str, at: datetime) -> None:
        self._end("cancel", reason, at)

    def _end(self, action: str, reason: str, at: datetime) -> None:
        cleaned = require_text(reason, "reason", max_length=2000)
        self._move(action, at)
        self.reason = cleaned

    def _move(self, action: str, at: datetime) -> None:
        allowed, target = _MOVES[action]
        if self.state not in allowed:
            states = " or ".join(sorted(str(s) for s in allowed))
            raise InvalidTransitionError(
                f"{self.reference} is {self.state}; only an RMA that is {states} can be "
                f"{_DONE[action]}"
            )
        self.state, self.updated_at = target, at


def next_actions(rma: Rma) -> list[str]:
    """What can be done to it now, in the order the panel offers it."""
    return {
        RmaState.REQUESTED: ["approve", "reject", "cancel"],
        RmaState.APPROVED: ["ship", "reject", "cancel"],
        RmaState.SHIPPED: ["receive"],
        RmaState.RECEIVED: ["close"],
    }.get(rma.state, [])


def offered_actions(rma: Rma, agent: Agent) -> list[str]:
    """The next actions ``agent`` may take: an L1 (or the requester) is not offered a
    signature that would be refused, nor a rejection, which takes someone who could sign."""
    return [
        action
        for action in next_actions(rma)
        if not (action == "approve" and rma.approval_refused(agent) is not None)
        and not (action == "reject" and not may_sign_as_engineer(agent))
    ]
