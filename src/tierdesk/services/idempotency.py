"""One-time keys on posts that add something (a ticket, a message, a solve): the same post sent
twice, by Back and Send, a double click or a retry after a lost answer, makes it once.

The key is stored in the same transaction as what the post made, so either both are kept or
neither is: a post the desk refused leaves its key unused, and the form can be corrected and
sent again with it. A second post with a used key is refused with ``RepeatedRequestError``,
which names the ticket, and answered as the first was. Keys live a day; a periodic job
(``services/periodic_jobs.py``) removes the expired ones."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from tierdesk.domain.idempotency import IdempotencyKey
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import ConflictError, InvalidInputError, RepeatedRequestError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk

# Long enough for a form left open over a working day; Back and Send comes within minutes.
KEY_LIFETIME = timedelta(hours=24)
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_key() -> str:
    return secrets.token_urlsafe(18)


def valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def _who(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}"


def claim_key(
    uow: UnitOfWork, actor: Actor, key: str | None, ticket: Ticket, now: datetime
) -> None:
    """Record inside the caller's transaction that ``key`` made or changed ``ticket`` (flushed,
    so it has an id); refuse a key that was used. No key, no check (the CLI; the API's posts
    without an ``Idempotency-Key``)."""
    if key is None:
        return
    if not valid_key(key):
        raise InvalidInputError("the form's key is not valid; reload the page", field="form_key")
    earlier = uow.idempotency_keys.get(key)
    if earlier is not None:
        if earlier.who != _who(actor):
            raise InvalidInputError(
                "the form's key is not yours; reload the page", field="form_key"
            )
        raise RepeatedRequestError("this form was sent already", ticket_id=earlier.ticket_id)
    assert ticket.id is not None
    try:
        uow.idempotency_keys.add(
            IdempotencyKey(key, _who(actor), ticket.id, now, now + KEY_LIFETIME)
        )
    except ConflictError as exc:  # the same post, racing this one, was stored first
        raise RepeatedRequestError("this form was sent already", ticket_id=None) from exc


def earlier_ticket(desk: Desk, actor: Actor, key: str) -> int | None:
    """The ticket the first post with ``key`` made, for answering a repeat that lost a race
    (its own transaction could not read it)."""
    earlier = used_key(desk, actor, key)
    return earlier.ticket_id if earlier is not None else None


def used_key(desk: Desk, actor: Actor, key: str) -> IdempotencyKey | None:
    """The actor's own use of ``key``: the ticket its first post made or changed, and when."""
    with desk.uow() as uow:
        earlier = uow.idempotency_keys.get(key)
    return earlier if earlier is not None and earlier.who == _who(actor) else None


def purge_expired_keys(desk: Desk) -> int:
    with desk.uow() as uow:
        removed = uow.idempotency_keys.purge(desk.clock.now())
        uow.commit()
        return removed
