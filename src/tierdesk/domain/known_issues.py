"""Known issues (known errors): a problem the vendor understands, with a documented fix or
workaround that can be sent to every customer who meets it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.messages import require_text
from tierdesk.errors import InvalidTransitionError


class KnownIssueStatus(StrEnum):
    OPEN = "open"  # understood, fix or workaround documented
    RESOLVED = "resolved"  # fixed for good in a release; the fix text says which
    RETIRED = "retired"  # no longer relevant; kept for the links and the trail


@dataclass(eq=False)
class KnownIssue:
    title: str
    symptoms: str
    root_cause: str
    fix: str  # the documented fix or workaround, sent to customers as it stands
    created_at: datetime
    updated_at: datetime
    created_by: str
    product_id: int | None = None
    affected_versions: list[str] = field(default_factory=list)
    status: KnownIssueStatus = KnownIssueStatus.OPEN
    id: int | None = None

    def __post_init__(self) -> None:
        self.title = require_text(self.title, "title", max_length=300)
        self.symptoms = require_text(self.symptoms, "symptoms", max_length=20_000)
        self.fix = require_text(self.fix, "fix", max_length=50_000)
        self.root_cause = self.root_cause.strip()

    def require_usable(self) -> None:
        if self.status is KnownIssueStatus.RETIRED:
            raise InvalidTransitionError(
                f"known issue KI-{self.id} is retired; its fix is no longer sent", record=self.id
            )

    def fix_reply(self, language: str | None = None) -> str:
        """The public reply that answers a ticket with this issue's documented fix (as it was
        written), framed in the customer's ``language``."""
        intro = customer_text(language, "known_issue.intro", id=self.id, title=self.title)
        closing = customer_text(language, "known_issue.closing")
        return f"{intro}\n\n{self.fix}\n\n{closing}"
