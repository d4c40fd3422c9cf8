"""What the defect services need: storage of defects, and the developers' issue tracker
(GitHub now; GitLab or Jira implement the same Protocol)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from tierdesk.domain.defects import Defect, DefectStatus, TrackerIssue


class DefectRepository(Protocol):
    def add(self, defect: Defect) -> None: ...
    def get(self, defect_id: int) -> Defect | None: ...
    def find(self, status: DefectStatus | None = None) -> list[Defect]:
        """Oldest first; ``None`` filters nothing."""
        ...

    def by_external(self, tracker: str, external_id: str) -> Defect | None: ...
    def to_poll(self) -> list[Defect]:
        """Open defects mirrored to a tracker (the poll asks the tracker about these)."""
        ...


class IssueTracker(Protocol):
    """The developers' issue tracker. Adapters raise ``TrackerUnavailableError`` when it
    cannot be reached or refuses the request."""

    @property
    def name(self) -> str:
        """Stored on the defect beside the issue's id: "github", "gitlab", "jira"."""
        ...

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> TrackerIssue: ...
    def add_comment(self, external_id: str, body: str) -> None: ...
    def get_issue(self, external_id: str) -> TrackerIssue: ...
    def verify_webhook(self, body: bytes, signature: str | None) -> bool:
        """Whether a webhook delivery really comes from the tracker (a shared secret)."""
        ...

    def issue_from_webhook(self, event: str, payload: dict[str, Any]) -> TrackerIssue | None:
        """The issue a delivery is about; None for deliveries that do not concern issues."""
        ...
