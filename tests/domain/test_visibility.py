"""Who may see which ticket and which messages (``domain/visibility.py``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.objects import SYSTEM, a_contact, a_message, a_ticket, an_agent, at
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.visibility import (
    Scope,
    can_see,
    may_read_internal,
    scope_for,
    visible_messages,
)


def test_a_contact_sees_the_tickets_of_their_own_organisation() -> None:
    contact = a_contact(id=100, organisation_id=1)

    assert can_see(contact, a_ticket(organisation_id=1, requester_id=100))
    assert can_see(contact, a_ticket(organisation_id=1, requester_id=101)), "a colleague's"


def test_a_contact_of_another_organisation_cannot_see_the_ticket() -> None:
    assert not can_see(a_contact(organisation_id=2), a_ticket(organisation_id=1))


def test_a_contact_does_not_see_a_ticket_by_being_its_requester_in_another_org() -> None:
    # The organisation decides, not the requester id: ids of contacts and agents overlap.
    contact = a_contact(id=100, organisation_id=2)
    assert not can_see(contact, a_ticket(organisation_id=1, requester_id=100))


@pytest.mark.parametrize("tier", list(Tier), ids=lambda t: t.label)
def test_an_agent_sees_tickets_up_to_the_highest_level_they_work(tier: Tier) -> None:
    agent = an_agent(tiers=[1, 2])

    assert can_see(agent, a_ticket(tier=tier)) is (tier <= Tier.L2)


def test_an_agent_sees_a_higher_ticket_in_one_of_their_queues() -> None:
    agent = an_agent(tiers=[1], queues=["voip"])

    assert can_see(agent, a_ticket(tier=Tier.L3, queue="voip"))
    assert not can_see(agent, a_ticket(tier=Tier.L3, queue="routing"))


def test_an_agent_sees_a_higher_ticket_assigned_to_or_followed_by_them() -> None:
    agent = an_agent(id=10, tiers=[1])

    assert can_see(agent, a_ticket(tier=Tier.L4, assignee_id=10))
    assert can_see(agent, a_ticket(tier=Tier.L4, followers=[3, 10]))
    assert not can_see(agent, a_ticket(tier=Tier.L4, assignee_id=11, followers=[12]))


def test_an_agent_with_no_levels_sees_only_queue_assigned_and_followed_tickets() -> None:
    agent = an_agent(id=10, tiers=[], queues=["voip"])

    assert not can_see(agent, a_ticket(tier=Tier.L0))
    assert can_see(agent, a_ticket(tier=Tier.L3, queue="voip"))
    assert can_see(agent, a_ticket(tier=Tier.L3, followers=[10]))


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADMIN], ids=str)
def test_leads_and_admins_see_every_ticket(role: Role) -> None:
    lead = an_agent(tiers=[1], role=role)

    assert can_see(lead, a_ticket(tier=Tier.L4, organisation_id=99))
    assert scope_for(lead) == Scope(everything=True)


def test_the_desk_itself_sees_every_ticket() -> None:
    assert can_see(SYSTEM, a_ticket(tier=Tier.L4))


@settings(max_examples=50, deadline=None)
@given(
    tier=st.sampled_from(list(Tier)),
    role=st.sampled_from(list(Role)),
    queue=st.sampled_from([None, "voip"]),
)
def test_an_inactive_actor_sees_nothing(tier: Tier, role: Role, queue: str | None) -> None:
    agent = an_agent(id=10, tiers=[4], role=role, queues=["voip"], active=False)
    contact = a_contact(organisation_id=1, active=False)
    ticket = a_ticket(organisation_id=1, tier=tier, queue=queue, assignee_id=10, followers=[10])

    assert not can_see(agent, ticket)
    assert not can_see(contact, ticket)
    assert scope_for(agent) == Scope(nothing=True)
    assert scope_for(contact) == Scope(nothing=True)


def test_a_contact_never_sees_internal_notes() -> None:
    contact, agent = a_contact(), an_agent()
    ticket = a_ticket()
    ticket.messages = [
        a_message(MessageKind.CUSTOMER, contact, at(1), text="question"),
        a_message(MessageKind.INTERNAL_NOTE, agent, at(2), text="customer is on old firmware"),
        a_message(MessageKind.PUBLIC_REPLY, agent, at(3), text="please upgrade"),
    ]

    assert [m.body_text for m in visible_messages(contact, ticket)] == [
        "question",
        "please upgrade",
    ]
    assert len(visible_messages(agent, ticket)) == 3
    assert not may_read_internal(contact)
    assert may_read_internal(agent)
    assert may_read_internal(SYSTEM)
