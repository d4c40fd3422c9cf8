"""Side conversations from a ticket: start one (by mail to people outside the desk, or with
colleagues in it), read and answer it, close and reopen it, and turn what it found into a
public reply, which only the agent's own submit posts.

Who may see them: the agents who may open the ticket (``access_ticket``), like its internal
notes; never a customer. They are kept apart from the ticket's thread (their own tables and
mail references, ``domain/side_conversations.py``), so the portal, customer mail, the public
API views, search and exports, which all read the thread, cannot meet them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.side_conversations import (
    TOKEN_LENGTH,
    QuotedMessage,
    SideChannel,
    SideConversation,
    SideDirection,
    SideMessage,
    SideState,
    clean_addresses,
    clean_subject,
    clean_text,
    quoted,
    summary_draft,
)
from tierdesk.domain.summaries import summarise
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import can_see
from tierdesk.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import claim_key
from tierdesk.services.notifications import notify_agents
from tierdesk.services.side_conversation_mail import queue_side_mail

SIDE_MESSAGE = "side_conversation.message"
MAX_PAGE = 500


@dataclass(frozen=True)
class NewSideConversation:
    subject: str
    message: str
    channel: SideChannel = SideChannel.EMAIL
    to: list[str] = field(default_factory=list)  # mail addresses (e-mail)
    agent_ids: list[int] = field(default_factory=list)  # colleagues (internal)
    include_message_ids: list[int] = field(default_factory=list)  # ticket messages quoted


@dataclass(frozen=True)
class SideThread:
    conversation: SideConversation
    messages: list[SideMessage]
    participants: list[str]  # as people read them: addresses and colleagues' names


def _agent(actor: Actor, action: str) -> Agent:
    if not isinstance(actor, Agent) or actor.id is None:
        raise PermissionDeniedError(f"only agents can {action}", action=action)
    return actor


def _ticket(uow: UnitOfWork, desk: Desk, actor: Actor, reference: int | str) -> Ticket:
    ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
    assert ticket.id is not None
    return ticket


def _side(uow: UnitOfWork, ticket: Ticket, side_id: int) -> SideConversation:
    side = uow.side_conversations.get(side_id)
    if side is None or side.ticket_id != ticket.id:
        raise NotFoundError(f"side conversation {side_id} not found", side_conversation=side_id)
    return side


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    side: SideConversation,
    action: str,
    at: datetime,
    **changes: object,
) -> None:
    event = audit_event(
        "ticket",
        f"side_conversation.{action}",
        actor,
        at,
        subject_id=side.ticket_id,
        changes={"side_conversation": side.id, "subject": side.subject, **changes},
    )
    event.ticket_id = side.ticket_id
    uow.audit.add(event)


def _colleagues(uow: UnitOfWork, ticket: Ticket, agent_ids: list[int], by: Agent) -> list[Agent]:
    """The colleagues asked in: active agents who may open the ticket themselves (a side
    conversation is read on the ticket page), never the agent asking."""
    found = []
    for agent_id in dict.fromkeys(agent_ids):
        agent = uow.agents.get(agent_id)
        if agent is None or not agent.active:
            raise InvalidInputError(f"no active agent {agent_id}", field="agents")
        if not can_see(agent, ticket):
            raise InvalidInputError(
                f"{agent.name} cannot open {ticket.number} (its level or queue)", field="agents"
            )
        if agent.id != by.id:
            found.append(agent)
    if not found:
        raise InvalidInputError("ask at least one colleague", field="agents")
    return found


def start_side_conversation(
    desk: Desk, actor: Actor, reference: int | str, new: NewSideConversation
) -> SideConversation:
    agent = _agent(actor, "start side conversations")
    assert agent.id is not None
    subject, text = clean_subject(new.subject), clean_text(new.message)
    with desk.uow() as uow:
        ticket = _ticket(uow, desk, agent, reference)
        assert ticket.id is not None
        if new.channel is SideChannel.EMAIL:
            participants = clean_addresses(new.to)
            if not participants:
                raise InvalidInputError("write to at least one address", field="to")
        else:
            colleagues = _colleagues(uow, ticket, new.agent_ids, agent)
            participants = [f"agent:{a.id}" for a in colleagues]
        included = _included(ticket, new.include_message_ids)
        if included:
            text += "\n\n" + quoted(
                [QuotedMessage(m.author_name, m.created_at, m.body_text) for m in included]
            )
        now = desk.clock.now()
        side = SideConversation(
            ticket_id=ticket.id,
            channel=new.channel,
            subject=subject,
            participants=participants,
            token=secrets.token_hex(TOKEN_LENGTH // 2),
            created_by_id=agent.id,
            created_by_name=agent.name,
            created_at=now,
            last_activity_at=now,
        )
        uow.side_conversations.add(side)
        _audit(uow, agent, side, "started", now, channel=str(side.channel), to=participants)
        message = SideMessage(
            side_conversation_id=side.id or 0,
            direction=SideDirection.OUT,
            author_name=agent.name,
            author_agent_id=agent.id,
            body_text=text,
            created_at=now,
            included_message_ids=[m.id for m in included if m.id is not None],
        )
        _post(uow, desk, ticket, side, message, agent, now)
        uow.commit()
        return side


def _included(ticket: Ticket, message_ids: list[int]) -> list[Message]:
    """The ticket's messages the agent chose to quote, in thread order; one that is not on the
    ticket is refused rather than quietly left out."""
    wanted = set(message_ids)
    found = [m for m in ticket.messages if m.id in wanted]
    if len(found) != len(wanted):
        raise InvalidInputError("include only messages of this ticket", field="include")
    return found


def _post(
    uow: UnitOfWork,
    desk: Desk,
    ticket: Ticket,
    side: SideConversation,
    message: SideMessage,
    author: Agent,
    now: datetime,
) -> None:
    assert side.id is not None
    if side.channel is SideChannel.INTERNAL and author.id in side.agent_ids:
        message.direction = SideDirection.IN  # the colleague asked in answers
    uow.side_conversations.add_message(message)
    side.record_message(message.direction, now)
    uow.side_conversations.save(side)
    if side.channel is SideChannel.EMAIL:
        for address in side.addresses:
            queue_side_mail(uow, desk, side, message, address, now)
    notify_agents(
        uow,
        [a for a in (side.created_by_id, *side.agent_ids) if a != author.id],
        kind=SIDE_MESSAGE,
        text=f"{ticket.number} side conversation “{side.subject}”: {author.name} wrote",
        at=now,
        ticket_id=ticket.id,
        details={"number": ticket.number, "side_conversation": side.id},
    )


def list_side_conversations(
    desk: Desk, actor: Actor, reference: int | str, *, limit: int = 50, after_id: int | None = None
) -> list[SideConversation]:
    """The ticket's side conversations, newest first."""
    _agent(actor, "read side conversations")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    with desk.uow() as uow:
        ticket = _ticket(uow, desk, actor, reference)
        assert ticket.id is not None
        return uow.side_conversations.of_ticket(ticket.id, limit, after_id)


def participant_names(uow: UnitOfWork, side: SideConversation) -> list[str]:
    names = []
    for p in side.participants:
        if p.startswith("agent:"):
            agent = uow.agents.get(int(p.split(":", 1)[1]))
            names.append(agent.name if agent else p)
        else:
            names.append(p)
    return names


def participants_of(desk: Desk, sides: list[SideConversation]) -> dict[int, list[str]]:
    """Each conversation's participants as people read them (for a list of them)."""
    with desk.uow() as uow:
        return {s.id: participant_names(uow, s) for s in sides if s.id is not None}


def side_thread(desk: Desk, actor: Actor, reference: int | str, side_id: int) -> SideThread:
    _agent(actor, "read side conversations")
    with desk.uow() as uow:
        side = _side(uow, _ticket(uow, desk, actor, reference), side_id)
        assert side.id is not None
        messages = uow.side_conversations.messages(side.id)
        return SideThread(side, messages, participant_names(uow, side))


def reply_in_side_conversation(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    side_id: int,
    text: str,
    *,
    idempotency_key: str | None = None,
) -> SideMessage:
    """An agent writes in the side conversation: by mail to its addresses, or to the colleagues
    in it. Writing in a closed one reopens it. A second post with the same ``idempotency_key``
    (Back, then Send again: the browser puts the text back) mails nothing and raises
    ``RepeatedRequestError``; the key is kept with the ticket."""
    agent = _agent(actor, "write in side conversations")
    body = clean_text(text)
    with desk.uow() as uow:
        ticket = _ticket(uow, desk, agent, reference)
        side = _side(uow, ticket, side_id)
        now = desk.clock.now()
        claim_key(uow, agent, idempotency_key, ticket, now)
        message = SideMessage(
            side_conversation_id=side_id,
            direction=SideDirection.OUT,
            author_name=agent.name,
            author_agent_id=agent.id,
            body_text=body,
            created_at=now,
        )
        _post(uow, desk, ticket, side, message, agent, now)
        uow.commit()
        return message


def close_side_conversation(
    desk: Desk, actor: Actor, reference: int | str, side_id: int, *, reopen: bool = False
) -> SideConversation:
    agent = _agent(actor, "close side conversations")
    with desk.uow() as uow:
        side = _side(uow, _ticket(uow, desk, agent, reference), side_id)
        now = desk.clock.now()
        side.reopen(now) if reopen else side.close(now)
        uow.side_conversations.save(side)
        _audit(uow, agent, side, "reopened" if reopen else "closed", now)
        uow.commit()
        return side


def draft_public_reply(desk: Desk, actor: Actor, reference: int | str, side_id: int) -> str:
    """A summary of the side conversation to start a public reply from: extractive (the thread
    summaries' machinery, ``domain/summaries.py``), from what *they* wrote when they answered.
    Returned to the agent to edit; nothing is posted."""
    thread = side_thread(desk, actor, reference, side_id)
    with desk.uow() as uow:
        language = _ticket(uow, desk, actor, reference).language  # the customer's
    theirs = [m.body_text for m in thread.messages if m.direction is SideDirection.IN]
    source = "\n\n".join(theirs or [m.body_text for m in thread.messages])
    sentences = summarise(source, max_sentences=4)
    return summary_draft(thread.conversation.subject, sentences, language)


def post_public_reply(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    side_id: int,
    text: str,
    *,
    idempotency_key: str | None = None,
) -> tuple[Ticket, Message]:
    """The agent's own submit of the (edited) summary: a public reply on the ticket, through
    the ordinary reply use case, so it reaches the customer as any reply does; a second post
    with the same ``idempotency_key`` adds nothing (``RepeatedRequestError``)."""
    _agent(actor, "reply to customers")
    side_thread(desk, actor, reference, side_id)  # the conversation is this ticket's and theirs
    ticket, message = add_message(
        desk, actor, reference, MessageKind.PUBLIC_REPLY, text=text, idempotency_key=idempotency_key
    )
    with desk.uow() as uow:
        side = uow.side_conversations.get(side_id)
        assert side is not None
        _audit(uow, actor, side, "summarised", desk.clock.now(), message=message.id)
        uow.commit()
    return ticket, message


__all__ = [
    "NewSideConversation",
    "SideChannel",
    "SideState",
    "SideThread",
    "close_side_conversation",
    "colleagues_for",
    "draft_public_reply",
    "list_side_conversations",
    "participants_of",
    "post_public_reply",
    "reply_in_side_conversation",
    "side_thread",
    "start_side_conversation",
]


def colleagues_for(desk: Desk, actor: Actor, reference: int | str) -> list[Agent]:
    """The colleagues who could be asked in on this ticket: active agents who may open it."""
    agent = _agent(actor, "start side conversations")
    with desk.uow() as uow:
        ticket = _ticket(uow, desk, agent, reference)
        return [a for a in uow.agents.all() if a.active and a.id != agent.id and can_see(a, ticket)]
