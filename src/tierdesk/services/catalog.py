"""The product catalogue: products, components and versions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tierdesk.domain.audit import audit_event
from tierdesk.domain.catalog import Component, Product, Version
from tierdesk.domain.people import Actor
from tierdesk.errors import ConflictError, InvalidInputError
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


def create_product(desk: Desk, actor: Actor, new: NewProduct) -> Product:
    require_lead(actor, "create products")
    name = new.name.strip()
    if not name:
        raise InvalidInputError("a product needs a name", field="name")
    key = product_key(new.key or name)
    if not key:
        raise InvalidInputError("a product key needs letters or digits", field="key")
    # Names are looked up trimmed and ignoring case, so they are stored trimmed and unique so.
    components: dict[str, str] = {}
    for component in new.components:
        if component.strip():
            components.setdefault(component.strip().lower(), component.strip())
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
