"""What a repeated post is answered with: what its first sending made.

A client that lost the answer to a post (a timeout, a server restarted mid-request) sends it
again with the same one-time key (the API's ``Idempotency-Key``). The key was stored in the
transaction that made the ticket or message (services/idempotency.py), with the ticket and the
moment, and what that post made carries the same moment: so the repeat is answered with it. A
key first used for something else (another ticket, a message where a ticket is asked for, a
post that asked for other words or another kind of message) is refused: answering with that
would tell the client its request was done when it was not."""

from __future__ import annotations

from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import ConflictError
from tierdesk.services.conversation import message_text
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import used_key
from tierdesk.services.ticket_views import TicketView, view_ticket
from tierdesk.services.tickets import get_ticket


def ticket_opened_with(
    desk: Desk, actor: Actor, key: str, *, subject: str, text: str | None, html: str | None
) -> TicketView:
    """The ticket the actor's first post with ``key`` opened, as the actor sees it now, when
    this post asks for the same one: its subject and its first message's words."""
    earlier = used_key(desk, actor, key)
    if earlier is not None:
        view = view_ticket(desk, actor, earlier.ticket_id)
        ticket = view.ticket
        first = ticket.messages[0].body_text if ticket.messages else ""
        asked = message_text(desk, text, html) if text or html else ""
        same = ticket.subject == subject.strip() and first == asked
        if ticket.created_at == earlier.created_at and same:
            return view
    raise _used_for_something_else()


def message_added_with(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    key: str,
    *,
    kind: MessageKind,
    text: str | None,
    html: str | None,
) -> tuple[Ticket, Message]:
    """The message the actor's first post with ``key`` added to the ticket ``reference``,
    when this post asks for the same: its kind and its words."""
    earlier = used_key(desk, actor, key)
    if earlier is not None:
        ticket = get_ticket(desk, actor, reference)  # the door alone: no view is built
        if ticket.id == earlier.ticket_id:
            # the last of that moment: only a stopped clock (a test's) gives two the same one
            for message in reversed(ticket.messages):
                if message.created_at == earlier.created_at:
                    asked = (str(kind), message_text(desk, text, html))
                    if (str(message.kind), message.body_text) == asked:
                        return ticket, message
                    break
    raise _used_for_something_else()


def _used_for_something_else() -> ConflictError:
    return ConflictError(
        "this one-time key was used for another request; send this one with a new key"
    )
