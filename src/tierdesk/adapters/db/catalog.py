"""The product catalogue in storage: products with their components and versions, their
mapping and the repository."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, registry, relationship

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.types import keep_name_key, storable_id
from tierdesk.domain.catalog import Component, Product, Version
from tierdesk.domain.names import name_key


def map_catalog(reg: registry) -> None:
    reg.map_imperatively(Component, tables.components)
    reg.map_imperatively(Version, tables.versions)
    reg.map_imperatively(
        Product,
        tables.products,
        properties={
            "components": relationship(
                Component,
                order_by=tables.components.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "versions": relationship(
                Version,
                order_by=tables.versions.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    keep_name_key(Product)


class SqlProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(product)

    def get(self, product_id: int) -> Product | None:
        if not storable_id(product_id):
            return None
        return self.session.get(Product, product_id)

    def get_by_key(self, key: str) -> Product | None:
        query = select(Product).where(
            or_(
                tables.products.c.key == key.strip().lower(),
                tables.products.c.name_key == name_key(key),
            )
        )
        return self.session.scalars(query).first()

    def all(self) -> list[Product]:
        return list(self.session.scalars(select(Product).order_by(tables.products.c.id)))
