"""The routing suite's fixtures (API client, CLI, ``unchanged``) serve the rules suite too."""

from __future__ import annotations

from tests.routing.conftest import client, tierdesk, unchanged

__all__ = ["client", "tierdesk", "unchanged"]
