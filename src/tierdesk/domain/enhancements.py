"""Enhancement requests: one record per request, the tickets that asked for it and the
organisations behind them (one vote each), and a notice to them when it ships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.messages import require_text
from tierdesk.domain.versions import is_version
from tierdesk.errors import InvalidInputError, InvalidTransitionError


class EnhancementStatus(StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    SHIPPED = "shipped"
    DECLINED = "declined"

    @property
    def is_final(self) -> bool:
        return self in (EnhancementStatus.SHIPPED, EnhancementStatus.DECLINED)


@dataclass(eq=False)
class Enhancement:
    title: str
    description: str
    created_at: datetime
    updated_at: datetime
    created_by: str
    product_id: int | None = None
    status: EnhancementStatus = EnhancementStatus.PROPOSED
    shipped_in: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.title = require_text(self.title, "title", max_length=300)
        self.description = self.description.strip()

    def change_status(self, status: EnhancementStatus, at: datetime) -> None:
        if status is EnhancementStatus.SHIPPED:
            raise InvalidInputError("ship it with the release it shipped in", field="status")
        if self.status is EnhancementStatus.SHIPPED:
            raise InvalidTransitionError(f"ENH-{self.id} shipped in {self.shipped_in}")
        if status is self.status:
            raise InvalidTransitionError(f"ENH-{self.id} is already {status}")
        self.status, self.updated_at = status, at

    def ship(self, version: str, at: datetime) -> None:
        if self.status is EnhancementStatus.SHIPPED:
            raise InvalidTransitionError(f"ENH-{self.id} shipped in {self.shipped_in} already")
        if not is_version(version):
            raise InvalidInputError(f"{version!r} is not a release version", field="version")
        self.status, self.shipped_in, self.updated_at = (
            EnhancementStatus.SHIPPED,
            version.strip(),
            at,
        )

    def shipped_notice(self, language: str | None = None) -> str:
        """What a requesting ticket is told, in its customer's ``language``."""
        return customer_text(
            language, "enhancement.shipped", id=self.id, title=self.title, version=self.shipped_in
        )


@dataclass(eq=False)
class EnhancementVote:
    """One requesting organisation; ``ticket_id`` is the ticket that asked, when one did."""

    enhancement_id: int
    organisation_id: int
    created_at: datetime
    ticket_id: int | None = None
    id: int | None = None


def check_note(text: str) -> str:
    return require_text(text, "text", max_length=50_000)
