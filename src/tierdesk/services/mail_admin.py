"""Mail for admins: the quarantine (unreadable, oversize, empty or rate-limited messages, and mail
from unknown senders held for approval), the backlog (mail the SMTP listener acknowledged and has
not processed yet) and the outbox. Admins list quarantined mail, read the original bytes, and
reprocess it: a lenient second reading that stores what can be stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.inbound import InboundOutcome, InboundRecord
from tierdesk.domain.outbound import OutboxItem, OutboxStatus
from tierdesk.domain.people import Actor, Agent, Role, SystemActor
from tierdesk.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, Receipt, process_inbound, receipt_for

AWAITING_ADMIN = (InboundOutcome.QUARANTINED, InboundOutcome.HELD)


@dataclass(frozen=True)
class MailBacklog:
    """Mail acknowledged (stored as ``received``) and not yet processed: a growing count or an
    old oldest means no intake is running or it cannot keep up (``services/mail_intake.py``)."""

    waiting: int
    oldest_received_at: datetime | None  # None when nothing waits
    oldest_age_seconds: float  # 0 when nothing waits


def read_backlog(desk: Desk) -> MailBacklog:
    """The backlog for the operations endpoints (no actor: they have their own access rules)."""
    now = desk.clock.now()
    with desk.uow() as uow:
        waiting, oldest = uow.mail.received_backlog()
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return MailBacklog(waiting, oldest, age)


def mail_backlog(desk: Desk, actor: Actor) -> MailBacklog:
    require_admin(actor, "see the mail backlog")
    return read_backlog(desk)


def require_admin(actor: Actor, action: str) -> None:
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, Agent) or actor.role is not Role.ADMIN:
        raise PermissionDeniedError(f"only admins can {action}", action=action)


def list_quarantine(
    desk: Desk, actor: Actor, *, limit: int = 50, before_id: int | None = None
) -> list[InboundRecord]:
    """Quarantined and held mail, newest first."""
    require_admin(actor, "see quarantined mail")
    if limit < 1:
        raise InvalidInputError("limit must be at least 1", field="limit")
    with desk.uow() as uow:
        return uow.mail.list_inbound(AWAITING_ADMIN, limit, before_id)


def quarantined_mail(desk: Desk, actor: Actor, inbound_id: int) -> tuple[InboundRecord, bytes]:
    """One received message's record and its original bytes."""
    require_admin(actor, "read quarantined mail")
    with desk.uow() as uow:
        record = uow.mail.get_inbound(inbound_id)
    if record is None:
        raise NotFoundError(f"received message {inbound_id} not found", inbound_id=inbound_id)
    return record, desk.files.open(record.raw_key)


def reprocess(mail: MailDesk, actor: Actor, inbound_id: int) -> Receipt:
    """Read a quarantined or held message again, leniently; for a held sender this approves
    them (a contact is created). The outcome replaces the quarantine record's."""
    require_admin(actor, "reprocess quarantined mail")
    desk = mail.desk
    with desk.uow() as uow:
        record = uow.mail.get_inbound(inbound_id)
        if record is None:
            raise NotFoundError(f"received message {inbound_id} not found", inbound_id=inbound_id)
        if record.outcome not in AWAITING_ADMIN:
            raise InvalidTransitionError(
                f"received message {inbound_id} is {record.outcome}, not in quarantine",
                outcome=str(record.outcome),
            )
        raw = desk.files.open(record.raw_key)
        now = desk.clock.now()
        source = mail.source(record.mailbox)
        processed = process_inbound(uow, mail, raw, source, record.id, now, reprocess=True)
        result = processed.result
        uow.mail.finish_inbound(record.id, result, now)
        uow.audit.add(
            audit_event(
                "inbound_email",
                "mail.reprocessed",
                actor,
                now,
                subject_id=record.id,
                changes={
                    "outcome": [str(record.outcome), str(result.outcome)],
                    "reason": record.reason,
                    "ticket_id": result.ticket_id,
                },
            )
        )
        uow.commit()
        stored = uow.mail.get_inbound(record.id)
        assert stored is not None
        return receipt_for(uow, stored, duplicate=False)


def list_outbox(
    desk: Desk,
    actor: Actor,
    statuses: list[OutboxStatus],
    *,
    ticket_id: int | None = None,
    limit: int = 100,
) -> list[OutboxItem]:
    """Outgoing mail by status (failed mail is what an admin looks for), oldest first."""
    require_admin(actor, "see the outbox")
    with desk.uow() as uow:
        return uow.mail_outbox.find(statuses or list(OutboxStatus), ticket_id, limit)
