"""Request and response bodies of known issues, defects, incidents, enhancement requests, L3
outcomes and the escalation metrics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field

from tierdesk.domain.defects import DefectStatus, Severity
from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.domain.incidents import IncidentSeverity, IncidentStatus
from tierdesk.domain.known_issues import KnownIssueStatus
from tierdesk.domain.record_links import RecordKind, RecordLink, record_reference
from tierdesk.domain.tickets import Status
from tierdesk.entrypoints.web.schemas import Request

TicketRefs = list[int | str]


class LinkedTicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    number: str | None
    subject: str
    status: Status
    level: int = Field(validation_alias="tier")
    organisation_id: int


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


class _View(Protocol):
    @property
    def record(self) -> _Stored: ...
    @property
    def link_count(self) -> int: ...
    @property
    def tickets(self) -> Sequence[object]: ...


class _Shown:
    """A record's attributes and what its view adds (its reference, link count, the linked
    tickets…), as one object for pydantic's ``from_attributes``."""

    def __init__(self, record: _Stored, added: dict[str, Any]) -> None:
        self._record = record
        self._added = added

    def __getattr__(self, name: str) -> Any:
        if name in self._added:
            return self._added[name]
        return getattr(self._record, name)


class RecordOut(BaseModel):
    """A linked record's answer: its stored fields read straight off the domain object, its
    reference (``KI-3``) and what the view adds. Each kind lists its fields in its own class."""

    model_config = ConfigDict(from_attributes=True)
    kind: ClassVar[RecordKind]

    @classmethod
    def of(cls, record: _Stored, **added: Any) -> Self:
        reference = record_reference(cls.kind, record.id)
        return cls.model_validate(_Shown(record, {"reference": reference, **added}))

    @classmethod
    def listed(cls, found: Iterable[tuple[_Stored, int]]) -> list[Self]:
        """A list's rows: each record with its link count, without the tickets."""
        return [cls.of(record, link_count=count) for record, count in found]

    @classmethod
    def shown(cls, view: _View, **added: Any) -> Self:
        """One record with its link count and the linked tickets the reader may see."""
        return cls.of(view.record, link_count=view.link_count, tickets=view.tickets, **added)


class LinkTicket(Request):
    ticket: int | str = Field(description="Ticket id or number")


# -- known issues -----------------------------------------------------------------------------


class KnownIssueCreate(Request):
    title: str = Field(min_length=1, max_length=300)
    symptoms: str = Field(min_length=1, max_length=20_000)
    fix: str = Field(min_length=1, max_length=50_000, description="Documented fix or workaround")
    root_cause: str = Field(default="", max_length=20_000)
    product: str | None = None
    affected_versions: list[str] = Field(default_factory=list, max_length=100)


class KnownIssuePatch(Request):
    fix: str | None = Field(default=None, min_length=1, max_length=50_000)
    root_cause: str | None = Field(default=None, max_length=20_000)
    status: KnownIssueStatus | None = None
    affected_versions: list[str] | None = Field(default=None, max_length=100)


class KnownIssueLink(Request):
    ticket: int | str = Field(description="Ticket id or number")
    send_fix: bool = Field(default=True, description="Answer the ticket with the documented fix")


class KnownIssueOut(RecordOut):
    kind = RecordKind.KNOWN_ISSUE

    id: int | None
    reference: str
    title: str
    symptoms: str
    root_cause: str
    fix: str
    product_id: int | None
    affected_versions: list[str]
    status: KnownIssueStatus
    link_count: int
    created_at: datetime
    updated_at: datetime
    created_by: str
    tickets: list[LinkedTicketOut] | None = None


# -- defects ----------------------------------------------------------------------------------


class DefectCreate(Request):
    ticket: int | str = Field(description="The ticket the defect is concluded from")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    severity: Severity = Severity.MAJOR
    expected: str | None = Field(default=None, max_length=20_000)
    actual: str | None = Field(default=None, max_length=20_000, description="Default: symptoms")
    steps: list[str] | None = Field(default=None, max_length=100, description="Default: tried")
    environment: str | None = Field(default=None, max_length=20_000)
    affected_versions: list[str] | None = Field(default=None, max_length=100)


class DefectFixed(Request):
    version: str = Field(min_length=1, max_length=64, description="The release that fixes it")


class DefectOut(RecordOut):
    kind = RecordKind.DEFECT

    id: int | None
    reference: str
    title: str
    severity: Severity
    status: DefectStatus
    fixed_in: str | None
    reproduction: dict[str, Any]
    source_ticket_id: int | None
    product_id: int | None
    tracker: str | None
    external_id: str | None
    external_url: str | None
    external_state: str | None
    external_labels: list[str]
    external_milestone: str | None
    synced_at: datetime | None
    link_count: int
    created_at: datetime
    created_by: str
    tickets: list[LinkedTicketOut] | None = None


# -- incidents --------------------------------------------------------------------------------


class IncidentCreate(Request):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    severity: IncidentSeverity = IncidentSeverity.SEV2
    product: str | None = None
    tickets: TicketRefs = Field(default_factory=list, max_length=1000)


class IncidentTickets(Request):
    tickets: TicketRefs = Field(min_length=1, max_length=1000)


class IncidentUpdateCreate(Request):
    status: IncidentStatus
    text: str = Field(min_length=1, max_length=20_000)


class IncidentResolve(Request):
    resolution: str = Field(min_length=1, max_length=20_000)


class PostIncidentNote(Request):
    note: str = Field(min_length=1, max_length=100_000)


class IncidentUpdateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    status: IncidentStatus
    text: str
    posted_at: datetime
    posted_by: str
    tickets_notified: int


class IncidentOut(RecordOut):
    kind = RecordKind.INCIDENT

    id: int | None
    reference: str
    title: str
    description: str
    severity: IncidentSeverity
    status: IncidentStatus
    product_id: int | None
    declared_at: datetime
    declared_by: str
    resolved_at: datetime | None
    post_incident_note: str | None
    link_count: int
    updates: list[IncidentUpdateOut] | None = None
    tickets: list[LinkedTicketOut] | None = None


# -- enhancements -----------------------------------------------------------------------------


class EnhancementCreate(Request):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    product: str | None = None


class EnhancementVoteIn(Request):
    organisation: str = Field(min_length=1, max_length=200)


_NOTE_HELP = "Why, for the record (on the audit trail; customers do not see it)"


class EnhancementStatusIn(Request):
    status: EnhancementStatus
    version: str | None = Field(
        default=None, min_length=1, max_length=64, description="The release, for `shipped`"
    )
    note: str = Field(default="", max_length=50_000, description=_NOTE_HELP)


class EnhancementShip(Request):
    version: str = Field(min_length=1, max_length=64)
    note: str = Field(default="", max_length=50_000, description=_NOTE_HELP)


class EnhancementOut(RecordOut):
    kind = RecordKind.ENHANCEMENT

    id: int | None
    reference: str
    title: str
    description: str
    product_id: int | None
    status: EnhancementStatus
    shipped_in: str | None
    votes: int
    organisations: list[str] | None = None
    tickets: list[LinkedTicketOut] | None = None


# -- outcomes and a ticket's records ----------------------------------------------------------


class MoreInformation(Request):
    items: list[str] = Field(min_length=1, max_length=30, description="What the customer sends")
    note: str | None = Field(default=None, max_length=5_000)


class SolvableLower(Request):
    reason: str = Field(min_length=1, max_length=5_000)


class RecordLinkOut(BaseModel):
    record: str
    kind: str
    record_id: int
    linked_at: datetime
    linked_by: str

    @classmethod
    def of(cls, link: RecordLink) -> RecordLinkOut:
        return cls(
            record=record_reference(link.record_kind, link.record_id),
            kind=str(link.record_kind),
            record_id=link.record_id,
            linked_at=link.created_at,
            linked_by=link.created_by,
        )


class OutcomeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    outcome: str
    level: int = Field(validation_alias="tier")
    record_id: int | None
    decided_at: datetime
    decided_by: str


class TicketRecordsOut(BaseModel):
    links: list[RecordLinkOut]
    outcomes: list[OutcomeOut]


# -- metrics ----------------------------------------------------------------------------------


class LevelMetricsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    level: int
    handled: int
    escalated_out: int
    escalation_rate: float | None
    bounced_back: int
    bounce_back_rate: float | None
    escalations_in: int
    solvable_lower: int = Field(validation_alias="marked_solvable_lower")
    solvable_lower_share: float | None
    solved: int
    entered: int  # tickets whose first entry into the level fell in the period
    solved_first_contact: int  # of those, solved at the level without leaving it upward
    first_contact_resolution: float | None  # solved_first_contact / entered
    hours_in_level_total: float = Field(validation_alias="total_hours")
    hours_in_level_mean: float | None = Field(validation_alias="mean_hours")
    hours_in_level_median: float | None = Field(validation_alias="median_hours")
    sla_clocks: int = Field(validation_alias="clocks")
    sla_breached: int = Field(validation_alias="clocks_breached")
    sla_compliance: float | None
    backlog: int


class AnswerCountsOut(BaseModel):
    """The answerer per level and queue (issue 17), for answers made in the period."""

    model_config = ConfigDict(from_attributes=True)

    level: int
    queue: str
    tickets: int = Field(description="Tickets opened in the period that are in this queue now")
    answered: int = Field(description="Answers the desk sent on its own")
    answered_share: float | None
    verified: int = Field(description="Answered, and the customer said it solved it")
    assumed: int = Field(description="Answered, no reaction in answers.assume_solved_days")
    reopened: int = Field(description="Answered, and the customer said no or wrote back")
    escalated: int = Field(description="Answered tickets now beyond L1")
    waiting: int = Field(description="Answered, no verdict yet")
    offered: int = Field(description="Suggestions and drafts shown to agents")
    accepted: int = Field(description="Of those, sent by an agent")
    acceptance: float | None
    asked: int = Field(0, description="Clarifying questions the answerer sent instead of an answer")
    ask_proposed: int = Field(
        0, description="Clarifying questions it proposed to the agent (policy suggest)"
    )


class MetricsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    since: datetime
    until: datetime
    escalations: int
    bounces: int
    solved: int
    first_contact_resolution: float | None
    sla_compliance: float | None
    l3_outcomes: dict[str, int]
    levels: list[LevelMetricsOut]
    answers: list[AnswerCountsOut] = []
