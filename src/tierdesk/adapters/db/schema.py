"""The complete schema: every table module, imported so that ``metadata`` knows all tables.

Each area keeps its tables in its own module (``tables.py`` is the ticket core) on the one shared
``metadata``; Alembic and the tests use this module's ``metadata``."""

from __future__ import annotations

from tierdesk.adapters.db import tables  # noqa: F401 - registers the ticket core's tables
from tierdesk.adapters.db.tables import metadata

__all__ = ["metadata"]
