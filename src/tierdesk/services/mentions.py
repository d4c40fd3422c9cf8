"""@mentions in internal notes: each colleague named gets a notification, if they may open the
ticket (one who may not hears nothing of it, not even its subject)."""

from __future__ import annotations

from datetime import datetime

from tierdesk.domain.mentions import may_mention, mentioned_agents
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.notifications import Notification
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import can_see
from tierdesk.ports import UnitOfWork
from tierdesk.services.notifications import notify_agents

MENTION = "mention"


def notify_mentions(
    uow: UnitOfWork, ticket: Ticket, message: Message, author: Actor, at: datetime
) -> list[Notification]:
    """In the transaction that adds the note. Public replies mention nobody (the customer reads
    them: an @name there is text, not a call)."""
    if message.kind is not MessageKind.INTERNAL_NOTE or not may_mention(message.body_text):
        return []
    colleagues = [
        a
        for a in uow.agents.all()
        if a.active and not (author.kind == "agent" and a.id == author.id)
    ]
    named = [a for a in mentioned_agents(message.body_text, colleagues) if can_see(a, ticket)]
    excerpt = message.body_text.strip().replace("\n", " ")[:140]
    return notify_agents(
        uow,
        [a.id for a in named],
        kind=MENTION,
        text=f"{author.name} mentioned you on {ticket.number}: {excerpt}",
        at=at,
        ticket_id=ticket.id,
        details={"number": ticket.number},
    )
