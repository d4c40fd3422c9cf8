"""Reading and configuring the support levels."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.audit import audit_event
from tierdesk.domain.levels import Level, validate_packet_fields
from tierdesk.domain.people import Actor, Agent, Contact, Tier
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services import reference_data
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class LevelView:
    level: Level
    members: list[Agent]


def list_levels(desk: Desk, actor: Actor) -> list[LevelView]:
    require_agent(actor, "read the level configuration")
    with desk.uow() as uow:
        agents = [a for a in uow.agents.all() if a.active]
        return [
            LevelView(level, [a for a in agents if a.works_tier(level.tier)])
            for level in uow.levels.all()
        ]


@dataclass
class LevelChanges:
    name: str | None = None
    description: str | None = None
    takes_from_customers: bool | None = None
    sees_restricted: bool | None = None
    required_packet_fields: list[str] | None = None


def update_level(desk: Desk, actor: Actor, tier: Tier, changes: LevelChanges) -> Level:
    require_lead(actor, "configure levels")
    with desk.uow() as uow:
        level = uow.levels.get(tier)
        if level is None:
            raise NotFoundError(f"level {tier.label} is not configured")
        before = {
            "name": level.name,
            "description": level.description,
            "takes_from_customers": level.takes_from_customers,
            "sees_restricted": level.sees_restricted,
            "required_packet_fields": list(level.required_packet_fields),
        }
        if changes.name is not None:
            if not changes.name.strip():
                raise InvalidInputError("a level needs a name", field="name")
            level.name = changes.name.strip()
        if changes.description is not None:
            level.description = changes.description.strip()
        if changes.takes_from_customers is not None:
            level.takes_from_customers = changes.takes_from_customers
        if changes.sees_restricted is not None:
            level.sees_restricted = changes.sees_restricted
        if changes.required_packet_fields is not None:
            level.required_packet_fields = validate_packet_fields(changes.required_packet_fields)
        after = {
            "name": level.name,
            "description": level.description,
            "takes_from_customers": level.takes_from_customers,
            "sees_restricted": level.sees_restricted,
            "required_packet_fields": list(level.required_packet_fields),
        }
        diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if diff:
            uow.audit.add(
                audit_event(
                    "level",
                    "level.updated",
                    actor,
                    desk.clock.now(),
                    subject_id=int(tier),
                    changes=diff,
                )
            )
        uow.commit()
        return level


def sees_restricted(desk: Desk, actor: Actor, uow: UnitOfWork | None = None) -> bool:
    """May this actor read diagnostics marked restricted? Not a customer: they see only the
    restricted files they uploaded themselves (``domain.visibility.visible_attachments``).
    ``uow``: the caller's transaction, to read the levels in (else one of its own)."""
    if isinstance(actor, Contact):
        return False
    if not isinstance(actor, Agent):
        return True
    if actor.is_lead:
        return True
    if uow is None:
        with desk.uow() as own:
            return sees_restricted(desk, actor, own)
    shown = reference_data.levels(desk.reference, uow)
    return any(lv.sees_restricted for lv in shown if actor.works_tier(lv.tier))
