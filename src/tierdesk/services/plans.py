"""Support plans: what an organisation has bought. Leads and admins add a plan (its SLA
policies copied from another plan, so its tickets run clocks from the first day), change its
name, description, coverage and highest level, and move an organisation to another plan.
Each change is audited; a plan's SLA policies are edited as policies (services/sla.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor, Organisation, SupportPlan, Tier, check_plan
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk


@dataclass
class NewPlan:
    key: str
    name: str
    coverage: str = "business-hours"
    highest_tier: Tier = Tier.L2
    description: str = ""
    policies_from: str | None = None  # copy this plan's SLA policies (none: no clocks yet)


def _plan(uow: UnitOfWork, key: str) -> SupportPlan:
    plan = uow.organisations.plan(key.strip().lower())
    if plan is None:
        raise NotFoundError(f"no support plan {key!r}", plan=key)
    return plan


def create_plan(desk: Desk, actor: Actor, new: NewPlan) -> SupportPlan:
    require_lead(actor, "create support plans")
    key, name, coverage = check_plan(new.key, new.name, new.coverage)
    with desk.uow() as uow:
        if uow.organisations.plan(key) is not None:
            raise ConflictError(f"plan {key!r} exists already", field="key")
        source = None
        if new.policies_from:
            source = uow.organisations.plan(new.policies_from)
            if source is None:
                raise InvalidInputError(
                    f"unknown plan {new.policies_from!r}", field="policies_from"
                )
        plan = SupportPlan(key, name, coverage, new.highest_tier, new.description.strip())
        uow.organisations.add_plan(plan)
        uow.flush()
        assert plan.id is not None
        copied: list[str] = []
        if source is not None:
            for policy in uow.sla.policies():
                if policy.plan_id == source.id:
                    uow.sla.add_policy(replace(policy, plan_id=plan.id, id=None))
                    copied.append(str(policy.priority))
        changes: dict[str, Any] = {"key": key, "name": name, "coverage": coverage}
        changes["highest_level"] = int(plan.highest_tier)
        if source is not None:
            changes["policies_from"] = source.key
            changes["policies"] = copied
        uow.audit.add(
            audit_event(
                "plan", "plan.created", actor, desk.clock.now(), subject_id=plan.id, changes=changes
            )
        )
        uow.commit()
        return plan


@dataclass
class PlanChanges:
    name: str | None = None
    coverage: str | None = None
    highest_tier: Tier | None = None
    description: str | None = None


def update_plan(desk: Desk, actor: Actor, key: str, changes: PlanChanges) -> SupportPlan:
    """Rename a plan or change what it covers; its key stays (rules and imports name it)."""
    require_lead(actor, "change support plans")
    with desk.uow() as uow:
        plan = _plan(uow, key)
        _, name, coverage = check_plan(
            plan.key,
            plan.name if changes.name is None else changes.name,
            plan.coverage if changes.coverage is None else changes.coverage,
        )
        after: dict[str, Any] = {
            "name": name,
            "coverage": coverage,
            "highest_level": int(changes.highest_tier or plan.highest_tier),
            "description": plan.description
            if changes.description is None
            else changes.description.strip(),
        }
        before = {
            "name": plan.name,
            "coverage": plan.coverage,
            "highest_level": int(plan.highest_tier),
            "description": plan.description,
        }
        diff = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        if diff:
            plan.name, plan.coverage, plan.description = name, coverage, after["description"]
            plan.highest_tier = Tier(after["highest_level"])
            uow.audit.add(
                audit_event(
                    "plan",
                    "plan.updated",
                    actor,
                    desk.clock.now(),
                    subject_id=plan.id,
                    changes=diff,
                )
            )
            uow.commit()
        return plan


def set_organisation_plan(
    desk: Desk, actor: Actor, organisation_id: int, plan_key: str
) -> Organisation:
    """Move an organisation to another plan: its new tickets (and clocks started from now on)
    follow the new plan; clocks already running keep their targets."""
    require_lead(actor, "change an organisation's plan")
    with desk.uow() as uow:
        organisation = uow.organisations.get(organisation_id)
        if organisation is None:
            raise NotFoundError(f"organisation {organisation_id} not found")
        plan = uow.organisations.plan(plan_key.strip().lower())
        if plan is None or plan.id is None:
            raise InvalidInputError(f"unknown plan {plan_key!r}", field="plan")
        if organisation.plan_id != plan.id:
            old = uow.organisations.plan_by_id(organisation.plan_id)
            organisation.plan_id = plan.id
            uow.audit.add(
                audit_event(
                    "organisation",
                    "organisation.updated",
                    actor,
                    desk.clock.now(),
                    subject_id=organisation.id,
                    changes={"plan": [old.key if old else None, plan.key]},
                )
            )
            uow.commit()
        return organisation
