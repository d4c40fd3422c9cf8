"""/api/v1/advisories (issue 21 item 3): upgrade advisories for a product version, the
organisations each reached and their state. Agents read every advisory; leads and admins
preview and send them; agents mark an organisation acknowledged or upgraded; a customer
contact reads only the advisories that reached its organisation (with only its own row) and
may acknowledge them for it."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tierdesk.domain.advisories import AdvisoryReason, NoticeState
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate_fetched
from tierdesk.services import advisories

router = APIRouter(tags=["advisories"])


class AdvisoryBody(BaseModel):
    product: str = Field(description="Product key or name", max_length=200)
    version: str = Field(description="A catalogue version of the product", max_length=64)
    reason: AdvisoryReason
    message: str = Field(description="Sent to the customers as written", max_length=20_000)
    record: str | None = Field(
        default=None, description="KI-<n> or DEF-<n>, for those reasons", max_length=40
    )
    end_of_support: date | None = Field(
        default=None, description="For end-of-support; default: the catalogue version's"
    )
    target_version: str | None = Field(
        default=None, description="The recommended catalogue version", max_length=64
    )

    def input(self) -> advisories.AdvisoryInput:
        return advisories.AdvisoryInput(
            self.product,
            self.version,
            str(self.reason),
            self.message,
            self.record,
            self.end_of_support,
            self.target_version,
        )


class OrganisationStateOut(BaseModel):
    organisation_id: int
    organisation: str
    items: int = Field(description="Active items at the version when it was sent")
    still_running: int = Field(description="Active items at the version now")
    contacts_notified: int
    language: str
    state: NoticeState
    notified_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    upgraded_at: datetime | None
    upgraded_by: str | None

    @classmethod
    def of(cls, row: advisories.AdvisoryRow) -> OrganisationStateOut:
        n = row.notice
        return cls(
            organisation_id=n.organisation_id,
            organisation=row.organisation.name,
            items=n.items,
            still_running=row.still_running,
            contacts_notified=n.contacts_notified,
            language=n.language,
            state=n.state,
            notified_at=n.notified_at,
            acknowledged_at=n.acknowledged_at,
            acknowledged_by=n.acknowledged_by,
            upgraded_at=n.upgraded_at,
            upgraded_by=n.upgraded_by,
        )


class AdvisoryOut(BaseModel):
    id: int
    product_id: int
    product: str | None
    version: str
    reason: AdvisoryReason
    known_issue_id: int | None
    defect_id: int | None
    record_title: str | None
    end_of_support: date | None
    target_version: str | None
    message: str
    created_at: datetime
    created_by: str
    organisations: list[OrganisationStateOut]

    @classmethod
    def of(cls, view: advisories.AdvisoryView) -> AdvisoryOut:
        a = view.advisory
        return cls(
            id=a.id or 0,
            product_id=a.product_id,
            product=view.product.name if view.product else None,
            version=a.version,
            reason=a.reason,
            known_issue_id=a.known_issue_id,
            defect_id=a.defect_id,
            record_title=view.record_title,
            end_of_support=a.end_of_support,
            target_version=a.target_version,
            message=a.message,
            created_at=a.created_at,
            created_by=a.created_by,
            organisations=[OrganisationStateOut.of(r) for r in view.rows],
        )


class RecipientOut(BaseModel):
    organisation_id: int
    organisation: str
    items: int
    contacts: int
    language: str


class PreviewOut(BaseModel):
    organisations: list[RecipientOut]


class StateBody(BaseModel):
    state: NoticeState = Field(description="acknowledged or upgraded (forward only)")


class UpgradesOut(BaseModel):
    marked: int = Field(description="Organisations newly marked upgraded")


@router.get("/advisories", response_model=Page[AdvisoryOut])
def list_advisories(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[AdvisoryOut]:
    """Upgrade advisories, newest first. A contact sees those that reached its organisation."""
    return paginate_fetched(
        lambda count: [
            AdvisoryOut.of(v) for v in advisories.list_advisories(desk, actor, 0, count)[0]
        ],
        page,
    )


@router.post("/advisories/preview", response_model=PreviewOut)
def preview_advisory(body: AdvisoryBody, desk: DeskDep, actor: CurrentActor) -> PreviewOut:
    """The organisations an advisory would reach (their active items at the version), without
    sending anything. Leads and admins."""
    preview = advisories.preview_advisory(desk, actor, body.input())
    return PreviewOut(
        organisations=[
            RecipientOut(
                organisation_id=r.organisation.id or 0,
                organisation=r.organisation.name,
                items=r.items,
                contacts=len(r.contacts),
                language=r.language,
            )
            for r in preview.recipients
        ]
    )


@router.post("/advisories", response_model=AdvisoryOut, status_code=status.HTTP_201_CREATED)
def create_advisory(body: AdvisoryBody, desk: DeskDep, actor: CurrentActor) -> AdvisoryOut:
    """Send an upgrade advisory: one row per organisation running the version, and a notice to
    each of its contacts in their language through the outbox. Leads and admins."""
    return AdvisoryOut.of(advisories.create_advisory(desk, actor, body.input()))


@router.get("/advisories/{advisory_id}", response_model=AdvisoryOut)
def get_advisory(advisory_id: RecordId, desk: DeskDep, actor: CurrentActor) -> AdvisoryOut:
    """One advisory with the organisations it reached (a contact: only its own)."""
    return AdvisoryOut.of(advisories.get_advisory(desk, actor, advisory_id))


@router.put(
    "/advisories/{advisory_id}/organisations/{organisation_id}/state",
    response_model=OrganisationStateOut,
)
def set_state(
    advisory_id: RecordId,
    organisation_id: RecordId,
    body: StateBody,
    desk: DeskDep,
    actor: CurrentActor,
) -> OrganisationStateOut:
    """Mark an organisation acknowledged or upgraded; the same state again changes nothing,
    and a state never goes back (409). Agents; a contact acknowledges for its own."""
    row = advisories.set_state(desk, actor, advisory_id, organisation_id, body.state)
    return OrganisationStateOut.of(row)


@router.post("/advisories/{advisory_id}/upgrades", response_model=UpgradesOut)
def detect_upgrades(advisory_id: RecordId, desk: DeskDep, actor: CurrentActor) -> UpgradesOut:
    """Mark upgraded every organisation whose active items no longer run the version (the desk
    also does it every hour). Agents."""
    return UpgradesOut(marked=advisories.detect_upgrades(desk, actor, advisory_id))
