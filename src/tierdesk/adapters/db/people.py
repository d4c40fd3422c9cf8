"""People in storage: support plans, organisations, contacts and agents, their mappings and
repositories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.types import id_equals, json_array_contains, keep_name_key, storable_id
from tierdesk.domain.names import name_key
from tierdesk.domain.people import Agent, Contact, Organisation, SupportPlan


def map_people(reg: registry) -> None:
    reg.map_imperatively(SupportPlan, tables.support_plans)
    reg.map_imperatively(Organisation, tables.organisations)
    reg.map_imperatively(Contact, tables.contacts)
    reg.map_imperatively(Agent, tables.agents)
    keep_name_key(Organisation)


def _insert_once(session: Session, table: Table, unique: str, values: dict[str, Any]) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING: the new id, or None when a concurrent (or earlier)
    transaction holds that unique value. Two mail intakes creating one sender never collide."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table).values(**values).on_conflict_do_nothing(index_elements=[unique])
    ).returning(table.c.id)
    return session.execute(statement).scalar_one_or_none()


class SqlAgentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, agent: Agent) -> None:
        self.session.add(agent)

    def get(self, agent_id: int) -> Agent | None:
        if not storable_id(agent_id):
            return None
        return self.session.get(Agent, agent_id)

    def get_by_email(self, email: str) -> Agent | None:
        return self.session.scalars(select(Agent).where(tables.agents.c.email == email)).first()

    def all(self) -> list[Agent]:
        return list(self.session.scalars(select(Agent).order_by(tables.agents.c.id)))


class SqlContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, contact: Contact) -> None:
        self.session.add(contact)

    def get(self, contact_id: int) -> Contact | None:
        if not storable_id(contact_id):
            return None
        return self.session.get(Contact, contact_id)

    def get_by_email(self, email: str) -> Contact | None:
        query = select(Contact).where(tables.contacts.c.email == email)
        return self.session.scalars(query).first()

    def all(
        self,
        organisation_id: int | None = None,
        *,
        after_id: int | None = None,
        limit: int | None = None,
    ) -> list[Contact]:
        query = select(Contact).order_by(tables.contacts.c.id)
        if organisation_id is not None:
            query = query.where(id_equals(tables.contacts.c.organisation_id, organisation_id))
        if after_id is not None:
            query = query.where(tables.contacts.c.id > after_id)
        return list(self.session.scalars(query.limit(limit)))

    def ensure(
        self, email: str, name: str, organisation_id: int, language: str | None, at: datetime
    ) -> tuple[int, bool]:
        c = tables.contacts.c
        found = self.session.scalars(select(c.id).where(c.email == email)).first()
        if found is not None:
            return found, False
        values: dict[str, Any] = {
            "email": email,
            "name": name,
            "organisation_id": organisation_id,
            "language": language,
            "active": True,
            "created_at": at,
        }
        new_id = _insert_once(self.session, tables.contacts, "email", values)
        if new_id is not None:
            return new_id, True
        return self.session.scalars(select(c.id).where(c.email == email)).one(), False


class SqlOrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, organisation: Organisation) -> None:
        self.session.add(organisation)

    def get(self, organisation_id: int) -> Organisation | None:
        if not storable_id(organisation_id):
            return None
        return self.session.get(Organisation, organisation_id)

    def get_by_name(self, name: str) -> Organisation | None:
        query = select(Organisation).where(tables.organisations.c.name_key == name_key(name))
        return self.session.scalars(query).first()

    def all(self) -> list[Organisation]:
        return list(self.session.scalars(select(Organisation).order_by(tables.organisations.c.id)))

    def plan(self, key: str) -> SupportPlan | None:
        query = select(SupportPlan).where(tables.support_plans.c.key == key)
        return self.session.scalars(query).first()

    def plan_by_id(self, plan_id: int) -> SupportPlan | None:
        if not storable_id(plan_id):
            return None
        return self.session.get(SupportPlan, plan_id)

    def plans(self) -> list[SupportPlan]:
        return list(self.session.scalars(select(SupportPlan).order_by(tables.support_plans.c.id)))

    def add_plan(self, plan: SupportPlan) -> None:
        self.session.add(plan)

    def for_email_domain(self, domain: str) -> int | None:
        o = tables.organisations.c
        dialect = self.session.get_bind().dialect.name
        query = (
            select(o.id)
            .where(json_array_contains(o.email_domains, domain, dialect), o.active.is_(True))
            .order_by(o.id)
        )
        return self.session.scalars(query).first()

    def ensure(self, name: str, plan_key: str, at: datetime) -> tuple[int, bool]:
        o = tables.organisations.c
        key = name_key(name)
        found = self.session.scalars(select(o.id).where(o.name_key == key)).first()
        if found is not None:
            return found, False
        p = tables.support_plans.c
        plan_id = self.session.scalars(select(p.id).where(p.key == plan_key)).first()
        if plan_id is None:
            plan_id = self.session.scalars(select(p.id).order_by(p.id)).first()
        values: dict[str, Any] = {
            "name": name,
            "name_key": key,
            "plan_id": plan_id,
            "email_domains": [],
            "timezone": "UTC",
            "active": True,
            "created_at": at,
        }
        new_id = _insert_once(self.session, tables.organisations, "name_key", values)
        if new_id is not None:
            return new_id, True
        return self.session.scalars(select(o.id).where(o.name_key == key)).one(), False
