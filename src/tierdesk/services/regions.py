"""Follow-the-sun regions: leads and admins keep them (name, time zone, working hours, the
region taking over) and say which agents work in each. Every agent may read them: the queue's
"handed over to us" needs the agent's own region."""

from __future__ import annotations

from dataclasses import dataclass, field

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.regions import Region, check_region
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class RegionFields:
    name: str
    timezone: str
    hours: str
    hands_to: str | None = None  # the name of the region taking over
    agent_ids: list[int] | None = None  # None: leave the members as they are


@dataclass(frozen=True)
class RegionView:
    region: Region
    members: list[Agent] = field(default_factory=list)
    hands_to: str | None = None


def _view(uow: UnitOfWork, region: Region) -> RegionView:
    assert region.id is not None
    members = [a for i in uow.regions.members(region.id) if (a := uow.agents.get(i))]
    target = uow.regions.get(region.hands_to_id) if region.hands_to_id else None
    return RegionView(region, members, target.name if target else None)


def _region(uow: UnitOfWork, region_id: int) -> Region:
    region = uow.regions.get(region_id)
    if region is None:
        raise NotFoundError(f"region {region_id} not found", region=region_id)
    return region


def list_regions(desk: Desk, actor: Actor) -> list[RegionView]:
    require_agent(actor, "read regions")
    with desk.uow() as uow:
        return [_view(uow, r) for r in uow.regions.all()]


def get_region(desk: Desk, actor: Actor, region_id: int) -> RegionView:
    require_agent(actor, "read regions")
    with desk.uow() as uow:
        return _view(uow, _region(uow, region_id))


def region_of(uow: UnitOfWork, actor: Actor) -> Region | None:
    if not isinstance(actor, Agent) or actor.id is None:
        return None
    region_id = uow.regions.region_of(actor.id)
    return uow.regions.get(region_id) if region_id else None


def my_region(desk: Desk, actor: Actor) -> Region | None:
    with desk.uow() as uow:
        return region_of(uow, actor)


def _apply(uow: UnitOfWork, region: Region, fields: RegionFields) -> None:
    target_id = None
    if fields.hands_to and fields.hands_to.strip():
        target = uow.regions.named(fields.hands_to.strip())
        if target is None:
            raise InvalidInputError(f"no region named {fields.hands_to!r}", field="hands_to")
        target_id = target.id
    name, timezone, hours = check_region(
        fields.name, fields.timezone, fields.hours, target_id, region.id
    )
    same_name = uow.regions.named(name)
    if same_name is not None and same_name is not region:
        raise ConflictError(f"there is a region named {name!r} already", field="name")
    region.name, region.timezone, region.hours, region.hands_to_id = (
        name,
        timezone,
        hours,
        target_id,
    )
    if fields.agent_ids is not None:
        assert region.id is not None
        for agent_id in fields.agent_ids:
            if uow.agents.get(agent_id) is None:
                raise InvalidInputError(f"agent {agent_id} not found", field="agents")
        for agent_id in uow.regions.members(region.id):
            uow.regions.set_region(agent_id, None)
        for agent_id in dict.fromkeys(fields.agent_ids):
            uow.regions.set_region(agent_id, region.id)


def create_region(desk: Desk, actor: Actor, fields: RegionFields) -> RegionView:
    require_lead(actor, "set up regions")
    now = desk.clock.now()
    with desk.uow() as uow:
        name, timezone, hours = check_region(fields.name, fields.timezone, fields.hours, None, None)
        if uow.regions.named(name) is not None:
            raise ConflictError(f"there is a region named {name!r} already", field="name")
        region = Region(name, timezone, hours, now)
        # The first hand-over is of the next shift end, not of one before the region existed.
        region.handed_over_until = region.last_shift_end(now)
        uow.regions.add(region)
        _apply(uow, region, fields)
        uow.audit.add(
            audit_event(
                "region",
                "region.created",
                actor,
                now,
                subject_id=region.id,
                changes={"name": region.name, "hours": region.hours},
            )
        )
        uow.commit()
        return _view(uow, region)


def update_region(desk: Desk, actor: Actor, region_id: int, fields: RegionFields) -> RegionView:
    require_lead(actor, "set up regions")
    now = desk.clock.now()
    with desk.uow() as uow:
        region = _region(uow, region_id)
        _apply(uow, region, fields)
        uow.audit.add(
            audit_event(
                "region",
                "region.updated",
                actor,
                now,
                subject_id=region.id,
                changes={"name": region.name, "hours": region.hours},
            )
        )
        uow.commit()
        return _view(uow, region)


def delete_region(desk: Desk, actor: Actor, region_id: int) -> None:
    """Only a region nothing was handed over from or to (those stay on tickets' trails)."""
    require_lead(actor, "set up regions")
    now = desk.clock.now()
    with desk.uow() as uow:
        region = _region(uow, region_id)
        assert region.id is not None
        if uow.handovers.page_any(region.id):
            raise ConflictError(f"{region.name} has hand-overs; rename it instead")
        for other in uow.regions.all():
            if other.hands_to_id == region.id:
                raise ConflictError(f"{other.name} hands over to {region.name}; change it first")
        uow.regions.delete(region)
        uow.audit.add(audit_event("region", "region.deleted", actor, now, subject_id=region_id))
        uow.commit()


def set_agent_region(desk: Desk, actor: Actor, agent_id: int, region_id: int | None) -> None:
    require_lead(actor, "put agents in regions")
    now = desk.clock.now()
    with desk.uow() as uow:
        if uow.agents.get(agent_id) is None:
            raise NotFoundError(f"agent {agent_id} not found", agent=agent_id)
        if region_id is not None:
            _region(uow, region_id)
        uow.regions.set_region(agent_id, region_id)
        uow.audit.add(
            audit_event(
                "agent",
                "agent.region_set",
                actor,
                now,
                subject_id=agent_id,
                changes={"region_id": region_id},
            )
        )
        uow.commit()
