"""What the services of levels 3 and 4 need: storage of known issues, defects, incidents and
enhancement requests with their ticket links and L3 outcomes; the trail read for the metrics;
and the developers' issue tracker (GitHub now; GitLab or Jira implement the same Protocol)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from tierdesk.domain.defects import Defect, DefectStatus, TrackerIssue
from tierdesk.domain.enhancements import Enhancement, EnhancementStatus, EnhancementVote
from tierdesk.domain.incidents import Incident, IncidentStatus, IncidentUpdate
from tierdesk.domain.known_issues import KnownIssue, KnownIssueStatus
from tierdesk.domain.l3_outcomes import OutcomeRecord
from tierdesk.domain.metrics import ClockVerdict, TicketTrail
from tierdesk.domain.record_links import RecordKind, RecordLink

WorkflowRecord = (
    KnownIssue
    | Defect
    | Incident
    | IncidentUpdate
    | Enhancement
    | EnhancementVote
    | RecordLink
    | OutcomeRecord
)


class WorkflowRepository(Protocol):
    def add(self, record: WorkflowRecord) -> None: ...
    def known_issue(self, record_id: int) -> KnownIssue | None: ...
    def known_issues(
        self, product_id: int | None, status: KnownIssueStatus | None
    ) -> list[KnownIssue]: ...
    def defect(self, record_id: int) -> Defect | None: ...
    def defects(self, status: DefectStatus | None) -> list[Defect]: ...
    def defect_by_external(self, tracker: str, external_id: str) -> Defect | None: ...
    def defects_to_poll(self) -> list[Defect]:
        """Open defects mirrored to a tracker (the poll asks the tracker about these)."""
        ...

    def incident(self, record_id: int) -> Incident | None: ...
    def incidents(self, status: IncidentStatus | None) -> list[Incident]: ...
    def incident_updates(self, incident_id: int) -> list[IncidentUpdate]: ...
    def enhancement(self, record_id: int) -> Enhancement | None: ...
    def enhancements(self, status: EnhancementStatus | None) -> list[Enhancement]: ...
    def votes(self, enhancement_id: int) -> list[EnhancementVote]: ...
    def vote_counts(self, enhancement_ids: Sequence[int]) -> dict[int, int]: ...
    def links(self, kind: RecordKind, record_id: int) -> list[RecordLink]: ...
    def link_counts(self, kind: RecordKind, record_ids: Sequence[int]) -> dict[int, int]: ...
    def links_of_ticket(self, ticket_id: int) -> list[RecordLink]: ...
    def outcomes_of_ticket(self, ticket_id: int) -> list[OutcomeRecord]: ...


class MetricsSource(Protocol):
    """Reads for the escalation metrics; ``product_id`` None means every product."""

    def trails(self, since: datetime, until: datetime, product_id: int | None) -> list[TicketTrail]:
        """Tickets opened before ``until`` that had an event in the period or were still
        unsolved at its start, with their level and status events, oldest first."""
        ...

    def clock_verdicts(
        self, since: datetime, until: datetime, product_id: int | None
    ) -> list[ClockVerdict]: ...
    def outcomes(
        self, since: datetime, until: datetime, product_id: int | None
    ) -> list[tuple[datetime, str]]: ...
    def active_tickets(self, since: datetime, until: datetime, product_id: int | None) -> int:
        """How many tickets had an event in ``[since, until)``."""
        ...

    def first_event_at(self, product_id: int | None) -> datetime | None:
        """When the first ticket event was recorded (None: no ticket yet)."""
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
