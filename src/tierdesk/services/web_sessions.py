"""Signing in to the workspace and the portal: passwords (argon2) and single-use e-mailed links.

The web edge keeps who signed in inside a signed cookie; these functions decide whether they may,
and re-read the person on every request so a deactivated account stops working at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Agent, Contact, normalise_email
from tierdesk.domain.workspace import MagicLink
from tierdesk.errors import InvalidInputError, UnauthenticatedError
from tierdesk.services.desk import Desk

MAGIC_LINK_LIFETIME = timedelta(minutes=20)
_WRONG = "wrong e-mail address or password"
# Verified when the address is unknown, so a wrong address costs as long as a wrong password
# and the answer time does not tell which addresses have accounts.
_DUMMY_HASH_PASSWORD = "no such account"  # noqa: S105 - hashed once, never a credential


class Audience(StrEnum):
    AGENT = "agent"  # the workspace
    CONTACT = "contact"  # the portal


_dummy_hashes: dict[int, str] = {}


def _dummy_hash(desk: Desk) -> str:
    key = id(desk.passwords)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = desk.passwords.hash(_DUMMY_HASH_PASSWORD)
    return _dummy_hashes[key]


def sign_in(desk: Desk, audience: Audience, email: str, password: str) -> Agent | Contact:
    """The active agent (workspace) or contact (portal) with this address and password."""
    try:
        address = normalise_email(email)
    except InvalidInputError as exc:
        raise UnauthenticatedError(_WRONG) from exc
    with desk.uow() as uow:
        person: Agent | Contact | None = (
            uow.agents.get_by_email(address)
            if audience is Audience.AGENT
            else uow.contacts.get_by_email(address)
        )
        stored = person.password_hash if person is not None else None
        verified = desk.passwords.verify(stored or _dummy_hash(desk), password)
        if person is None or stored is None or not verified or not person.active:
            raise UnauthenticatedError(_WRONG)
        uow.audit.add(
            audit_event(
                str(person.kind),
                "session.signed_in",
                person,
                desk.clock.now(),
                subject_id=person.id,
                changes={"method": "password"},
            )
        )
        uow.commit()
        return person


def signed_in_person(desk: Desk, audience: Audience, person_id: int) -> Agent | Contact | None:
    """Who a session cookie names, if they still exist and are active."""
    with desk.uow() as uow:
        person: Agent | Contact | None = (
            uow.agents.get(person_id) if audience is Audience.AGENT else uow.contacts.get(person_id)
        )
    return person if person is not None and person.active else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    contact: Contact
    token: str  # shown only in the e-mail; the desk keeps its digest


def issue_magic_link(desk: Desk, email: str) -> IssuedLink | None:
    """A single-use sign-in token for an active contact; None for an unknown address (the
    caller answers the same either way, so the form does not reveal who has an account)."""
    try:
        address = normalise_email(email)
    except InvalidInputError:
        return None
    now = desk.clock.now()
    with desk.uow() as uow:
        contact = uow.contacts.get_by_email(address)
        if contact is None or contact.id is None or not contact.active:
            return None
        token = secrets.token_urlsafe(32)
        uow.web.add_magic_link(
            MagicLink(contact.id, _digest(token), now, now + MAGIC_LINK_LIFETIME)
        )
        uow.audit.add(
            audit_event("contact", "session.link_sent", contact, now, subject_id=contact.id)
        )
        uow.commit()
        return IssuedLink(contact, token)


def redeem_magic_link(desk: Desk, token: str) -> Contact:
    """The contact a link signs in; each link works once and only until it expires."""
    now = desk.clock.now()
    with desk.uow() as uow:
        link = uow.web.magic_link(_digest(token))
        if link is None or link.id is None or not link.usable_at(now):
            raise UnauthenticatedError("this sign-in link is unknown, used or expired")
        contact = uow.contacts.get(link.contact_id)
        if contact is None or not contact.active or not uow.web.use_magic_link(link.id, now):
            raise UnauthenticatedError("this sign-in link is unknown, used or expired")
        uow.audit.add(
            audit_event(
                "contact",
                "session.signed_in",
                contact,
                now,
                subject_id=contact.id,
                changes={"method": "link"},
            )
        )
        uow.commit()
        return contact
