"""Changing an agent: away and back, capacity, skills, languages, queues and levels, switching
them off, and setting their password.

Routing reads exactly these fields, so they change through one audited use case. Leads and
admins may change anything (a lead may not switch an admin off or set an admin's password,
nobody does either to themselves); an agent may mark only themselves away or back. Switching an
agent off or setting their password ends every session they have."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import (
    Actor,
    Agent,
    SystemActor,
    check_new_password,
    grantable_roles,
    normalise_email,
    normalise_tiers,
)
from tierdesk.domain.routing import normalise_languages, normalise_queue_key
from tierdesk.domain.web_sessions import SessionEnd
from tierdesk.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.web_sessions import end_sessions


@dataclass
class AgentChanges:
    """Fields left None stay as they are."""

    away: bool | None = None
    capacity: int | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    queues: list[str] | None = None
    tiers: list[int] | None = None
    active: bool | None = None  # False: no sign-in, no routing; the history stays
    password: str | None = field(default=None, repr=False)  # a new password, set by a lead

    def named(self) -> set[str]:
        return {f.name for f in fields(self) if getattr(self, f.name) is not None}


def _may_change(actor: Agent | SystemActor, agent: Agent, changes: AgentChanges) -> None:
    if isinstance(actor, SystemActor):
        return
    if actor.is_lead and changes.active is not None:
        # Nobody locks themselves out, and a lead cannot switch off an admin they could not
        # have created (domain/people.py::grantable_roles).
        if actor.id == agent.id:
            raise PermissionDeniedError(
                "you cannot deactivate or reactivate yourself", action="update agents"
            )
        if agent.role not in grantable_roles(actor.role):
            raise PermissionDeniedError(
                f"a {actor.role} cannot deactivate or reactivate an {agent.role}",
                action="update agents",
            )
    if actor.is_lead and changes.password is not None:
        # One's own password changes only with the current one (services/passwords.py).
        if actor.id == agent.id:
            raise PermissionDeniedError(
                "change your own password with your current one (Change password)",
                action="set passwords",
            )
        if agent.role not in grantable_roles(actor.role):
            raise PermissionDeniedError(
                f"a {actor.role} cannot set an {agent.role}'s password", action="set passwords"
            )
    if actor.is_lead:
        return
    if actor.id == agent.id and changes.named() <= {"away"}:
        return
    raise PermissionDeniedError(
        "only leads and admins change agents; agents may mark only themselves away or back",
        action="update agents",
    )


def _cleaned(uow: UnitOfWork, changes: AgentChanges) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if changes.away is not None:
        values["away"] = changes.away
    if changes.capacity is not None:
        if not 1 <= changes.capacity <= 1000:
            raise InvalidInputError("capacity must be 1-1000 open tickets", field="capacity")
        values["capacity"] = changes.capacity
    if changes.skills is not None:
        skills = [s.strip() for s in changes.skills if s.strip()]
        if any(len(s) > 200 for s in skills):
            raise InvalidInputError("a skill is longer than 200 characters", field="skills")
        values["skills"] = list(dict.fromkeys(skills))
    if changes.languages is not None:
        languages = normalise_languages(changes.languages)
        if not languages:
            raise InvalidInputError("an agent speaks at least one language", field="languages")
        values["languages"] = languages
    if changes.queues is not None:
        keys = list(dict.fromkeys(normalise_queue_key(k) for k in changes.queues))
        unknown = [k for k in keys if uow.queues.get(k) is None]
        if unknown:
            raise InvalidInputError(f"unknown queue {unknown[0]!r}", field="queues")
        values["queues"] = keys
    if changes.tiers is not None:
        values["tiers"] = normalise_tiers(changes.tiers)
    if changes.active is not None:
        values["active"] = changes.active
    return values


def update_agent(desk: Desk, actor: Actor, agent_id: int, changes: AgentChanges) -> Agent:
    changer = require_agent(actor, "change agents")
    with desk.uow() as uow:
        agent = uow.agents.get(agent_id)
        if agent is None:
            raise NotFoundError(f"agent {agent_id} not found", agent=agent_id)
        return _apply(uow, desk, changer, agent, changes)


def set_away(desk: Desk, actor: Actor, email: str, away: bool) -> Agent:
    """Mark the agent with this e-mail away (routing skips them) or back."""
    changer = require_agent(actor, "mark agents away")
    with desk.uow() as uow:
        agent = uow.agents.get_by_email(normalise_email(email))
        if agent is None:
            raise NotFoundError(f"no agent with e-mail {email}", field="email")
        return _apply(uow, desk, changer, agent, AgentChanges(away=away))


def set_password(desk: Desk, actor: Actor, email: str, password: str) -> Agent:
    """Set the sign-in password of the agent with this e-mail (the operator's way in after an
    import, which brings agents without one, or for an admin who forgot theirs); their
    sessions end."""
    changer = require_agent(actor, "set agents' passwords")
    with desk.uow() as uow:
        agent = uow.agents.get_by_email(normalise_email(email))
        if agent is None:
            raise NotFoundError(f"no agent with e-mail {email}", field="email")
        return _apply(uow, desk, changer, agent, AgentChanges(password=password))


def _apply(
    uow: UnitOfWork,
    desk: Desk,
    changer: Agent | SystemActor,
    agent: Agent,
    changes: AgentChanges,
) -> Agent:
    _may_change(changer, agent, changes)
    if changes.password is not None:
        check_new_password(changes.password)
    now = desk.clock.now()
    diff: dict[str, list[Any]] = {}
    for name, value in _cleaned(uow, changes).items():
        old = getattr(agent, name)
        if old != value:
            diff[name] = [list(old) if isinstance(old, list) else old, value]
            setattr(agent, name, value)
    if diff:
        uow.audit.add(
            audit_event(
                "agent",
                "agent.updated",
                changer,
                now,
                subject_id=agent.id,
                changes=diff,
            )
        )
    if changes.password is not None:
        agent.password_hash = desk.passwords.hash(changes.password)
        uow.audit.add(audit_event("agent", "password.set", changer, now, subject_id=agent.id))
        end_sessions(uow, agent, changer, now, SessionEnd.PASSWORD_SET)
    if "active" in diff and not agent.active:
        end_sessions(uow, agent, changer, now, SessionEnd.DEACTIVATED)
    uow.commit()
    return agent
