"""API tokens: issued to an agent or a contact, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor, Agent, Contact, SystemActor, normalise_email
from tierdesk.domain.web_sessions import needs_last_seen
from tierdesk.errors import NotFoundError, UnauthenticatedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.sign_in_limits import record_failure, refuse_if_blocked, token_client_key

TOKEN_PREFIX = "td_"  # noqa: S105 - a public marker that makes leaked tokens easy to scan for


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    principal: Agent | Contact


def issue_token(desk: Desk, actor: Actor, email: str, label: str = "") -> IssuedToken:
    """Issue a token for the agent or contact with this e-mail address."""
    require_lead(actor, "issue API tokens")
    address = normalise_email(email)
    with desk.uow() as uow:
        principal: Agent | Contact | None = uow.agents.get_by_email(address)
        if principal is None:
            principal = uow.contacts.get_by_email(address)
        if principal is None or principal.id is None:
            raise NotFoundError(f"no agent or contact with e-mail {address}", field="email")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = desk.clock.now()
        uow.tokens.add(str(principal.kind), principal.id, _digest(token), label or "api", now)
        uow.audit.add(
            audit_event(
                str(principal.kind),
                "token.issued",
                actor,
                now,
                subject_id=principal.id,
                changes={"label": label or "api"},
            )
        )
        uow.commit()
        return IssuedToken(token, principal)


def authenticate_token(desk: Desk, token: str, client: str | None = None) -> Agent | Contact:
    """The active agent or contact a bearer token belongs to. Invalid tokens count against the
    client address like failed sign-ins: past the limit the address is refused (a rate limit)
    before any token is looked up."""
    client = token_client_key(client)
    with desk.uow() as uow:
        refuse_if_blocked(desk, uow, client, None)
        try:
            principal, touched = _principal(uow, token, desk.clock.now())
        except UnauthenticatedError:
            paused = record_failure(desk, uow, client)
            uow.commit()
            if paused is not None:
                raise paused from None
            raise
        if touched:  # a read within the minute writes nothing and waits for no writer
            uow.commit()
        return principal


def _principal(uow: UnitOfWork, token: str, now: datetime) -> tuple[Agent | Contact, bool]:
    """The token's active owner, and whether its "last used" was written (at most once a
    minute, like a web session's "last seen")."""
    if not token.startswith(TOKEN_PREFIX):
        raise UnauthenticatedError("invalid API token")
    stored = uow.tokens.find(_digest(token))
    if stored is None:
        raise UnauthenticatedError("invalid API token")
    principal: Agent | Contact | None
    if stored.principal_kind == "agent":
        principal = uow.agents.get(stored.principal_id)
    else:
        principal = uow.contacts.get(stored.principal_id)
    if principal is None or not principal.active:
        raise UnauthenticatedError("this token's owner is no longer active")
    if stored.last_used_at is None or needs_last_seen(stored.last_used_at, now):
        uow.tokens.touch(stored.token_id, now)
        return principal, True
    return principal, False


SYSTEM = SystemActor()
