"""Who a ticket is about and who watches it: its requester, its followers (agents) and its CCs
(addresses on the customer's side copied on the conversation).

Functions of the ticket, like ``ticket_levels.py``, so that ``tickets.py`` stays readable; they
check, apply and record on the ticket's trail through its ``_record``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from tierdesk.domain.people import Actor, Agent, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError, PermissionDeniedError

# More would make a ticket a mailing list; a customer who needs that has one of their own.
MAX_CCS = 20
# One address, as a mail header may carry it: no spaces, quotes, brackets or separators (what
# could smuggle a second recipient or a header into the Cc: line, or markup into a page).
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"'\\]+\.[a-z0-9-]{2,}")


def cc_address(text: str) -> str:
    """``text`` as a CC: trimmed and lower-cased; refuses what is not one plain address."""
    address = text.strip().lower()
    if len(address) > 254 or not _ADDRESS.fullmatch(address) or ".." in address:
        raise InvalidInputError(
            f"{text.strip()!r} is not an e-mail address", field="ccs", address=text.strip()
        )
    return address


def split_addresses(text: str) -> list[str]:
    """Addresses typed in one box, separated by commas, semicolons, spaces or lines."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def change_requester(ticket: Ticket, contact: Contact, by: Actor, at: datetime) -> None:
    """The person the ticket is for becomes ``contact``: someone of the same organisation (a
    ticket never moves between organisations: what they may see follows from it)."""
    ticket._require_active("change_requester")
    if contact.id is None or not contact.active:
        raise InvalidInputError(f"{contact.name} is not an active contact", field="requester_id")
    if contact.organisation_id != ticket.organisation_id:
        raise InvalidInputError(
            f"{contact.name} is not of this ticket's organisation", field="requester_id"
        )
    if contact.id == ticket.requester_id:
        return
    old, ticket.requester_id = ticket.requester_id, contact.id
    ticket._record("ticket.requester_changed", by, at, changes={"requester_id": [old, contact.id]})


def set_followers(ticket: Ticket, agents: Sequence[Agent], by: Actor, at: datetime) -> None:
    """The agents who follow the ticket become exactly ``agents``. A follower may open the
    ticket whatever its level (``visibility.can_see``), so only a lead makes others follow or
    stop following; an agent starts or stops following on their own."""
    ticket._require_active("set_followers")
    wanted: list[int] = []
    for agent in agents:
        if agent.id is None or not agent.active:
            raise InvalidInputError(f"{agent.name} is not an active agent", field="followers")
        if agent.id not in wanted:
            wanted.append(agent.id)
    moved = set(wanted) ^ set(ticket.followers)
    if not moved:
        return
    if isinstance(by, Agent) and not by.is_lead and moved - {by.id}:
        raise PermissionDeniedError(
            "only leads make others follow a ticket; you may follow or stop following it",
            action="set_followers",
            field="followers",
        )
    old, ticket.followers = list(ticket.followers), wanted
    ticket._record("ticket.followers_changed", by, at, changes={"followers": [old, wanted]})


def set_ccs(
    ticket: Ticket, addresses: Iterable[str], requester_email: str, by: Actor, at: datetime
) -> None:
    """The addresses copied on the ticket's public conversation become exactly ``addresses``
    (normalised, without repeats, and without the requester, who is mailed anyway). Any address
    may be copied: a CC receives the public replies and its replies land on the ticket, but it
    grants no access to the ticket in the portal (that follows from the organisation alone)."""
    ticket._require_active("set_ccs")
    requester = requester_email.strip().lower()
    wanted: list[str] = []
    for text in addresses:
        address = cc_address(text)
        if address != requester and address not in wanted:
            wanted.append(address)
    if len(wanted) > MAX_CCS:
        raise InvalidInputError(
            f"at most {MAX_CCS} addresses may be copied", field="ccs", limit=MAX_CCS
        )
    if wanted == ticket.ccs:
        return
    old, ticket.ccs = list(ticket.ccs), wanted
    ticket._record("ticket.ccs_changed", by, at, changes={"ccs": [old, wanted]})
