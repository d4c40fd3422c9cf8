"""Enhancement requests: one record per request, the tickets that asked and the organisations
behind them (one vote each), a status, and a notice on those tickets when it ships."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.enhancements import (
    Enhancement,
    EnhancementStatus,
    EnhancementVote,
    check_note,
)
from tierdesk.domain.people import Actor, Contact, Organisation
from tierdesk.domain.record_links import RecordKind
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import desk_tickets, require_agent, require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.languages import language_for_customer
from tierdesk.services.linked_records import (
    RecordSpec,
    add_record,
    audit_record,
    change_record,
    link_to_record,
    linked_tickets,
    load_record,
    not_found,
    post_public_notice,
    product_id_for,
)

KIND = RecordKind.ENHANCEMENT
ENHANCEMENTS: RecordSpec[Enhancement] = RecordSpec(
    KIND, lambda uow: uow.enhancements, read="read enhancement requests"
)


@dataclass(frozen=True)
class EnhancementView:
    record: Enhancement
    votes: int
    organisations: list[Organisation]
    tickets: list[Ticket]  # the linked tickets the reader may see


@dataclass(frozen=True)
class CustomerEnhancement:
    """What a customer sees of a request: its title, status and votes, never its description,
    its author or the other organisations that asked."""

    id: int
    title: str
    status: EnhancementStatus
    shipped_in: str | None
    votes: int
    voted: bool  # whether the customer's organisation has asked for it


def create_enhancement(
    desk: Desk, actor: Actor, title: str, description: str = "", product: str | None = None
) -> Enhancement:
    require_agent(actor, "record enhancement requests")
    with desk.uow() as uow:
        now = desk.clock.now()
        enhancement = Enhancement(
            title=title,
            description=description,
            created_at=now,
            updated_at=now,
            created_by=actor.name,
            product_id=product_id_for(uow, product),
        )
        changes = {"title": enhancement.title}
        add_record(uow, ENHANCEMENTS, enhancement, "created", actor, now, changes)
        uow.commit()
        return enhancement


def link_enhancement(desk: Desk, actor: Actor, enhancement_id: int, reference: int | str) -> Ticket:
    """A ticket asks for it: linked, and its organisation counted as a requester (once)."""
    require_agent(actor, "link enhancement requests")
    with desk.uow() as uow:
        enhancement = change_record(uow, ENHANCEMENTS, enhancement_id)
        if enhancement.status.is_final:
            raise InvalidInputError(
                f"ENH-{enhancement_id} is {enhancement.status}; open a new request instead"
            )
        now = desk.clock.now()
        ticket, _link = link_to_record(
            uow, desk, actor, KIND, enhancement_id, enhancement.title, reference, now
        )
        voters = {v.organisation_id for v in uow.enhancements.votes(enhancement_id)}
        if ticket.organisation_id not in voters:
            uow.enhancements.add_vote(
                EnhancementVote(
                    enhancement_id=enhancement_id,
                    organisation_id=ticket.organisation_id,
                    created_at=now,
                    ticket_id=ticket.id,
                )
            )
        uow.commit()
        return ticket


def vote_for_enhancement(
    desk: Desk, actor: Actor, enhancement_id: int, organisation: str
) -> Enhancement:
    """An organisation asks for it without a ticket (a call, a meeting)."""
    require_agent(actor, "record votes")
    with desk.uow() as uow:
        enhancement = change_record(uow, ENHANCEMENTS, enhancement_id)
        found = uow.organisations.get_by_name(organisation.strip())
        if found is None or found.id is None:
            raise InvalidInputError(f"unknown organisation {organisation!r}", field="organisation")
        if any(v.organisation_id == found.id for v in uow.enhancements.votes(enhancement_id)):
            raise InvalidInputError(f"{found.name} asked for ENH-{enhancement_id} already")
        now = desk.clock.now()
        uow.enhancements.add_vote(
            EnhancementVote(enhancement_id=enhancement_id, organisation_id=found.id, created_at=now)
        )
        audit_record(uow, KIND, enhancement.id, "voted", actor, now, {"organisation": found.name})
        uow.commit()
        return enhancement


def change_enhancement_status(
    desk: Desk, actor: Actor, enhancement_id: int, status: EnhancementStatus, note: str = ""
) -> Enhancement:
    """Move a request on (planned, in progress, declined, or back to proposed); ``note`` says
    why, on the audit trail. Shipping is ``ship_enhancement``: it needs the release."""
    require_lead(actor, "change enhancement status")
    with desk.uow() as uow:
        enhancement = change_record(uow, ENHANCEMENTS, enhancement_id)
        old = enhancement.status
        enhancement.change_status(status, desk.clock.now())
        audit_record(
            uow,
            KIND,
            enhancement.id,
            "status_changed",
            actor,
            desk.clock.now(),
            {"status": [str(old), str(status)]},
            reason=_note(note),
        )
        uow.commit()
        return enhancement


def ship_enhancement(
    desk: Desk, actor: Actor, enhancement_id: int, version: str, note: str = ""
) -> int:
    """Shipped in ``version``: every linked ticket of a requesting organisation is told (a
    public reply in its customer's language, mailed by the outbox). Returns how many tickets
    were; ``note`` goes on the audit trail."""
    require_lead(actor, "ship enhancements")
    with desk.uow() as uow:
        enhancement = change_record(uow, ENHANCEMENTS, enhancement_id)
        now = desk.clock.now()
        enhancement.ship(version, now)
        told = 0
        linked = [link.ticket_id for link in uow.record_links.of_record(KIND, enhancement_id)]
        for ticket in desk_tickets(uow, linked, why="enhancement shipped notice"):
            notice = enhancement.shipped_notice(language_for_customer(uow, ticket))
            if post_public_notice(desk, uow, actor, ticket, notice, now):
                told += 1
        audit_record(
            uow,
            KIND,
            enhancement.id,
            "shipped",
            actor,
            now,
            {"shipped_in": enhancement.shipped_in, "tickets_notified": told},
            reason=_note(note),
        )
        uow.commit()
        return told


def _note(text: str) -> str | None:
    return check_note(text) if text.strip() else None


def list_enhancements(
    desk: Desk, actor: Actor, status: EnhancementStatus | None = None
) -> list[tuple[Enhancement, int]]:
    """Requests with their vote counts, most wanted first."""
    require_agent(actor, ENHANCEMENTS.read)
    with desk.uow() as uow:
        found = uow.enhancements.find(status)
        votes = uow.enhancements.vote_counts([e.id for e in found if e.id is not None])
    ranked = [(e, votes.get(e.id or 0, 0)) for e in found]
    return sorted(ranked, key=lambda pair: (-pair[1], pair[0].id or 0))


def get_enhancement(desk: Desk, actor: Actor, enhancement_id: int) -> EnhancementView:
    require_agent(actor, ENHANCEMENTS.read)
    with desk.uow() as uow:
        enhancement = load_record(uow, ENHANCEMENTS, enhancement_id)
        votes = uow.enhancements.votes(enhancement_id)
        organisations = [
            o for o in (uow.organisations.get(v.organisation_id) for v in votes) if o is not None
        ]
        return EnhancementView(
            enhancement,
            len(votes),
            organisations,
            linked_tickets(uow, actor, KIND, enhancement_id),
        )


# -- the portal: a customer's organisation votes ---------------------------------------------


def _touches(uow: UnitOfWork, enhancement_id: int, contact: Contact) -> bool:
    """Whether a ticket of the contact's organisation is linked to the request: the one thing
    that lets a customer see it (a request only an agent recorded stays internal)."""
    linked = [link.ticket_id for link in uow.record_links.of_record(KIND, enhancement_id)]
    tickets = desk_tickets(uow, linked, why="enhancement votes")
    return any(t.organisation_id == contact.organisation_id for t in tickets)


def _for_customer(
    uow: UnitOfWork, enhancement: Enhancement, contact: Contact
) -> CustomerEnhancement:
    assert enhancement.id is not None
    votes = uow.enhancements.votes(enhancement.id)
    return CustomerEnhancement(
        enhancement.id,
        enhancement.title,
        enhancement.status,
        enhancement.shipped_in,
        len(votes),
        any(v.organisation_id == contact.organisation_id for v in votes),
    )


def customer_enhancements(desk: Desk, contact: Contact) -> list[CustomerEnhancement]:
    """The requests linked to tickets of the contact's organisation, most wanted first."""
    with desk.uow() as uow:
        found = [
            _for_customer(uow, e, contact)
            for e in uow.enhancements.find(None)
            if e.id is not None and _touches(uow, e.id, contact)
        ]
    return sorted(found, key=lambda e: (-e.votes, e.id))


def vote_as_customer(
    desk: Desk, contact: Contact, enhancement_id: int, vote: bool
) -> CustomerEnhancement:
    """The contact asks for the request on behalf of their organisation (one vote each), or
    withdraws that vote. A request not linked to their organisation's tickets is not found."""
    with desk.uow() as uow:
        enhancement = uow.enhancements.get(enhancement_id)
        if enhancement is None or not _touches(uow, enhancement_id, contact):
            raise not_found(KIND, enhancement_id)
        ours = [
            v
            for v in uow.enhancements.votes(enhancement_id)
            if v.organisation_id == contact.organisation_id
        ]
        if vote == bool(ours):  # asked twice, or withdrawn twice: nothing to change
            return _for_customer(uow, enhancement, contact)
        now = desk.clock.now()
        organisation = uow.organisations.get(contact.organisation_id)
        changes = {"organisation": organisation.name if organisation else None}
        if vote:
            uow.enhancements.add_vote(
                EnhancementVote(
                    enhancement_id=enhancement_id,
                    organisation_id=contact.organisation_id,
                    created_at=now,
                )
            )
            audit_record(uow, KIND, enhancement_id, "voted", contact, now, changes)
        else:
            for v in ours:
                uow.enhancements.remove_vote(v)
            audit_record(uow, KIND, enhancement_id, "vote_withdrawn", contact, now, changes)
        uow.commit()
        return _for_customer(uow, enhancement, contact)
