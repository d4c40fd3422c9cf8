"""What the agent's ticket page and the portal's ticket page share: the thread as the actor may
see it, names for ids, and attachment downloads."""

from __future__ import annotations

from fastapi import Response

from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.entrypoints.web.downloads import download_response
from tierdesk.services.attachments import ThreadEntry, open_attachment, thread_of
from tierdesk.services.desk import Desk


def thread(desk: Desk, actor: Actor, ticket: Ticket) -> list[ThreadEntry]:
    return thread_of(desk, actor, ticket)


def download(desk: Desk, actor: Actor, reference: str, attachment_id: int) -> Response:
    attachment, content = open_attachment(desk, actor, reference, attachment_id)
    return download_response(content, attachment.filename, attachment.content_type)
