"""Organisations, contacts and agents: who the desk serves and who works it."""

from __future__ import annotations

from dataclasses import dataclass, field

from tierdesk.domain.answer_policy import parse_policy
from tierdesk.domain.audit import audit_event
from tierdesk.domain.calendars import zone_named
from tierdesk.domain.people import (
    MAX_ORGANISATION_NAME,
    Actor,
    Agent,
    Contact,
    Organisation,
    Role,
    SupportPlan,
    check_new_password,
    grantable_roles,
    normalise_email,
    normalise_mail_domain,
    normalise_tiers,
)
from tierdesk.domain.routing import is_language_code, normalise_languages
from tierdesk.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.desk import Desk

MAX_CONTACT_NAME = 200  # the column's


@dataclass
class NewOrganisation:
    name: str
    plan: str = "standard"
    email_domains: list[str] = field(default_factory=list)
    country: str | None = None
    timezone: str = "UTC"


def _organisation(uow: UnitOfWork, desk: Desk, actor: Actor, new: NewOrganisation) -> Organisation:
    name = new.name.strip()
    if not name:
        raise InvalidInputError("an organisation needs a name", field="name")
    if len(name) > MAX_ORGANISATION_NAME:
        raise InvalidInputError(
            f"an organisation's name has at most {MAX_ORGANISATION_NAME} characters", field="name"
        )
    domains = sorted({normalise_mail_domain(d) for d in new.email_domains if d.strip()})
    zone_named(new.timezone)  # its clocks and reports are read in it
    if new.country is not None and not (len(new.country) == 2 and new.country.isalpha()):
        raise InvalidInputError(f"{new.country!r} is not a country code like DE", field="country")
    if uow.organisations.get_by_name(name) is not None:
        raise ConflictError(f"organisation {name!r} exists already", field="name")
    plan = uow.organisations.plan(new.plan)
    if plan is None or plan.id is None:
        known = ", ".join(p.key for p in uow.organisations.plans())
        raise InvalidInputError(f"unknown plan {new.plan!r}; known: {known}", field="plan")
    now = desk.clock.now()
    organisation = Organisation(
        name=name,
        plan_id=plan.id,
        created_at=now,
        email_domains=domains,
        country=new.country.upper() if new.country else None,
        timezone=new.timezone,
    )
    uow.organisations.add(organisation)
    uow.flush()  # the audit event names the new record by its id
    uow.audit.add(
        audit_event(
            "organisation",
            "organisation.created",
            actor,
            now,
            subject_id=organisation.id,
            changes={"name": name, "plan": plan.key},
        )
    )
    return organisation


def create_organisation(desk: Desk, actor: Actor, new: NewOrganisation) -> Organisation:
    require_lead(actor, "create organisations")
    with desk.uow() as uow:
        organisation = _organisation(uow, desk, actor, new)
        uow.commit()
        return organisation


def list_organisations(desk: Desk, actor: Actor) -> list[Organisation]:
    with desk.uow() as uow:
        if isinstance(actor, Contact):
            own = uow.organisations.get(actor.organisation_id)
            return [own] if own else []
        return uow.organisations.all()


def list_plans(desk: Desk) -> list[SupportPlan]:
    with desk.uow() as uow:
        return uow.organisations.plans()


def set_plan_answers(desk: Desk, actor: Actor, key: str, answers: str) -> SupportPlan:
    """The most the answerer may do on the plan's tickets (issue 17): the stricter of this and
    the ticket's queue policy holds. Leads set it, as they set a queue's policy."""
    require_lead(actor, "change the answer policy of plans")
    cap = parse_policy(answers)
    with desk.uow() as uow:
        plan = uow.organisations.plan(key)
        if plan is None:
            raise NotFoundError(f"no support plan {key!r}", plan=key)
        if plan.answers is cap:
            return plan
        before, plan.answers = plan.answers, cap
        uow.audit.add(
            audit_event(
                "plan",
                "plan.updated",
                actor,
                desk.clock.now(),
                subject_id=plan.id,
                changes={"answers": [str(before), str(cap)]},
            )
        )
        uow.commit()
        return plan


@dataclass
class NewContact:
    email: str
    name: str
    organisation: str  # name of the organisation
    language: str | None = None  # None: not stated; their first ticket's language is taken
    phone: str | None = None
    password: str | None = None
    create_organisation: bool = False  # create it (on the standard plan) when missing


@dataclass(frozen=True)
class ContactCreated:
    contact: Contact
    organisation: Organisation
    organisation_created: bool


def create_contact(desk: Desk, actor: Actor, new: NewContact) -> ContactCreated:
    require_agent(actor, "create contacts")
    email = normalise_email(new.email)
    name = new.name.strip()
    if not name:
        raise InvalidInputError("a contact needs a name", field="name")
    if len(name) > MAX_CONTACT_NAME:  # the column's: stored on SQLite, a 500 on PostgreSQL
        raise InvalidInputError(
            f"a contact's name has at most {MAX_CONTACT_NAME} characters", field="name"
        )
    language = (new.language or "").strip().lower().replace("_", "-") or None  # de_CH: de-ch
    if language is not None and not is_language_code(language):
        raise InvalidInputError(
            f"{language[:40]!r} is not a language code like de", field="language"
        )
    if new.phone is not None and len(new.phone) > 64:
        raise InvalidInputError("a phone number has at most 64 characters", field="phone")
    if new.password is not None:
        check_new_password(new.password)  # the same rule as for agents
    with desk.uow() as uow:
        if uow.contacts.get_by_email(email) or uow.agents.get_by_email(email):
            raise ConflictError(f"{email} is already registered", field="email")
        organisation = uow.organisations.get_by_name(new.organisation)
        created = False
        if organisation is None:
            if not new.create_organisation:
                raise NotFoundError(
                    f"no organisation named {new.organisation!r}", field="organisation"
                )
            organisation = _organisation(
                uow,
                desk,
                actor,
                NewOrganisation(name=new.organisation, email_domains=[email.split("@", 1)[1]]),
            )
            uow.flush()
            created = True
        assert organisation.id is not None
        now = desk.clock.now()
        contact = Contact(
            email=email,
            name=name,
            organisation_id=organisation.id,
            created_at=now,
            language=language,
            phone=new.phone,
            password_hash=desk.passwords.hash(new.password) if new.password else None,
        )
        uow.contacts.add(contact)
        uow.flush()
        uow.audit.add(
            audit_event(
                "contact",
                "contact.created",
                actor,
                now,
                subject_id=contact.id,
                changes={"email": email, "organisation": organisation.name},
            )
        )
        uow.commit()
        return ContactCreated(contact, organisation, created)


def list_contacts(
    desk: Desk,
    actor: Actor,
    organisation_id: int | None = None,
    *,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[Contact]:
    """In id order, after ``after_id``, at most ``limit``; a contact sees their organisation's."""
    with desk.uow() as uow:
        if isinstance(actor, Contact):
            organisation_id = actor.organisation_id
        return uow.contacts.all(organisation_id, after_id=after_id, limit=limit)


def search_contacts(desk: Desk, actor: Actor, text: str, limit: int = 10) -> list[Contact]:
    """Active contacts whose name or e-mail address holds ``text`` (an agent looking up a
    caller), by name."""
    require_agent(actor, "look up contacts")
    wanted = text.strip().lower()
    if not wanted:
        return []
    with desk.uow() as uow:
        found = [
            c
            for c in uow.contacts.all()
            if c.active and (wanted in c.name.lower() or wanted in c.email.lower())
        ]
    return sorted(found, key=lambda c: c.name.lower())[:limit]


@dataclass
class NewAgent:
    email: str
    name: str
    tiers: list[int]
    role: Role = Role.AGENT
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["en"])
    queues: list[str] = field(default_factory=list)
    capacity: int = 20
    password: str | None = None


def create_agent(desk: Desk, actor: Actor, new: NewAgent) -> Agent:
    require_lead(actor, "create agents")
    granter = actor.role if isinstance(actor, Agent) else None
    if new.role not in grantable_roles(granter):
        raise PermissionDeniedError(
            f"a {granter} cannot create an {new.role}; only admins create admins",
            action="grant roles",
        )
    email = normalise_email(new.email)
    name = new.name.strip()
    if not name:
        raise InvalidInputError("an agent needs a name", field="name")
    if len(name) > 200:  # the column's width
        raise InvalidInputError("a name has at most 200 characters", field="name")
    if not 1 <= new.capacity <= 1000:  # the same bounds as changing it (services/agents.py)
        raise InvalidInputError("capacity must be 1-1000 open tickets", field="capacity")
    if new.password is not None:
        check_new_password(new.password)
    # checked as changing them is (services/agents.py): "klingon" was stored, and routing,
    # which matches agents by language, never chose the agent
    languages = normalise_languages(new.languages) or ["en"]
    with desk.uow() as uow:
        if uow.agents.get_by_email(email) or uow.contacts.get_by_email(email):
            raise ConflictError(f"{email} is already registered", field="email")
        now = desk.clock.now()
        agent = Agent(
            email=email,
            name=name,
            created_at=now,
            tiers=normalise_tiers(new.tiers),
            role=new.role,
            skills=list(dict.fromkeys(new.skills)),
            languages=languages,
            queues=list(new.queues),
            capacity=new.capacity,
            password_hash=desk.passwords.hash(new.password) if new.password else None,
        )
        uow.agents.add(agent)
        uow.flush()
        uow.audit.add(
            audit_event(
                "agent",
                "agent.created",
                actor,
                now,
                subject_id=agent.id,
                changes={"email": email, "tiers": agent.tiers, "role": str(agent.role)},
            )
        )
        uow.commit()
        return agent


def list_agents(desk: Desk, actor: Actor) -> list[Agent]:
    require_agent(actor, "list agents")
    with desk.uow() as uow:
        return uow.agents.all()
