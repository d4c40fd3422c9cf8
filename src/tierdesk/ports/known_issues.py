"""What the known-issue services need from storage."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.known_issues import KnownIssue, KnownIssueStatus


class KnownIssueRepository(Protocol):
    def add(self, issue: KnownIssue) -> None: ...
    def get(self, issue_id: int) -> KnownIssue | None: ...
    def find(
        self, product_id: int | None = None, status: KnownIssueStatus | None = None
    ) -> list[KnownIssue]:
        """Oldest first; ``None`` filters nothing."""
        ...
