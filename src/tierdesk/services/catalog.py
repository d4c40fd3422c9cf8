"""The product catalogue: products, components and versions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.catalog import Component, Product, Version
from tierdesk.domain.people import Actor
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk


@dataclass
class NewProduct:
    name: str
    key: str | None = None
    description: str = ""
    components: list[str] = field(default_factory=list)
    versions: list[tuple[str, date | None]] = field(default_factory=list)


def product_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# The columns' sizes: a longer name was stored on SQLite and a 500 on PostgreSQL.
MAX_NAME = 200
MAX_KEY = 64


def _name(name: str, what: str, field: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError(f"a {what} needs a name", field=field)
    if len(cleaned) > MAX_NAME:
        raise InvalidInputError(f"a {what}'s name has at most {MAX_NAME} characters", field=field)
    return cleaned


def create_product(desk: Desk, actor: Actor, new: NewProduct) -> Product:
    require_lead(actor, "create products")
    name = _name(new.name, "product", "name")
    key = product_key(new.key or name)
    if not key or len(key) > MAX_KEY:
        raise InvalidInputError(
            f"a product key needs 1-{MAX_KEY} letters or digits"
            + ("" if new.key else "; give a shorter key"),
            field="key",
        )
    # Names are looked up trimmed and ignoring case, so they are stored trimmed and unique so.
    components: dict[str, str] = {}
    for component in new.components:
        if component.strip():
            cleaned = _name(component, "component", "components")
            components.setdefault(cleaned.lower(), cleaned)
    versions: dict[str, tuple[str, date | None]] = {}
    for version, released_on in new.versions:
        version = version.strip()
        if not version or version.lower() in versions:
            raise InvalidInputError(
                f"version {version!r} is blank or listed twice", field="versions"
            )
        versions[version.lower()] = (version, released_on)
    with desk.uow() as uow:
        if uow.products.get_by_key(key) or uow.products.get_by_key(name):
            raise ConflictError(f"product {name!r} exists already", field="name")
        product = Product(
            key=key,
            name=name,
            description=new.description,
            components=[Component(name=c) for c in components.values()],
            versions=[Version(name=v, released_on=d) for v, d in versions.values()],
        )
        uow.products.add(product)
        uow.audit.add(
            audit_event(
                "product",
                "product.created",
                actor,
                desk.clock.now(),
                changes={"key": key, "name": name},
            )
        )
        uow.commit()
        return product


# -- changes to a product that exists -------------------------------------------------------


def _product(uow: UnitOfWork, key: str) -> Product:
    product = uow.products.get_by_key(key)
    if product is None:
        raise NotFoundError(f"product {key!r} not found")
    return product


def _audit(
    desk: Desk, uow: UnitOfWork, actor: Actor, action: str, product: Product, **changes: Any
) -> None:
    uow.audit.add(
        audit_event(
            "product",
            action,
            actor,
            desk.clock.now(),
            subject_id=product.id,
            changes={"key": product.key, **changes},
        )
    )


def rename_product(desk: Desk, actor: Actor, key: str, name: str) -> Product:
    """A new display name; the key (what the API, rules and queues name) stays."""
    require_lead(actor, "rename products")
    name = _name(name, "product", "name")
    with desk.uow() as uow:
        product = _product(uow, key)
        other = uow.products.get_by_key(name)
        if other is not None and other.id != product.id:
            raise ConflictError(f"product {name!r} exists already", field="name")
        before = product.name
        product.name = name
        _audit(desk, uow, actor, "product.updated", product, name=[before, name])
        uow.commit()
        return product


def add_component(desk: Desk, actor: Actor, key: str, name: str) -> Component:
    require_lead(actor, "add components")
    name = _name(name, "component", "component")
    with desk.uow() as uow:
        product = _product(uow, key)
        if product.component_named(name):
            raise ConflictError(f"{product.name} has a component {name!r}", field="component")
        component = Component(name=name)
        product.components.append(component)
        _audit(desk, uow, actor, "product.updated", product, component_added=name)
        uow.commit()
        return component


def add_version(
    desk: Desk, actor: Actor, key: str, name: str, released_on: date | None = None
) -> Version:
    require_lead(actor, "add versions")
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInputError("a version needs a name of 1-64 characters", field="version")
    with desk.uow() as uow:
        product = _product(uow, key)
        if product.version_named(name):
            raise ConflictError(f"{product.name} has a version {name!r}", field="version")
        version = Version(name=name, released_on=released_on)
        product.versions.append(version)
        _audit(desk, uow, actor, "product.updated", product, version_added=name)
        uow.commit()
        return version


def end_version_support(
    desk: Desk, actor: Actor, key: str, version: str, on: date | None
) -> Version:
    """The date support for a version ends (None: supported again)."""
    require_lead(actor, "change versions")
    with desk.uow() as uow:
        product = _product(uow, key)
        found = product.version_named(version)
        if found is None:
            raise NotFoundError(f"{product.name} has no version {version!r}")
        before = found.end_of_support
        found.end_of_support = on
        _audit(
            desk,
            uow,
            actor,
            "product.updated",
            product,
            version=found.name,
            end_of_support=[_day(before), _day(on)],
        )
        uow.commit()
        return found


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
