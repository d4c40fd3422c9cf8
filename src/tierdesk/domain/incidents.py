"""Incidents (outages): what level 4 runs when something already hurts many customers.

An incident groups many tickets; each status update reaches every affected customer as one
public message on their own ticket; resolving it solves its tickets together; a post-incident
note records what happened and what changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.messages import require_text
from tierdesk.errors import InvalidTransitionError


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class IncidentSeverity(StrEnum):
    SEV1 = "sev1"  # service down for many customers
    SEV2 = "sev2"  # serious degradation
    SEV3 = "sev3"  # limited impact


@dataclass(eq=False)
class Incident:
    title: str
    description: str
    severity: IncidentSeverity
    declared_at: datetime
    declared_by: str
    updated_at: datetime
    product_id: int | None = None
    status: IncidentStatus = IncidentStatus.INVESTIGATING
    resolved_at: datetime | None = None
    post_incident_note: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.title = require_text(self.title, "title", max_length=300)
        self.description = self.description.strip()

    @property
    def is_resolved(self) -> bool:
        return self.status is IncidentStatus.RESOLVED

    def require_open(self, action: str) -> None:
        if self.is_resolved:
            raise InvalidTransitionError(
                f"incident INC-{self.id} is resolved; cannot {action}", record=self.id
            )

    def move_to(self, status: IncidentStatus, at: datetime) -> None:
        """A status update's new status (the same one again is fine: updates repeat it)."""
        self.require_open("post updates")
        if status is IncidentStatus.RESOLVED:
            raise InvalidTransitionError("resolve the incident, which also solves its tickets")
        self.status, self.updated_at = status, at

    def resolve(self, at: datetime) -> None:
        self.require_open("resolve it again")
        self.status, self.resolved_at, self.updated_at = IncidentStatus.RESOLVED, at, at

    def write_post_incident_note(self, note: str, at: datetime) -> None:
        if not self.is_resolved:
            raise InvalidTransitionError(
                f"incident INC-{self.id} is still {self.status}; the post-incident note comes "
                "after it is resolved"
            )
        self.post_incident_note = require_text(note, "note", max_length=100_000)
        self.updated_at = at


@dataclass(eq=False)
class IncidentUpdate:
    incident_id: int
    status: IncidentStatus
    text: str
    posted_at: datetime
    posted_by: str
    tickets_notified: int = 0
    id: int | None = None


def update_message(
    incident: Incident, status: IncidentStatus, text: str, language: str | None = None
) -> str:
    """The public message each affected ticket gets for one status update: the update as its
    author wrote it, headed in the customer's ``language``."""
    head = customer_text(
        language,
        "incident.update",
        id=incident.id,
        title=incident.title,
        status=customer_text(language, f"incident.status.{status}"),
    )
    return f"{head}\n\n{text}"
