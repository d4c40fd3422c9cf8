"""Slowing guessers down: failed sign-ins are counted per account and per client address, in the
database so that every web process sees the same counts (the rule is domain/sign_in_limits.py).

A blocked key is refused before any password is checked, with the same answer for every
address, known or not; the attempt that locks an account is audited and, when the address
belongs to somebody, tells the web edge whom to warn by e-mail."""

from __future__ import annotations

import html
import secrets
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.customer_texts import customer_language, customer_text, minutes_phrase
from tierdesk.domain.outbound import OutboundPolicy, OutgoingEmail
from tierdesk.domain.people import Agent, Contact, SystemActor
from tierdesk.domain.sign_in_limits import (
    LimitScope,
    retry_after_seconds,
    wait_minutes,
    wait_phrase,
)
from tierdesk.errors import RateLimitedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk

GUARD = SystemActor(name="sign-in limits")
UNKNOWN_CLIENT = "unknown"


class SignInPausedError(RateLimitedError):
    """Too many failed sign-ins for an account or from a client address. ``locked`` is set only
    on the attempt that locked an account belonging to somebody: the edge warns them by mail."""

    def __init__(
        self,
        scope: LimitScope,
        retry_after: int,
        locked: Agent | Contact | None = None,
    ) -> None:
        wait = wait_phrase(retry_after)
        if scope is LimitScope.ACCOUNT:
            message = (
                "too many failed sign-ins for this account: it is locked for now; "
                f"try again in {wait}"
            )
        else:
            message = f"too many failed sign-ins from your network address; try again in {wait}"
        super().__init__(message, retry_after)
        self.scope = scope
        self.locked = locked


def client_key(host: str | None) -> str:
    return host or UNKNOWN_CLIENT


def token_client_key(host: str | None) -> str:
    """The address's own count for API tokens. A token guessed wrong counts against the address
    as a failed sign-in does, but in a budget of its own: people mistyping passwords behind one
    proxy must not stop every integration there, nor a broken integration every sign-in."""
    return f"api-token {client_key(host)}"


def _blocked_until(desk: Desk, uow: UnitOfWork, scope: LimitScope, key: str) -> datetime | None:
    limit = desk.sign_in_policy.limit(scope)
    now = desk.clock.now()
    failures = uow.sign_in_failures.since(scope, key, now - limit.horizon)
    return limit.blocked_until(failures, now)


def refuse_if_blocked(desk: Desk, uow: UnitOfWork, client: str, account: str | None) -> None:
    """Raise SignInPausedError when the client address or the account must wait."""
    now = desk.clock.now()
    for scope, key in ((LimitScope.CLIENT, client), (LimitScope.ACCOUNT, account)):
        if key is None:
            continue
        until = _blocked_until(desk, uow, scope, key)
        if until is not None:
            raise SignInPausedError(scope, retry_after_seconds(until, now))


def record_failure(
    desk: Desk,
    uow: UnitOfWork,
    client: str,
    account: str | None = None,
    person: Agent | Contact | None = None,
) -> SignInPausedError | None:
    """Count a failed attempt; the error to answer with when it blocked a key just now (the
    caller commits first, so the count is kept). ``person`` owns the account, if anybody does;
    they are told when their account is locked."""
    now = desk.clock.now()
    paused: SignInPausedError | None = None
    for scope, key in ((LimitScope.CLIENT, client), (LimitScope.ACCOUNT, account)):
        if key is None:
            continue
        uow.sign_in_failures.add(scope, key, now)
        until = _blocked_until(desk, uow, scope, key)
        if until is None:
            continue
        wait = retry_after_seconds(until, now)
        owner = person if scope is LimitScope.ACCOUNT else None
        _audit_block(uow, scope, key, owner, until, now)
        if paused is None or scope is LimitScope.ACCOUNT:
            paused = SignInPausedError(scope, wait, owner)
    return paused


def clear_account(uow: UnitOfWork, account: str) -> None:
    """A successful sign-in forgets the account's failures."""
    uow.sign_in_failures.clear(LimitScope.ACCOUNT, account)


def _audit_block(
    uow: UnitOfWork,
    scope: LimitScope,
    key: str,
    owner: Agent | Contact | None,
    until: datetime,
    now: datetime,
) -> None:
    if owner is not None:
        subject_type, subject_id, changes = str(owner.kind), owner.id, {"until": until.isoformat()}
    else:
        # An address nobody has, or a client address: the key is what there is to record.
        subject_type, subject_id = "sign_in", None
        changes = {str(scope): key, "until": until.isoformat()}
    action = "session.locked_out" if scope is LimitScope.ACCOUNT else "session.client_blocked"
    uow.audit.add(
        audit_event(subject_type, action, GUARD, now, subject_id=subject_id, changes=changes)
    )


def lockout_notice(
    person: Agent | Contact, retry_after: int, policy: OutboundPolicy
) -> OutgoingEmail:
    """The mail that tells somebody their account was locked after failed sign-ins: to a
    customer in their language, to an agent in the workspace's (English)."""
    agent = isinstance(person, Agent)
    language = customer_language(person.language if isinstance(person, Contact) else None)
    place = customer_text(language, "lockout.place.workspace" if agent else "lockout.place.portal")
    wait = minutes_phrase(language, wait_minutes(retry_after))
    paragraphs = [
        customer_text(language, "mail.greeting", name=person.name),
        customer_text(language, "lockout.paused", place=place, wait=wait),
        customer_text(language, "lockout.advice"),
    ]
    return OutgoingEmail(
        message_id=f"<locked.{secrets.token_hex(12)}@{policy.domain}>",
        from_address=policy.from_address,
        from_name=policy.from_name,
        to_address=person.email,
        to_name=person.name,
        subject=customer_text(language, "lockout.subject"),
        text="\n\n".join(paragraphs) + "\n",
        html="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        auto_submitted="auto-generated",
    )
