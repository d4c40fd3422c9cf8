"""Signing in to the workspace and the portal: passwords (argon2), single-use e-mailed links, and
the server-side sessions they open.

The browser's cookie holds only a random session id; the desk keeps its digest, whose it is and
until when, and reads it (with the person) on every request. Sign-out, a password change and
deactivation end sessions here, so a copied cookie stops working with them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.people import Actor, Agent, Contact, normalise_email
from tierdesk.domain.web_sessions import MagicLink, SessionEnd, WebSession, needs_last_seen
from tierdesk.errors import InvalidInputError, UnauthenticatedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS
from tierdesk.services.sign_in_limits import (
    clear_account,
    client_key,
    record_failure,
    refuse_if_blocked,
)

MAGIC_LINK_LIFETIME = timedelta(minutes=20)
_WRONG = "wrong e-mail address or password"
# Verified when the address is unknown, so a wrong address costs as long as a wrong password
# and the answer time does not tell which addresses have accounts.
_DUMMY_HASH_PASSWORD = "no such account"  # noqa: S105 - hashed once, never a credential
# Ended and expired sessions are kept this long (for a look after an incident), then forgotten.
KEEP_ENDED_SESSIONS = timedelta(days=7)


class Audience(StrEnum):
    AGENT = "agent"  # the workspace
    CONTACT = "contact"  # the portal


_dummy_hashes: dict[int, str] = {}


def _dummy_hash(desk: Desk) -> str:
    key = id(desk.passwords)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = desk.passwords.hash(_DUMMY_HASH_PASSWORD)
    return _dummy_hashes[key]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class OpenedSession:
    person: Agent | Contact
    token: str  # goes into the cookie; the desk keeps only its digest


def open_session(uow: UnitOfWork, person: Agent | Contact, at: datetime) -> str:
    """A new session for the person, in the caller's transaction; the id for the cookie."""
    assert person.id is not None
    token = secrets.token_urlsafe(32)
    uow.web_sessions.add(WebSession.starting(str(person.kind), person.id, digest(token), at))
    return token


def end_sessions(
    uow: UnitOfWork, person: Agent | Contact, actor: Actor, at: datetime, why: SessionEnd
) -> int:
    """End every live session of the person (audited when there were any)."""
    assert person.id is not None
    ended = uow.web_sessions.end_all(str(person.kind), person.id, at)
    _leave_every_ticket(uow, person)
    if ended:
        uow.audit.add(
            audit_event(
                str(person.kind),
                "session.ended",
                actor,
                at,
                subject_id=person.id,
                changes={"sessions": ended, "why": str(why)},
            )
        )
    return ended


def _person(uow: UnitOfWork, audience: Audience, address: str) -> Agent | Contact | None:
    if audience is Audience.AGENT:
        return uow.agents.get_by_email(address)
    return uow.contacts.get_by_email(address)


def _signed_in_event(person: Agent | Contact, at: datetime, method: str) -> AuditEvent:
    return audit_event(
        str(person.kind),
        "session.signed_in",
        person,
        at,
        subject_id=person.id,
        changes={"method": method},
    )


def sign_in(
    desk: Desk,
    audience: Audience,
    email: str,
    password: str,
    client: str | None,
    replacing: str | None = None,
) -> OpenedSession:
    """A new session for the active agent (workspace) or contact (portal) with this address and
    password. Too many failures for the address or from the client answer SignInPausedError
    (a rate limit) before the password is looked at; ``replacing`` is the browser's previous
    session id, ended so that nothing carries over from before the sign-in."""
    client = client_key(client)
    try:
        address: str | None = normalise_email(email)
    except InvalidInputError:
        address = None  # cannot be anybody's; still counts against the client
    with desk.uow() as uow:
        refuse_if_blocked(desk, uow, client, address)
        person = _person(uow, audience, address) if address is not None else None
        stored = person.password_hash if person is not None else None
        verified = desk.passwords.verify(stored or _dummy_hash(desk), password)
        if person is None or stored is None or not verified or not person.active:
            owner = person if person is not None and person.active else None
            paused = record_failure(desk, uow, client, address, owner)
            uow.commit()
            if paused is not None:
                raise paused
            raise UnauthenticatedError(_WRONG)
        assert address is not None
        now = desk.clock.now()
        clear_account(uow, address)
        if replacing:
            uow.web_sessions.end(digest(replacing), now)
        token = open_session(uow, person, now)
        uow.audit.add(_signed_in_event(person, now, "password"))
        uow.commit()
        return OpenedSession(person, token)


def signed_in_person(desk: Desk, audience: Audience, token: str) -> Agent | Contact | None:
    """Who the session with this id belongs to, while it is live and they are active. One query;
    "last seen" is written at most once a minute."""
    now = desk.clock.now()
    with desk.uow() as uow:
        found = uow.web_sessions.signed_in(digest(token), str(audience), now)
        if found is None:
            return None
        if needs_last_seen(found.last_seen_at, now):
            uow.web_sessions.touch(found.session_id, now)
            uow.commit()
        return found.person


def sign_out(desk: Desk, token: str) -> None:
    """End the session with this id (audited as the person's sign-out)."""
    now = desk.clock.now()
    with desk.uow() as uow:
        ended = uow.web_sessions.end(digest(token), now)
        if ended is None:
            return
        person: Agent | Contact | None = (
            uow.agents.get(ended.person_id)
            if ended.person_kind == "agent"
            else uow.contacts.get(ended.person_id)
        )
        if person is not None:
            uow.audit.add(
                audit_event(
                    str(person.kind), "session.signed_out", person, now, subject_id=person.id
                )
            )
            _leave_every_ticket(uow, person)
        uow.commit()


def _leave_every_ticket(uow: UnitOfWork, person: Agent | Contact) -> None:
    """An agent who signed out is "also here" on no ticket: their page's own "I left" comes
    after the session has ended and is refused, so colleagues saw them on it for the half
    minute their last heartbeat lasts (the README's walk signs Tom out and Priya in on his
    ticket). Another tab still open says "here" again at its next heartbeat."""
    if isinstance(person, Agent) and person.id is not None:
        uow.presence.forget_agent(person.id)


@dataclass(frozen=True)
class IssuedLink:
    contact: Contact
    token: str  # shown only in the e-mail; the desk keeps its digest


def issue_magic_link(desk: Desk, email: str) -> IssuedLink | None:
    """A single-use sign-in token for an active contact; None for an unknown address, and when
    the address had as many links lately as the sign-in policy allows (the caller answers the
    same in every case, so the form neither reveals accounts nor floods a mailbox)."""
    try:
        address = normalise_email(email)
    except InvalidInputError:
        return None
    now = desk.clock.now()
    policy = desk.sign_in_policy
    with desk.uow() as uow:
        contact = uow.contacts.get_by_email(address)
        if contact is None or contact.id is None or not contact.active:
            return None
        if not policy.may_mail_link(
            uow.magic_links.issued_since(contact.id, now - policy.link_window)
        ):
            return None
        token = secrets.token_urlsafe(32)
        uow.magic_links.add(MagicLink(contact.id, digest(token), now, now + MAGIC_LINK_LIFETIME))
        uow.audit.add(
            audit_event("contact", "session.link_sent", contact, now, subject_id=contact.id)
        )
        uow.commit()
        return IssuedLink(contact, token)


def redeem_magic_link(desk: Desk, token: str, replacing: str | None = None) -> OpenedSession:
    """A session for the contact a link signs in; each link works once and only until it
    expires."""
    now = desk.clock.now()
    with desk.uow() as uow:
        link = uow.magic_links.find(digest(token))
        if link is None or link.id is None or not link.usable_at(now):
            raise UnauthenticatedError("this sign-in link is unknown, used or expired")
        contact = uow.contacts.get(link.contact_id)
        if contact is None or not contact.active or not uow.magic_links.use(link.id, now):
            raise UnauthenticatedError("this sign-in link is unknown, used or expired")
        if replacing:
            uow.web_sessions.end(digest(replacing), now)
        session_token = open_session(uow, contact, now)
        uow.audit.add(_signed_in_event(contact, now, "link"))
        uow.commit()
        return OpenedSession(contact, session_token)


@TASKS.every(timedelta(hours=1), name="sessions.prune")
def prune_sessions(desk: Desk, _payload: dict[str, Any]) -> None:
    """Forget sessions that ended or expired a week ago, and failed sign-ins that no longer
    count (older than the longest window plus block of the sign-in limits)."""
    now = desk.clock.now()
    policy = desk.sign_in_policy
    horizon = max(policy.account.horizon, policy.client.horizon)
    with desk.uow() as uow:
        uow.web_sessions.prune(now - KEEP_ENDED_SESSIONS)
        uow.sign_in_failures.prune(now - horizon)
        uow.commit()
