"""The world the answerer's tests share (issue 17): a lead, an L1 queue whose policy is set,
a routing rule that sends every new ticket there, and a known issue with a documented fix that
answers "the remote control does not pair"."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factories import make_agent, make_contact
from tierdesk.config import AnswersSettings, SearchSettings, Settings
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Role, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.services import known_issues, queues, tickets
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import run_next_job

FIX = "Hold the Home and Back buttons together for five seconds until the light blinks twice."


@pytest.fixture
def answer_settings(tmp_path: Path, database_url: str) -> Settings:
    # As tests/conftest.py, with a threshold the word-hashing embedder's confidences reach for
    # a matching known issue and not for an unrelated question.
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        answers=AnswersSettings(min_confidence=0.3),
    )


@dataclass
class World:
    lead: Agent
    queue: str


def world(desk: Desk, policy: AnswerPolicy) -> World:
    lead = make_agent(desk, tiers=[1, 2, 3], role=Role.LEAD)
    queue = queues.create_queue(
        desk, lead, queues.NewQueue(key="l1-tv", name="L1 Smart TV", tier=Tier.L1)
    )
    queues.update_queue(desk, lead, queue.key, queues.QueueChanges(answers=str(policy)))
    queues.create_routing_rule(
        desk, lead, queues.NewRoutingRule(name="everything", queue=queue.key, assign=False)
    )
    known_issues.create_known_issue(
        desk,
        lead,
        known_issues.KnownIssueInput(
            title="The remote control does not pair with the TV",
            symptoms="The remote control does not pair with the TV; pairing fails.",
            fix=FIX,
        ),
    )
    return World(lead, queue.key)


def remote_ticket(desk: Desk, language: str = "en", contact: Contact | None = None) -> Ticket:
    contact = contact or make_contact(desk, language=language)
    return tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject="The remote control does not pair with the TV",
            body_text="My remote control does not pair with the TV, pairing fails.",
            language=language,
        ),
    )


def run_jobs(desk: Desk) -> None:
    while run_next_job(desk, "test") is not None:
        pass


def shown(desk: Desk, lead: Agent, ticket: Ticket) -> Ticket:
    return tickets.get_ticket(desk, lead, ticket.number or "")


def replies(desk: Desk, lead: Agent, ticket: Ticket) -> list[str]:
    messages = shown(desk, lead, ticket).messages
    return [m.body_text for m in messages if m.kind is MessageKind.PUBLIC_REPLY]


def trail(desk: Desk, lead: Agent, ticket: Ticket) -> list[tuple[str, dict[str, object]]]:
    events = tickets.ticket_events(desk, lead, ticket.number or "")
    return [(e.action, e.changes) for e in events if e.action.startswith("answer.")]
