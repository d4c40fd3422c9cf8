"""Customer satisfaction: the requester's organisation rates a solved ticket once, 1 to 5."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.csat import CsatRating, check_score
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.tickets import Status
from tierdesk.errors import ConflictError, InvalidTransitionError, PermissionDeniedError
from tierdesk.services.access import access_ticket, require_lead
from tierdesk.services.desk import Desk


def rate_ticket(
    desk: Desk, actor: Actor, reference: int | str, score: int, comment: str = ""
) -> CsatRating:
    if not isinstance(actor, Contact) or actor.id is None:
        raise PermissionDeniedError("only customers rate their tickets", action="rate tickets")
    check_score(score)
    now = desk.clock.now()
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        if ticket.status not in (Status.SOLVED, Status.CLOSED):
            raise InvalidTransitionError("a ticket is rated once it is solved")
        if uow.csat.for_ticket(ticket.id) is not None:
            raise ConflictError(f"ticket {ticket.number} has been rated already")
        rating = uow.csat.add(CsatRating(ticket.id, actor.id, score, comment.strip()[:2000], now))
        event = audit_event(
            "ticket", "csat.rated", actor, now, subject_id=ticket.id, changes={"score": score}
        )
        uow.audit.add(replace(event, ticket_id=ticket.id, public=True))
        uow.commit()
        return rating


def rating_of(desk: Desk, actor: Actor, reference: int | str) -> CsatRating | None:
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        return uow.csat.for_ticket(ticket.id)


@dataclass(frozen=True)
class CsatSummary:
    ratings: int
    average: float | None
    satisfied_share: float | None  # 4s and 5s over all ratings


def summarise(ratings: list[CsatRating], since: datetime | None = None) -> CsatSummary:
    kept = [r for r in ratings if since is None or r.created_at >= since]
    if not kept:
        return CsatSummary(0, None, None)
    return CsatSummary(
        len(kept),
        sum(r.score for r in kept) / len(kept),
        sum(1 for r in kept if r.score >= 4) / len(kept),
    )


def csat_since(desk: Desk, actor: Actor, since: datetime) -> CsatSummary:
    require_lead(actor, "read satisfaction figures")
    with desk.uow() as uow:
        return summarise(uow.csat.since(since))
