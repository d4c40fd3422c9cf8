"""A ticket's thread as an actor may read it, with the attachments they may see, and their
bytes: one rule for the API, the workspace and the portal
(``domain.visibility.visible_attachments``), so a file hidden from the thread cannot be
fetched by its id either.

The thread of a ticket others were merged into carries their messages too, in time order and
marked with the ticket each was written on; the stored rows stay where they are (the merged
ticket still reads whole and points here). Of a merged ticket the reader sees its public
messages, and its internal notes only when they may open it (``visible_merged_messages``)."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import visible_attachments, visible_merged_messages
from tierdesk.errors import NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import desk_merged_sources
from tierdesk.services.desk import Desk
from tierdesk.services.levels import sees_restricted
from tierdesk.services.tickets import get_ticket, visible_thread


@dataclass(frozen=True)
class ThreadEntry:
    message: Message
    attachments: list[Attachment]
    merged_from: str | None = None  # the number of the merged ticket it was written on


def thread_of(desk: Desk, actor: Actor, ticket: Ticket) -> list[ThreadEntry]:
    """The messages the actor may read, with those of tickets merged into this one, oldest
    first, each with the attachments the actor may see."""
    with desk.uow() as uow:
        return thread_in(desk, uow, actor, ticket)


def thread_in(desk: Desk, uow: UnitOfWork, actor: Actor, ticket: Ticket) -> list[ThreadEntry]:
    """``thread_of``, read in the caller's transaction."""
    restricted_ok = sees_restricted(desk, actor, uow)
    entries = [
        ThreadEntry(m, visible_attachments(actor, m, restricted_ok))
        for m in visible_thread(actor, ticket)
    ]
    if ticket.id is None:
        return entries
    merged = desk_merged_sources(uow, [ticket], why="merged thread")[ticket.id]
    for source in merged:
        entries += [
            ThreadEntry(m, visible_attachments(actor, m, restricted_ok), source.number)
            for m in visible_merged_messages(actor, source)
        ]
    if merged:
        entries.sort(key=lambda e: (e.message.created_at, e.message.id or 0))
    return entries


def attachments_of(desk: Desk, actor: Actor, message: Message) -> list[Attachment]:
    """One message's attachments as the actor may see them (e.g. the message just written)."""
    return visible_attachments(actor, message, sees_restricted(desk, actor))


def open_attachment(
    desk: Desk, actor: Actor, reference: int | str, attachment_id: int
) -> tuple[Attachment, bytes]:
    """An attachment the actor may see on the ticket, with its bytes. Missing, on a message the
    actor may not read, or restricted: the same 404."""
    ticket = get_ticket(desk, actor, reference)
    for entry in thread_of(desk, actor, ticket):
        for attachment in entry.attachments:
            if attachment.id == attachment_id:
                return attachment, desk.files.open(attachment.storage_key)
    raise NotFoundError(f"attachment {attachment_id} not found")
