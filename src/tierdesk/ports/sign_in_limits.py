"""Storage of failed sign-ins, which the sign-in limits count."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.sign_in_limits import LimitScope


class SignInFailureRepository(Protocol):
    """Moments of failed sign-ins (and invalid API tokens) per (scope, key)."""

    def add(self, scope: LimitScope, key: str, at: datetime) -> None: ...
    def since(self, scope: LimitScope, key: str, since: datetime) -> list[datetime]: ...
    def clear(self, scope: LimitScope, key: str) -> None: ...
    def prune(self, before: datetime) -> int: ...
