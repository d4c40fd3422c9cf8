"""Level 3's outcomes: recommend a known fix, ask for more information, open a defect. Each is
recorded (when the ticket is at L3) so that the metrics can show the mix; asking for more
information also sends the checklist and leaves the ticket pending on the customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.l3_outcomes import L3Outcome, OutcomeRecord, checklist_message, is_l3_decision
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Actor
from tierdesk.domain.record_links import RecordLink, record_on_ticket
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.languages import language_for_customer
from tierdesk.services.linked_records import post_public_notice


def record_outcome(
    uow: UnitOfWork,
    ticket: Ticket,
    outcome: L3Outcome,
    actor: Actor,
    at: datetime,
    record_id: int | None = None,
) -> OutcomeRecord | None:
    """Store the outcome when the ticket is at L3 (the same action elsewhere is not one)."""
    if not is_l3_decision(ticket.tier):
        return None
    assert ticket.id is not None
    record = OutcomeRecord(
        ticket_id=ticket.id,
        outcome=outcome,
        tier=ticket.tier,
        decided_at=at,
        decided_by=actor.name,
        product_id=ticket.product_id,
        record_id=record_id,
    )
    uow.l3_outcomes.add(record)
    record_on_ticket(
        ticket, "l3.outcome", actor, at, changes={"outcome": str(outcome), "record": record_id}
    )
    return record


def request_more_information(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    items: list[str],
    note: str | None = None,
    *,
    channel: Channel = Channel.API,
) -> Ticket:
    """Send the customer a checklist of what is needed, as one public message, and leave the
    ticket pending on them; their answer wakes it (the status machine does that). ``channel``
    is where the agent acted (the workspace says web)."""
    require_agent(actor, "ask customers for information")
    checklist_message(items, note)  # refuses an empty list before anything is read
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        if not ticket.status.is_active:
            raise InvalidTransitionError(
                f"ticket {ticket.number} is {ticket.status}; reopen it before asking for more",
                ticket=ticket.number,
            )
        now = desk.clock.now()
        text = checklist_message(items, note, language_for_customer(uow, ticket))
        post_public_notice(desk, uow, actor, ticket, text, now, channel=channel)
        if ticket.status is not Status.PENDING_CUSTOMER:
            ticket.change_status(
                Status.PENDING_CUSTOMER, actor, now, reason="more information requested"
            )
        record_outcome(uow, ticket, L3Outcome.MORE_INFO, actor, now)
        uow.commit()
        return ticket


def mark_solvable_lower(desk: Desk, actor: Actor, reference: int | str, reason: str) -> Ticket:
    """The receiving level says an escalation it accepted could have been solved lower (a
    bounce says so by itself). Counted in the metrics' "solvable lower" share."""
    require_agent(actor, "judge escalations")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        if ticket.escalation_state is None:
            raise InvalidTransitionError(
                f"ticket {ticket.number} did not arrive at {ticket.tier.label} by escalation",
                ticket=ticket.number,
            )
        reason = reason.strip()
        if not reason:
            raise InvalidInputError("say why it was solvable lower", field="reason")
        record_on_ticket(
            ticket,
            "escalation.marked_solvable_lower",
            actor,
            desk.clock.now(),
            changes={"tier": int(ticket.tier)},
            reason=reason,
        )
        uow.commit()
        return ticket


@dataclass(frozen=True)
class TicketRecords:
    """What levels 3 and 4 decided about one ticket: its links and its L3 outcomes."""

    links: list[RecordLink]
    outcomes: list[OutcomeRecord]


def ticket_records(desk: Desk, actor: Actor, reference: int | str) -> TicketRecords:
    require_agent(actor, "read workflow records")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        return TicketRecords(
            uow.record_links.of_ticket(ticket.id), uow.l3_outcomes.of_ticket(ticket.id)
        )
