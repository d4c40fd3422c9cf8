"""Request and response bodies of known issues, defects, incidents, enhancement requests, L3
outcomes and the escalation metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from tierdesk.domain.defects import Defect, DefectStatus, Severity
from tierdesk.domain.enhancements import Enhancement, EnhancementStatus
from tierdesk.domain.incidents import Incident, IncidentSeverity, IncidentStatus, IncidentUpdate
from tierdesk.domain.known_issues import KnownIssue, KnownIssueStatus
from tierdesk.domain.l3_outcomes import OutcomeRecord
from tierdesk.domain.metrics import LevelMetrics, MetricsReport
from tierdesk.domain.record_links import RecordLink, record_reference
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.entrypoints.web.schemas import Request

TicketRefs = list[int | str]


class LinkedTicketOut(BaseModel):
    id: int | None
    number: str | None
    subject: str
    status: Status
    level: int
    organisation_id: int

    @classmethod
    def of(cls, t: Ticket) -> LinkedTicketOut:
        return cls(
            id=t.id,
            number=t.number,
            subject=t.subject,
            status=t.status,
            level=int(t.tier),
            organisation_id=t.organisation_id,
        )


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


class KnownIssueOut(BaseModel):
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

    @classmethod
    def of(
        cls, k: KnownIssue, link_count: int, tickets: list[Ticket] | None = None
    ) -> KnownIssueOut:
        return cls(
            id=k.id,
            reference=f"KI-{k.id}",
            title=k.title,
            symptoms=k.symptoms,
            root_cause=k.root_cause,
            fix=k.fix,
            product_id=k.product_id,
            affected_versions=list(k.affected_versions),
            status=k.status,
            link_count=link_count,
            created_at=k.created_at,
            updated_at=k.updated_at,
            created_by=k.created_by,
            tickets=[LinkedTicketOut.of(t) for t in tickets] if tickets is not None else None,
        )


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


class DefectOut(BaseModel):
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

    @classmethod
    def of(cls, d: Defect, link_count: int, tickets: list[Ticket] | None = None) -> DefectOut:
        return cls(
            id=d.id,
            reference=f"DEF-{d.id}",
            title=d.title,
            severity=d.severity,
            status=d.status,
            fixed_in=d.fixed_in,
            reproduction=dict(d.reproduction),
            source_ticket_id=d.source_ticket_id,
            product_id=d.product_id,
            tracker=d.tracker,
            external_id=d.external_id,
            external_url=d.external_url,
            external_state=d.external_state,
            external_labels=list(d.external_labels),
            external_milestone=d.external_milestone,
            synced_at=d.synced_at,
            link_count=link_count,
            created_at=d.created_at,
            created_by=d.created_by,
            tickets=[LinkedTicketOut.of(t) for t in tickets] if tickets is not None else None,
        )


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
    id: int | None
    status: IncidentStatus
    text: str
    posted_at: datetime
    posted_by: str
    tickets_notified: int

    @classmethod
    def of(cls, u: IncidentUpdate) -> IncidentUpdateOut:
        return cls(
            id=u.id,
            status=u.status,
            text=u.text,
            posted_at=u.posted_at,
            posted_by=u.posted_by,
            tickets_notified=u.tickets_notified,
        )


class IncidentOut(BaseModel):
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

    @classmethod
    def of(
        cls,
        i: Incident,
        link_count: int,
        updates: list[IncidentUpdate] | None = None,
        tickets: list[Ticket] | None = None,
    ) -> IncidentOut:
        return cls(
            id=i.id,
            reference=f"INC-{i.id}",
            title=i.title,
            description=i.description,
            severity=i.severity,
            status=i.status,
            product_id=i.product_id,
            declared_at=i.declared_at,
            declared_by=i.declared_by,
            resolved_at=i.resolved_at,
            post_incident_note=i.post_incident_note,
            link_count=link_count,
            updates=[IncidentUpdateOut.of(u) for u in updates] if updates is not None else None,
            tickets=[LinkedTicketOut.of(t) for t in tickets] if tickets is not None else None,
        )


# -- enhancements -----------------------------------------------------------------------------


class EnhancementCreate(Request):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    product: str | None = None


class EnhancementVoteIn(Request):
    organisation: str = Field(min_length=1, max_length=200)


class EnhancementStatusIn(Request):
    status: EnhancementStatus


class EnhancementShip(Request):
    version: str = Field(min_length=1, max_length=64)


class EnhancementOut(BaseModel):
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

    @classmethod
    def of(
        cls,
        e: Enhancement,
        votes: int,
        organisations: list[str] | None = None,
        tickets: list[Ticket] | None = None,
    ) -> EnhancementOut:
        return cls(
            id=e.id,
            reference=f"ENH-{e.id}",
            title=e.title,
            description=e.description,
            product_id=e.product_id,
            status=e.status,
            shipped_in=e.shipped_in,
            votes=votes,
            organisations=organisations,
            tickets=[LinkedTicketOut.of(t) for t in tickets] if tickets is not None else None,
        )


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
    outcome: str
    level: int
    record_id: int | None
    decided_at: datetime
    decided_by: str

    @classmethod
    def of(cls, o: OutcomeRecord) -> OutcomeOut:
        return cls(
            outcome=str(o.outcome),
            level=int(o.tier),
            record_id=o.record_id,
            decided_at=o.decided_at,
            decided_by=o.decided_by,
        )


class TicketRecordsOut(BaseModel):
    links: list[RecordLinkOut]
    outcomes: list[OutcomeOut]


# -- metrics ----------------------------------------------------------------------------------


class LevelMetricsOut(BaseModel):
    level: int
    handled: int
    escalated_out: int
    escalation_rate: float | None
    bounced_back: int
    bounce_back_rate: float | None
    escalations_in: int
    solvable_lower: int
    solvable_lower_share: float | None
    solved: int
    first_contact_resolution: float | None
    hours_in_level_total: float
    hours_in_level_mean: float | None
    hours_in_level_median: float | None
    sla_clocks: int
    sla_breached: int
    sla_compliance: float | None
    backlog: int

    @classmethod
    def of(cls, m: LevelMetrics) -> LevelMetricsOut:
        return cls(
            level=m.level,
            handled=m.handled,
            escalated_out=m.escalated_out,
            escalation_rate=m.escalation_rate,
            bounced_back=m.bounced_back,
            bounce_back_rate=m.bounce_back_rate,
            escalations_in=m.escalations_in,
            solvable_lower=m.marked_solvable_lower,
            solvable_lower_share=m.solvable_lower_share,
            solved=m.solved,
            first_contact_resolution=m.first_contact_resolution,
            hours_in_level_total=m.total_hours,
            hours_in_level_mean=m.mean_hours,
            hours_in_level_median=m.median_hours,
            sla_clocks=m.clocks,
            sla_breached=m.clocks_breached,
            sla_compliance=m.sla_compliance,
            backlog=m.backlog,
        )


class MetricsOut(BaseModel):
    since: datetime
    until: datetime
    escalations: int
    bounces: int
    solved: int
    first_contact_resolution: float | None
    sla_compliance: float | None
    l3_outcomes: dict[str, int]
    levels: list[LevelMetricsOut]

    @classmethod
    def of(cls, r: MetricsReport) -> MetricsOut:
        return cls(
            since=r.since,
            until=r.until,
            escalations=r.escalations,
            bounces=r.bounces,
            solved=r.solved,
            first_contact_resolution=r.first_contact_resolution,
            sla_compliance=r.sla_compliance,
            l3_outcomes=dict(r.l3_outcomes),
            levels=[LevelMetricsOut.of(m) for m in r.levels],
        )
