"""What the vendor sells: products, their components and released versions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

_MODEL = re.compile(r"\b[A-Z]{1,5}-?\d{2,5}[A-Z]?\b")


@dataclass(eq=False)
class Component:
    name: str
    product_id: int | None = None
    description: str = ""
    id: int | None = None


@dataclass(eq=False)
class Version:
    name: str
    product_id: int | None = None
    released_on: date | None = None
    end_of_support: date | None = None
    id: int | None = None


@dataclass(eq=False)
class Product:
    key: str
    name: str
    description: str = ""
    components: list[Component] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    id: int | None = None

    def component_named(self, name: str) -> Component | None:
        wanted = name.strip().lower()
        return next((c for c in self.components if c.name.lower() == wanted), None)

    def version_named(self, name: str) -> Version | None:
        wanted = name.strip().lower()
        return next((v for v in self.versions if v.name.lower() == wanted), None)


def product_names(products: Iterable[Product]) -> list[str]:
    """What the fact extractor should know as products, not codes: each product's name and the
    model numbers its name and description mention ("SIP desk phones (KP-200 and KP-400
    series)" gives KP-200 and KP-400)."""
    names: list[str] = []
    for product in products:
        names.append(product.name)
        names += _MODEL.findall(f"{product.name} {product.description}")
    return names
