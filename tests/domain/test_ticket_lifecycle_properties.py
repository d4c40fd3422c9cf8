"""Random sequences of actions on one ticket, checked against the rules after every step.

Each step states, independently of the implementation, whether the action is allowed in the
ticket's current state and which audit events it must append. After every step the invariants
hold: a closed ticket never changes again; ``solved_at`` is set exactly while the ticket is solved
(a closed ticket keeps the moment it was solved, if it was); ``closed_at`` is set exactly when it
is closed; the recorded status changes form one unbroken chain through the allowed table; a
refused action raises ``InvalidTransitionError`` and leaves the ticket exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.objects import a_contact, a_message, a_ticket, an_agent, at, snapshot
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Role, Tier
from tierdesk.domain.ticket_levels import de_escalate, escalate
from tierdesk.domain.tickets import ALLOWED_STATUS_CHANGES, LinkKind, Priority, Status, Ticket
from tierdesk.errors import InvalidTransitionError

CONTACT = a_contact(id=100, organisation_id=1)
AGENTS = {
    21: an_agent(id=21, tiers=[1], name="L1 Lou"),
    22: an_agent(id=22, tiers=[2, 3], name="L3 Kim"),
    23: an_agent(id=23, tiers=[1], role=Role.LEAD, name="Lead Lee"),
}
LINK_TARGET = a_ticket(id=3, organisation_id=1)
WAKES_ON_ESCALATION = {Status.NEW, Status.ON_HOLD, Status.PENDING_INTERNAL}

Action = tuple[str, Any, int]  # (what, argument, acting agent id)

actions = st.tuples(
    st.sampled_from(
        [
            "status",
            "solve",
            "close",
            "reopen",
            "message",
            "escalate",
            "de_escalate",
            "assign",
            "priority",
            "link",
            "merge",
            "tags",
        ]
    ),
    st.integers(min_value=0, max_value=50),
    st.sampled_from(sorted(AGENTS)),
)


@dataclass
class Expectation:
    allowed: bool
    events: list[str] = field(default_factory=list)


def _pick(options: list[Any], seed: int) -> Any:
    return options[seed % len(options)]


def expect(ticket: Ticket, what: str, arg: Any, agent: Agent) -> Expectation:
    """What the rules say should happen, worked out from the state before the step."""
    status, closed = ticket.status, ticket.status is Status.CLOSED
    active = status.is_active
    changed = ["ticket.status_changed"]
    if what == "status":
        return Expectation(
            arg is not Status.SOLVED and arg in ALLOWED_STATUS_CHANGES[status], changed
        )
    if what == "solve":
        return Expectation(Status.SOLVED in ALLOWED_STATUS_CHANGES[status], changed)
    if what == "close":
        return Expectation(Status.CLOSED in ALLOWED_STATUS_CHANGES[status], changed)
    if what == "reopen":
        return Expectation(status is Status.SOLVED, changed)
    if what == "message":
        events = ["message.added"]
        if arg is MessageKind.CUSTOMER and status in (Status.SOLVED, Status.PENDING_CUSTOMER):
            events += changed
        if arg is MessageKind.PUBLIC_REPLY and status is Status.NEW:
            events += changed
        return Expectation(not closed, events)
    if what in ("escalate", "de_escalate"):
        direction_ok = arg > ticket.tier if what == "escalate" else arg < ticket.tier
        events = ["ticket.escalated" if what == "escalate" else "ticket.de_escalated"]
        if status in WAKES_ON_ESCALATION:
            events += changed
        return Expectation(active and direction_ok, events)
    if what == "assign":
        new_id = None if arg is None else arg.id
        may_work = arg is None or arg.works_tier(ticket.tier) or arg.is_lead
        return Expectation(
            not closed and may_work and new_id != ticket.assignee_id, ["ticket.assigned"]
        )
    if what == "priority":
        return Expectation(not closed and arg is not ticket.priority, ["ticket.priority_changed"])
    if what == "link":
        duplicate = any(
            lk.kind is arg and lk.target_ticket_id == LINK_TARGET.id for lk in ticket.links
        )
        return Expectation(not closed and not duplicate, ["ticket.linked"])
    if what == "merge":
        return Expectation(not closed, ["ticket.merged_into"])
    if what == "tags":
        return Expectation(not closed, ["ticket.updated"] if arg != ticket.tags else [])
    raise AssertionError(what)


def resolve_argument(what: str, seed: int) -> Any:
    choices: dict[str, list[Any]] = {
        "status": list(Status),
        "message": list(MessageKind),
        "escalate": list(Tier),
        "de_escalate": list(Tier),
        "assign": [None, *AGENTS.values()],
        "priority": list(Priority),
        "link": [LinkKind.RELATED, LinkKind.DUPLICATE_OF],
        "tags": [[], ["sip"], ["sip", "firmware"]],
    }
    return _pick(choices[what], seed) if what in choices else None


def perform(ticket: Ticket, what: str, arg: Any, agent: Agent, when: datetime) -> None:
    if what == "status":
        ticket.change_status(arg, agent, when, reason="triage")
    elif what == "solve":
        ticket.solve("Upgraded the firmware.", agent, when)
    elif what == "close":
        ticket.close(agent, when)
    elif what == "reopen":
        ticket.reopen(agent, when, "the customer says it is back")
    elif what == "message":
        author = CONTACT if arg is MessageKind.CUSTOMER else agent
        ticket.add_message(a_message(arg, author, when), author)
    elif what == "escalate":
        escalate(ticket, arg, "needs a deeper look", "logs attached", agent, when)
    elif what == "de_escalate":
        de_escalate(ticket, arg, "known issue", "send the KB article", agent, when)
    elif what == "assign":
        ticket.assign(arg, agent, when)
    elif what == "priority":
        ticket.change_priority(arg, agent, when, None)
    elif what == "link":
        ticket.link_to(LINK_TARGET, arg, agent, when)
    elif what == "merge":
        ticket.merge_into(a_ticket(id=2, status=Status.OPEN), agent, when, "same problem")
    elif what == "tags":
        ticket.update_fields(agent, when, tags=list(arg))


def check_invariants(ticket: Ticket, first_public_reply: datetime | None) -> None:
    assert (ticket.closed_at is not None) is (ticket.status is Status.CLOSED)
    if ticket.status.is_active:
        assert ticket.solved_at is None
    if ticket.status is Status.SOLVED:
        assert ticket.solved_at is not None
        assert ticket.resolution
    assert ticket.first_response_at == first_public_reply

    chain = [e for e in ticket.pending_events if "status" in e.changes]
    current = Status.NEW
    for event in chain:
        old, new = (Status(s) for s in event.changes["status"])
        assert old is current, "status changes form one chain"
        if event.action != "ticket.merged_into":  # a merge closes whatever the status was
            assert new in ALLOWED_STATUS_CHANGES[old]
        current = new
    assert current is ticket.status
    if ticket.status is Status.CLOSED:
        was_solved = chain[-1].changes["status"][0] == "solved"
        assert (ticket.solved_at is not None) is was_solved

    times = [e.at for e in ticket.pending_events]
    assert times == sorted(times)


@settings(max_examples=200, deadline=None)
@given(st.lists(actions, min_size=1, max_size=30))
def test_random_action_sequences_keep_the_ticket_consistent(steps: list[Action]) -> None:
    ticket = a_ticket(id=1, organisation_id=1, requester_id=CONTACT.id or 0, tier=Tier.L1)
    first_public_reply: datetime | None = None

    for minute, (what, seed, agent_id) in enumerate(steps, start=1):
        agent, when = AGENTS[agent_id], at(minute)
        arg = resolve_argument(what, seed)
        expected = expect(ticket, what, arg, agent)
        before, events_before = snapshot(ticket), len(ticket.pending_events)
        tier_before, was_closed = ticket.tier, ticket.status is Status.CLOSED

        try:
            perform(ticket, what, arg, agent, when)
        except InvalidTransitionError:
            assert not expected.allowed, f"{what} {arg} was refused in {before}"
            assert snapshot(ticket) == before
            continue

        assert expected.allowed, f"{what} {arg} was allowed in {before}"
        assert not was_closed, "a closed ticket never changes again"
        added = ticket.pending_events[events_before:]
        assert [e.action for e in added] == expected.events
        if added:
            assert ticket.updated_at == when
        for event in added:
            assert event.at == when
            expected_actor = CONTACT if what == "message" and arg is MessageKind.CUSTOMER else agent
            assert (event.actor_kind, event.actor_id) == (
                str(expected_actor.kind),
                expected_actor.id,
            )
        if what == "message" and arg is MessageKind.PUBLIC_REPLY and first_public_reply is None:
            first_public_reply = when
        if what in ("escalate", "de_escalate"):
            assert ticket.tier is arg
            assert ticket.assignee_id is None
            assert agent.id in ticket.followers
        else:
            assert ticket.tier is tier_before, "only a level change moves the level"

        check_invariants(ticket, first_public_reply)
