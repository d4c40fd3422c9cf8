"""What the agent's ticket page and the portal's ticket page share: the thread as the actor may
see it, names for ids, and attachment downloads."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Response

from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import visible_attachments
from tierdesk.errors import NotFoundError
from tierdesk.services import tickets
from tierdesk.services.desk import Desk
from tierdesk.services.levels import sees_restricted


@dataclass(frozen=True)
class ThreadEntry:
    message: Message
    attachments: list[Attachment]


def thread(desk: Desk, actor: Actor, ticket: Ticket) -> list[ThreadEntry]:
    restricted_ok = sees_restricted(desk, actor)
    return [
        ThreadEntry(m, visible_attachments(m, restricted_ok))
        for m in tickets.visible_thread(actor, ticket)
    ]


def download(desk: Desk, actor: Actor, reference: str, attachment_id: int) -> Response:
    ticket = tickets.get_ticket(desk, actor, reference)
    for entry in thread(desk, actor, ticket):
        for attachment in entry.attachments:
            if attachment.id == attachment_id:
                # Always a download, never rendered by the browser: the bytes are the customer's.
                return Response(
                    content=desk.files.open(attachment.storage_key),
                    media_type=attachment.content_type,
                    headers={
                        "Content-Disposition": f'attachment; filename="{attachment.filename}"',
                        "X-Content-Type-Options": "nosniff",
                        "Content-Security-Policy": "sandbox",
                    },
                )
    raise NotFoundError(f"attachment {attachment_id} not found")
