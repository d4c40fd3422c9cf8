"""Support levels as configuration: who works each level, what it may do, and how work enters it.

The five levels always exist (L0 intake … L4 product developers); what each may do is data an
admin can change. The rules here are pure: the services load the configuration and ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tierdesk.domain.handoff import PacketContent, PacketField
from tierdesk.domain.people import Agent, Tier
from tierdesk.errors import InvalidInputError, InvalidTransitionError, PermissionDeniedError


class EntryRoute(StrEnum):
    """How a ticket arrives at a level."""

    INTAKE = "intake"  # opened or routed straight from a customer's request
    ESCALATION = "escalation"  # handed up by a lower level
    BOUNCE = "bounce"  # handed back down by a higher level


@dataclass(eq=False)
class Level:
    tier: Tier
    name: str
    description: str = ""
    takes_from_customers: bool = True  # False: work arrives only from other levels
    sees_restricted: bool = False  # may read customer-system diagnostics marked restricted
    required_packet_fields: list[str] = field(default_factory=list)
    id: int | None = None

    @property
    def label(self) -> str:
        return self.tier.label

    def required_fields(self) -> list[PacketField]:
        return [PacketField(f) for f in self.required_packet_fields]


def default_levels() -> list[Level]:
    """The levels a new desk starts with (also seeded by the migration)."""
    basic = [PacketField.SYMPTOMS, PacketField.ENVIRONMENT, PacketField.STEPS_TRIED]
    return [
        Level(Tier.L0, "Intake", "First touch: clarify the request and route it."),
        Level(
            Tier.L1,
            "Support",
            "Solve from product knowledge; escalate with a packet.",
            required_packet_fields=[PacketField.SYMPTOMS],
        ),
        Level(
            Tier.L2,
            "Senior support",
            "Customer systems, diagnostics and the defect list.",
            sees_restricted=True,
            required_packet_fields=list(basic),
        ),
        Level(
            Tier.L3,
            "Experts",
            "Escalations only: known fix, more information, or defect.",
            takes_from_customers=False,
            sees_restricted=True,
            required_packet_fields=[*basic, PacketField.HYPOTHESES],
        ),
        Level(
            Tier.L4,
            "Product development",
            "Fixes what already hurts many customers.",
            takes_from_customers=False,
            sees_restricted=True,
            required_packet_fields=[*basic, PacketField.HYPOTHESES],
        ),
    ]


def check_entry(level: Level, route: EntryRoute) -> None:
    """Refuse work that may not enter this level by this route."""
    if route is EntryRoute.INTAKE and not level.takes_from_customers:
        raise InvalidTransitionError(
            f"{level.label} ({level.name}) takes work only from other levels, "
            "never straight from a customer",
            tier=int(level.tier),
        )


def require_complete(content: PacketContent, level: Level) -> None:
    """A level takes a ticket only with the packet parts it requires."""
    missing = content.missing_for(level.required_fields())
    if missing:
        names = ", ".join(m.value.replace("_", " ") for m in missing)
        raise InvalidInputError(
            f"{level.label} ({level.name}) takes a ticket only with a hand-off packet that "
            f"gives: {names}",
            field="packet",
            missing=[m.value for m in missing],
        )


def check_reachable(to: Tier, plan_name: str, highest_tier: Tier) -> None:
    """The organisation's support plan decides how deep its tickets may go."""
    if to > highest_tier:
        raise PermissionDeniedError(
            f"the customer's {plan_name} plan reaches up to {highest_tier.label}, not {to.label}",
            tier=int(to),
            highest_tier=int(highest_tier),
        )


def require_member(agent: Agent, level: Level, action: str) -> None:
    """Only someone who works a level may act for it (leads and admins may act anywhere)."""
    if not agent.is_lead and not agent.works_tier(level.tier):
        raise PermissionDeniedError(
            f"{agent.name} does not work {level.label} ({level.name}) and cannot {action}",
            tier=int(level.tier),
        )


def require_at_or_above(agent: Agent, level: Level, action: str) -> None:
    """Work at a level may be handed on by its members or by anyone working a higher level
    (a level-2 engineer may escalate a ticket still sitting at level 1)."""
    top = agent.highest_tier
    if not agent.is_lead and (top is None or top < level.tier):
        raise PermissionDeniedError(
            f"{agent.name} does not work {level.label} ({level.name}) and cannot {action}",
            tier=int(level.tier),
        )


def validate_packet_fields(names: list[str]) -> list[str]:
    try:
        return [str(PacketField(name)) for name in dict.fromkeys(names)]
    except ValueError as exc:
        known = ", ".join(f.value for f in PacketField)
        raise InvalidInputError(
            f"{exc}; packet fields are {known}", field="required_packet_fields"
        ) from exc
