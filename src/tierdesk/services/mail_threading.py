"""Where received mail goes: the sender's contact (created for unknown senders, matched to an
organisation by mail domain) and the ticket (found by the ids it answers or the ticket number in
its subject, or opened, or a follow-up when the old one is closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.inbound import (
    InboundEmail,
    MailPolicy,
    ReplyParts,
    ReplyToClosedPolicy,
    sender_name,
    thread_keys,
    ticket_number_in_subject,
    ticket_subject,
)
from tierdesk.domain.messages import Channel, Message, MessageKind
from tierdesk.domain.people import Contact, SystemActor, normalise_email
from tierdesk.domain.ticket_people import MAX_CCS, cc_address
from tierdesk.domain.tickets import LinkKind, Status, Ticket
from tierdesk.errors import InvalidInputError, TicketNotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, desk_ticket
from tierdesk.services.conversation import NewAttachment, build_message
from tierdesk.services.desk import Desk
from tierdesk.services.languages import new_ticket_language
from tierdesk.services.ticket_people import set_ccs
from tierdesk.services.tickets import CatalogRef, resolve_catalog

INTAKE = SystemActor(name="e-mail intake")


@dataclass(frozen=True)
class MailSource:
    """Where mail came in: a mailbox (or the SMTP listener) and what its tickets get."""

    name: str
    queue: str | None = None
    product: str | None = None


def sender_contact(
    uow: UnitOfWork, policy: MailPolicy, email: InboundEmail, now: datetime
) -> Contact:
    """The contact a new sender becomes, in the organisation of their mail domain (else the
    catch-all one), created once even when two intakes meet the sender at the same moment."""
    address = normalise_email(email.from_address)
    domain = address.rpartition("@")[2]
    organisation_id = uow.organisations.for_email_domain(domain)
    if organisation_id is None:
        organisation_id, created = uow.organisations.ensure(
            policy.unknown_sender_organisation, policy.unknown_sender_plan, now
        )
        if created:
            uow.audit.add(
                audit_event(
                    "organisation",
                    "organisation.created",
                    INTAKE,
                    now,
                    subject_id=organisation_id,
                    changes={"name": policy.unknown_sender_organisation},
                )
            )
    # The mail's Content-Language is what the sender's mail says it is written in; without
    # one the contact states no language and takes the one their first mail is written in.
    language = (email.language or "").partition("-")[0].lower()
    contact_id, created = uow.contacts.ensure(
        address,
        sender_name(email),
        organisation_id,
        language if len(language) == 2 and language.isalpha() else None,
        now,
    )
    contact = uow.contacts.get(contact_id)
    assert contact is not None
    if created:
        uow.audit.add(
            audit_event(
                "contact",
                "contact.created",
                INTAKE,
                now,
                subject_id=contact_id,
                changes={"email": address, "organisation_id": organisation_id, "source": "e-mail"},
            )
        )
    return contact


def _find_ticket(
    uow: UnitOfWork, ticket_prefix: str, email: InboundEmail, contact: Contact
) -> Ticket | None:
    """The ticket a mail answers: by the Message-IDs it refers to, else by the ticket number in
    its subject; never by subject text. A merged ticket hands over to the one it merged into.
    A ticket the sender may not see is not theirs to write to."""
    ticket = None
    ticket_id = uow.mail_threads.ticket_for_message_ids(thread_keys(email))
    if ticket_id is not None:
        ticket = desk_ticket(uow, ticket_id, why="mail threading")
    if ticket is None:
        number = ticket_number_in_subject(email.subject, ticket_prefix)
        ticket = desk_ticket(uow, number, why="mail threading") if number else None
    for _hop in range(5):
        merged = (
            next((lk for lk in ticket.links if lk.kind is LinkKind.MERGED_INTO), None)
            if ticket
            else None
        )
        if ticket is None or merged is None:
            break
        ticket = desk_ticket(uow, merged.target_ticket_id, why="mail threading")
    if ticket is None or ticket.id is None:
        return None
    try:  # the thread is the desk's to follow; whether the sender may write to it is not
        return access_ticket(uow, contact, ticket.id, ticket_prefix)
    except TicketNotFoundError:
        return None


def deliver_to_ticket(
    uow: UnitOfWork,
    desk: Desk,
    policy: MailPolicy,
    email: InboundEmail,
    parts: ReplyParts,
    contact: Contact,
    source: MailSource,
    now: datetime,
) -> tuple[Ticket, Message]:
    """Put the mail on the ticket it answers, or open a ticket (a follow-up when the one it
    answers is closed); returns the ticket and the new message."""
    body = parts.new_text or email.text
    for note in email.notes:
        body += f"\n\n[tierdesk: {note}]"
    if not body.strip():
        body = "(no text; see the attachments)" if email.attachments else "(empty message)"
    message = build_message(
        desk,
        contact,
        MessageKind.CUSTOMER,
        text=body,
        html=None,
        channel=Channel.EMAIL,
        attachments=[NewAttachment(a.filename, a.data, a.content_type) for a in email.attachments],
        at=now,
    )
    ticket = _find_ticket(uow, desk.ticket_prefix, email, contact)
    follow_up = ticket is not None and (
        ticket.status is Status.CLOSED
        or (
            ticket.status is Status.SOLVED
            and policy.reply_to_closed is ReplyToClosedPolicy.FOLLOW_UP
        )
    )
    if ticket is not None and not follow_up:
        ticket.add_message(message, contact)
        _copy_ccs(uow, desk, policy, ticket, email, contact, now)
        return ticket, message
    new = _open_ticket(uow, desk, email, contact, source, now, message.body_text)
    new.add_message(message, contact)
    _copy_ccs(uow, desk, policy, new, email, contact, now)
    if follow_up and ticket is not None:
        uow.flush()
        new.link_to(ticket, LinkKind.RELATED, INTAKE, now)
    return new, message


def _copy_ccs(
    uow: UnitOfWork,
    desk: Desk,
    policy: MailPolicy,
    ticket: Ticket,
    email: InboundEmail,
    sender: Contact,
    now: datetime,
) -> None:
    """Whom the customer copied stays copied: the mail's Cc addresses join the ticket's CCs, as
    the sender's change. Never the desk's own addresses (nor their sub-addresses, which side
    conversations use) or an agent's, or copies would loop back into the desk; a Cc that is no
    plain address is left out rather than the mail refused. Removing a CC is an agent's act."""
    own = set(policy.our_addresses)
    if desk.mail_out is not None:
        own.add(desk.mail_out.policy.from_address.lower())
    added: list[str] = []
    for text in email.cc:
        try:
            address = cc_address(text)
        except InvalidInputError:
            continue
        local, _, domain = address.partition("@")
        if (
            address in ticket.ccs
            or address in added
            or address == sender.email
            or f"{local.partition('+')[0]}@{domain}" in own
            or uow.agents.get_by_email(address) is not None
        ):
            continue
        added.append(address)
    room = MAX_CCS - len(ticket.ccs)
    if added and room > 0:
        set_ccs(uow, ticket, [*ticket.ccs, *added[:room]], sender, now)


def _open_ticket(
    uow: UnitOfWork,
    desk: Desk,
    email: InboundEmail,
    contact: Contact,
    source: MailSource,
    now: datetime,
    first_message: str,
) -> Ticket:
    assert contact.id is not None
    try:
        product_id, _component, _version = resolve_catalog(uow, CatalogRef(product=source.product))
    except InvalidInputError:
        product_id = None  # a mailbox naming an unknown product must not lose the mail
    ticket = Ticket(
        subject=ticket_subject(email.subject),
        requester_id=contact.id,
        organisation_id=contact.organisation_id,
        created_at=now,
        updated_at=now,
        channel=Channel.EMAIL,
        product_id=product_id,
        queue=source.queue,
        language=new_ticket_language(uow, desk, contact, None, first_message, now),
    )
    ticket.record_opened(contact)
    uow.tickets.add(ticket)
    return ticket
