"""What the incident services need from storage: incidents and their status updates."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.incidents import Incident, IncidentStatus, IncidentUpdate


class IncidentRepository(Protocol):
    def add(self, incident: Incident) -> None: ...
    def get(self, incident_id: int) -> Incident | None: ...
    def find(self, status: IncidentStatus | None = None) -> list[Incident]:
        """Newest first; ``None`` filters nothing."""
        ...

    def add_update(self, update: IncidentUpdate) -> None: ...
    def updates(self, incident_id: int) -> list[IncidentUpdate]:
        """The incident's status updates, oldest first."""
        ...
