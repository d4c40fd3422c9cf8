from __future__ import annotations

from tests.api.conftest import World, bearer, world

__all__ = ["World", "bearer", "world"]
