"""Storage of upgrade advisories (issue 21 item 3)."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.advisories import Advisory, AdvisoryOrganisation


class AdvisoryRepository(Protocol):
    def add(self, advisory: Advisory) -> None: ...
    def get(self, advisory_id: int) -> Advisory | None: ...
    def page(
        self, offset: int, limit: int, organisation_id: int | None = None
    ) -> tuple[list[Advisory], int]:
        """Newest first, with the total; with ``organisation_id`` only those that reached it."""
        ...

    def for_record(
        self, *, known_issue_id: int | None = None, defect_id: int | None = None
    ) -> list[Advisory]: ...
    def add_organisation(self, row: AdvisoryOrganisation) -> None: ...
    def organisations(self, advisory_id: int) -> list[AdvisoryOrganisation]: ...
    def organisation(
        self, advisory_id: int, organisation_id: int
    ) -> AdvisoryOrganisation | None: ...
    def open_advisory_ids(self) -> list[int]:
        """Advisories some organisation has not upgraded from yet."""
        ...
