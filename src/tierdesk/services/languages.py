"""Settling the language of a new ticket and of a contact who stated none, and the language a
ticket's customer is written to in.

The language is settled when the ticket is built, before it is stored: the handlers of
``ticket.opened`` (routing by language, the acknowledgement, rules on language) run in the
opening transaction and must read the customer's language, not the contact's default.
"""

from __future__ import annotations

from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.customer_texts import customer_language
from tierdesk.domain.languages import opening_language, sure_language
from tierdesk.domain.people import Contact, SystemActor
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk

READER = SystemActor(name="enrichment")


def written_language(desk: Desk, text: str | None) -> str | None:
    """The language ``text`` is written in, when the desk's identifier is sure (None without
    understanding, for short text, or when unsure)."""
    if desk.understanding is None or not text:
        return None
    return sure_language(desk.understanding.languages.detect(text))


def new_ticket_language(
    uow: UnitOfWork,
    desk: Desk,
    requester: Contact,
    chosen: str | None,
    first_message: str | None,
    at: datetime,
) -> str | None:
    """The language a new ticket opens in (``domain.languages.opening_language``); a requester
    with no stated language takes the one they wrote in."""
    written = written_language(desk, first_message)
    if written is not None and requester.id is not None:
        adopt_contact_language(uow, requester.id, written, at)
    return opening_language(chosen, written, requester.language)


def adopt_contact_language(uow: UnitOfWork, contact_id: int, language: str, at: datetime) -> None:
    """A contact with no stated language takes the one they wrote in; a stated one (chosen by
    them or an agent) is never replaced by what the identifier read."""
    contact = uow.contacts.get(contact_id)
    if contact is None or contact.language:
        return
    contact.language = language
    uow.audit.add(
        audit_event(
            "contact",
            "contact.updated",
            READER,
            at,
            subject_id=contact_id,
            changes={"language": [None, language]},
            reason=f"no language was stated; their message is written in {language}",
        )
    )


def language_for_customer(uow: UnitOfWork, ticket: Ticket) -> str:
    """The language the desk writes to the ticket's customer in: the ticket's, else the
    requester's stated one, when there are texts for it; else English."""
    requester = uow.contacts.get(ticket.requester_id)
    return customer_language(ticket.language, requester.language if requester else None)
