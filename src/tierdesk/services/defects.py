"""Product defects: opened from a ticket with the hand-off packet's reproduction, linked to
every ticket that hits them, mirrored to the developers' tracker (``defect_sync.py``), and,
once a release fixes them, announced on every linked ticket with the customer's own verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.defects import (
    Defect,
    DefectDraft,
    DefectStatus,
    Reproduction,
    Severity,
    draft_defect,
    fix_notice,
    reproduction_from_packet,
)
from tierdesk.domain.l3_outcomes import L3Outcome
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Actor, Tier
from tierdesk.domain.record_links import RecordKind, record_on_ticket, record_reference
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, desk_tickets, require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.escalation import packet_draft
from tierdesk.services.jobs import enqueue
from tierdesk.services.l3_outcomes import record_outcome
from tierdesk.services.languages import language_for_customer
from tierdesk.services.linked_records import (
    RecordSpec,
    RecordView,
    add_record,
    audit_record,
    change_record,
    customer_version,
    get_record,
    link_to_record,
    list_records,
    post_public_notice,
    require_level,
)

KIND = RecordKind.DEFECT
DEFECTS: RecordSpec[Defect] = RecordSpec(KIND, lambda uow: uow.defects, read="read defects")
# Level 3 concludes "product defect" (leads and L4 may too).
AUTHORS = Tier.L3


@dataclass
class DefectInput:
    """What the engineer states; anything left None comes from the ticket's hand-off packet."""

    title: str | None = None
    severity: Severity = Severity.MAJOR
    expected: str | None = None
    actual: str | None = None
    steps: list[str] | None = None
    environment: str | None = None
    affected_versions: list[str] | None = None


def open_defect(desk: Desk, actor: Actor, reference: int | str, new: DefectInput) -> Defect:
    """Open a defect from a ticket: the reproduction comes from its newest hand-off packet,
    the ticket is linked, L3's "defect" outcome recorded and the tracker mirror scheduled."""
    require_level(actor, AUTHORS, "open defects")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        packet = uow.packets.latest(ticket.id)
        content = packet.content if packet is not None else None
        reproduction = reproduction_from_packet(
            content,
            severity=new.severity,
            expected=new.expected,
            actual=new.actual,
            steps=new.steps,
            environment=new.environment,
            affected_versions=new.affected_versions,
        )
        now = desk.clock.now()
        defect = Defect(
            title=new.title or ticket.subject,
            reproduction=reproduction.to_dict(),
            severity=new.severity,
            created_at=now,
            updated_at=now,
            created_by=actor.name,
            source_ticket_id=ticket.id,
            product_id=ticket.product_id,
        )
        add_record(uow, DEFECTS, defect, "opened", actor, now, {"ticket": ticket.number})
        assert defect.id is not None
        link_to_record(uow, desk, actor, KIND, defect.id, defect.title, ticket.id, now)
        record_outcome(uow, ticket, L3Outcome.DEFECT, actor, now, record_id=defect.id)
        schedule_push(uow, desk, defect)
        uow.commit()
        return defect


def draft_defect_for(desk: Desk, actor: Actor, reference: int | str) -> DefectDraft:
    """A defect proposed from the ticket (the workspace's "Open a defect…" form): its subject,
    a severity from its priority, product, component and version from its catalogue fields,
    and symptoms and steps from its newest hand-off packet, else from a packet drafted off
    its thread. Nothing is stored."""
    require_level(actor, AUTHORS, "open defects")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        packet = uow.packets.latest(ticket.id)
        content = packet.content if packet is not None else packet_draft(uow, ticket)
        product = uow.products.get(ticket.product_id) if ticket.product_id is not None else None
        component = (
            next((c.name for c in product.components if c.id == ticket.component_id), None)
            if product is not None
            else None
        )
        return draft_defect(ticket.subject, ticket.priority, content, component)


def schedule_push(uow: UnitOfWork, desk: Desk, defect: Defect) -> None:
    if desk.tracker is not None:
        now = desk.clock.now()
        enqueue(uow, "defects.push", {"defect_id": defect.id}, at=now, key=f"push:{defect.id}")


def link_defect(desk: Desk, actor: Actor, defect_id: int, reference: int | str) -> Ticket:
    """Another ticket hits the defect. The developers' issue gets a comment saying so; at L3
    this is the "defect" outcome for that ticket."""
    require_agent(actor, "link defects")
    with desk.uow() as uow:
        defect = change_record(uow, DEFECTS, defect_id)
        now = desk.clock.now()
        ticket, link = link_to_record(
            uow, desk, actor, KIND, defect_id, defect.title, reference, now
        )
        record_outcome(uow, ticket, L3Outcome.DEFECT, actor, now, record_id=defect_id)
        if defect.status is DefectStatus.FIXED:
            announce_to(desk, uow, defect, ticket, actor, now)
        if desk.tracker is not None:
            version = customer_version(uow, ticket) or "unknown"
            enqueue(
                uow,
                "defects.comment",
                {
                    "defect_id": defect_id,
                    "body": f"Also reported by a customer on support ticket {ticket.number} "
                    f"(version {version}).",
                },
                at=now,
                key=f"comment:{defect_id}:{ticket.id}:{link.created_at.isoformat()}",
            )
        uow.commit()
        return ticket


def list_defects(
    desk: Desk, actor: Actor, status: DefectStatus | None = None
) -> list[tuple[Defect, int]]:
    return list_records(desk, actor, DEFECTS, lambda uow: uow.defects.find(status))


def get_defect(desk: Desk, actor: Actor, defect_id: int) -> RecordView[Defect]:
    return get_record(desk, actor, DEFECTS, defect_id)


def mark_defect_fixed(
    desk: Desk, actor: Actor, defect_id: int, version: str, *, channel: Channel = Channel.API
) -> Defect:
    """Record the fixing release by hand (the tracker usually tells us) and tell every
    linked ticket (by way of ``channel``)."""
    require_level(actor, AUTHORS, "mark defects fixed")
    with desk.uow() as uow:
        defect = change_record(uow, DEFECTS, defect_id)
        settle_fix(desk, uow, defect, version, actor, channel)
        uow.commit()
        return defect


def settle_fix(
    desk: Desk,
    uow: UnitOfWork,
    defect: Defect,
    version: str,
    actor: Actor,
    channel: Channel = Channel.API,
) -> int:
    """Mark ``defect`` fixed in ``version`` and announce it; 0 notices when that was known."""
    now = desk.clock.now()
    if not defect.mark_fixed(version, now):
        return 0
    audit_record(uow, KIND, defect.id, "fixed", actor, now, {"fixed_in": defect.fixed_in})
    return announce_fix(desk, uow, defect, actor, now, channel)


def announce_fix(
    desk: Desk,
    uow: UnitOfWork,
    defect: Defect,
    actor: Actor,
    at: datetime,
    channel: Channel = Channel.API,
) -> int:
    """One public notice per linked ticket, each with its customer's verdict."""
    assert defect.id is not None
    told = 0
    linked = [link.ticket_id for link in uow.record_links.of_record(KIND, defect.id)]
    for ticket in desk_tickets(uow, linked, why="defect fix notice"):
        if announce_to(desk, uow, defect, ticket, actor, at, channel):
            told += 1
    return told


def announce_to(
    desk: Desk,
    uow: UnitOfWork,
    defect: Defect,
    ticket: Ticket,
    actor: Actor,
    at: datetime,
    channel: Channel = Channel.API,
) -> bool:
    version = customer_version(uow, ticket)
    text, verdict = fix_notice(defect, version, language_for_customer(uow, ticket))
    if post_public_notice(desk, uow, actor, ticket, text, at, channel=channel) is None:
        return False
    record_on_ticket(
        ticket,
        "defect.fix_announced",
        actor,
        at,
        changes={
            "record": record_reference(KIND, defect.id),
            "fixed_in": defect.fixed_in,
            "customer_version": version,
            "exposure": str(verdict),
        },
    )
    return True


def reproduction_of(defect: Defect) -> Reproduction:
    return Reproduction.from_dict(dict(defect.reproduction))
