"""Storage of the product catalogue."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.catalog import Product


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...
    def get(self, product_id: int) -> Product | None: ...
    def get_by_key(self, key: str) -> Product | None: ...
    def all(self) -> list[Product]: ...
