"""The customer portal's use cases that the ticket services do not already give: the list of the
organisation's tickets, the requester's own changes to who is copied on a ticket, and the text
of the e-mail that carries a sign-in link."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from tierdesk.domain.csat import CsatRating
from tierdesk.domain.customer_texts import customer_language, customer_text
from tierdesk.domain.outbound import OutboundPolicy, OutgoingEmail
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError, PermissionDeniedError
from tierdesk.ports import TicketFilter
from tierdesk.services import ticket_people
from tierdesk.services.access import access_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import list_tickets
from tierdesk.services.web_sessions import MAGIC_LINK_LIFETIME, IssuedLink

PORTAL_PAGE = 100


def change_ccs(
    desk: Desk, contact: Contact, reference: str, add: Sequence[str], remove: Sequence[str]
) -> Ticket:
    """The requester copies more addresses on their ticket or stops copying some, by the rules
    the agents' Details panel follows (``domain/ticket_people.set_ccs``: plain addresses, at
    most ``MAX_CCS``), audited as theirs is. Colleagues who may see the ticket see the list
    but do not change it: the requester decides who receives their conversation by mail.
    Copying oneself is refused here, with a reason, rather than dropped without a word."""
    with desk.uow() as uow:
        ticket = access_ticket(uow, contact, reference, desk.ticket_prefix)
        if ticket.requester_id != contact.id:
            raise PermissionDeniedError(
                "only the requester changes who is copied", action="set_ccs", field="ccs"
            )
        own = contact.email.strip().lower()
        if any(address.strip().lower() == own for address in add):
            raise InvalidInputError(
                "you receive the replies anyway; there is no need to copy yourself",
                field="ccs",
                requester=True,
            )
        gone = {address.strip().lower() for address in remove}
        wanted = [a for a in ticket.ccs if a not in gone] + list(add)
        ticket_people.set_ccs(uow, ticket, wanted, contact, desk.clock.now())
        uow.commit()
        return ticket


@dataclass(frozen=True)
class PortalTicket:
    ticket: Ticket
    requester: str
    rating: CsatRating | None


def organisation_tickets(desk: Desk, actor: Actor) -> list[PortalTicket]:
    """Every ticket of the contact's organisation (their colleagues' too), newest first."""
    if not isinstance(actor, Contact):
        raise PermissionDeniedError("the portal is for customer contacts", action="use the portal")
    page = list_tickets(desk, actor, TicketFilter(), PORTAL_PAGE)
    with desk.uow() as uow:
        names = {c.id: c.name for c in uow.contacts.all(actor.organisation_id)}
        ratings = uow.csat.for_tickets([t.id for t in page.tickets if t.id is not None])
    return [
        PortalTicket(t, names.get(t.requester_id, "?"), ratings.get(t.id or 0))
        for t in page.tickets
    ]


def magic_link_email(issued: IssuedLink, url: str, policy: OutboundPolicy) -> OutgoingEmail:
    """The sign-in link, written in the contact's language (English when none is stated)."""
    language = customer_language(issued.contact.language)
    minutes = int(MAGIC_LINK_LIFETIME.total_seconds() // 60)
    greeting = customer_text(language, "mail.greeting", name=issued.contact.name)
    intro = customer_text(language, "sign_in_link.intro")
    expiry = customer_text(language, "sign_in_link.expiry", minutes=minutes)
    button = customer_text(language, "sign_in_link.button")
    text = f"{greeting}\n\n{intro}\n\n{url}\n\n{expiry}\n"
    html = (
        f"<p>{_escape(greeting)}</p><p>{_escape(intro)}</p>"
        f'<p><a href="{_escape(url)}">{_escape(button)}</a></p><p>{_escape(expiry)}</p>'
    )
    return OutgoingEmail(
        message_id=f"<signin.{secrets.token_hex(12)}@{policy.domain}>",
        from_address=policy.from_address,
        from_name=policy.from_name,
        to_address=issued.contact.email,
        to_name=issued.contact.name,
        subject=customer_text(language, "sign_in_link.subject"),
        text=text,
        html=html,
        auto_submitted="auto-generated",
    )


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
