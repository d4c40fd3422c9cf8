"""Listing tickets: filters, cursor pagination and the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_organisation, make_ticket
from tests.services.support import case, make_product
from tierdesk.domain.people import Actor, Agent, Contact, Role, Tier
from tierdesk.domain.tickets import Priority, Status, Ticket, TicketType
from tierdesk.domain.visibility import can_see
from tierdesk.errors import InvalidInputError, TicketNotFoundError
from tierdesk.ports import TicketFilter
from tierdesk.services import escalation, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import CatalogRef, NewTicket


def ids(found: list[Ticket]) -> list[int | None]:
    return [t.id for t in found]


def test_pages_run_newest_first_and_the_cursor_walks_to_the_end(desk: Desk) -> None:
    contact = make_contact(desk)
    opened = [make_ticket(desk, contact=contact) for _ in range(5)]
    newest_first = sorted((t.id or 0 for t in opened), reverse=True)

    seen: list[int | None] = []
    before_id: int | None = None
    pages = 0
    while True:
        page = tickets.list_tickets(desk, contact, TicketFilter(), limit=2, before_id=before_id)
        pages += 1
        assert page.total == 5
        seen += ids(page.tickets)
        if page.next_before_id is None:
            break
        assert page.next_before_id == page.tickets[-1].id
        before_id = page.next_before_id

    assert seen == newest_first
    assert pages == 3


def test_a_page_that_ends_exactly_at_the_last_ticket_has_no_cursor(desk: Desk) -> None:
    contact = make_contact(desk)
    for _ in range(2):
        make_ticket(desk, contact=contact)

    page = tickets.list_tickets(desk, contact, TicketFilter(), limit=2)

    assert len(page.tickets) == 2
    assert page.next_before_id is None


def test_a_limit_below_one_is_refused(desk: Desk) -> None:
    with pytest.raises(InvalidInputError):
        tickets.list_tickets(desk, SYSTEM, TicketFilter(), limit=0)


@dataclass
class World:
    organisation_id: int
    contact: Contact
    other_contact: Contact
    agent: Agent
    other_agent: Agent
    product_id: int
    by_name: dict[str, Ticket]


@pytest.fixture
def world(desk: Desk) -> World:
    product = make_product(desk)
    organisation = make_organisation(desk, plan="premium")  # its tickets may reach L4
    contact = make_contact(desk, organisation=organisation)
    other_contact = make_contact(desk)
    agent, other_agent = make_agent(desk, tiers=[0, 1, 2]), make_agent(desk, tiers=[0, 1])

    def open_(name: str, who: Contact = contact, **kwargs: object) -> Ticket:
        new = NewTicket(subject=name, body_text="...", **kwargs)  # type: ignore[arg-type]
        return tickets.open_ticket(desk, who, new)

    by_name = {
        "plain": open_("plain ticket"),
        "urgent": open_("urgent outage", priority=Priority.P1, type=TicketType.OUTAGE),
        "tagged": open_("tagged one", tags=["firmware"], queue="voip"),
        "product": open_("100% CPU_load", catalog=CatalogRef(product="kestrel-pbx")),
        "elsewhere": open_("other organisation", who=other_contact),
    }
    tickets.assign_ticket(desk, agent, by_name["urgent"].id or 0, agent.id)
    tickets.change_status(desk, agent, by_name["tagged"].id or 0, Status.PENDING_CUSTOMER)
    escalation.escalate_ticket(
        desk, agent, by_name["product"].id or 0, Tier.L2, "why", full_packet("note")
    )
    assert organisation.id is not None and product.id is not None
    return World(organisation.id, contact, other_contact, agent, other_agent, product.id, by_name)


FILTERS: dict[str, tuple[TicketFilter, list[str]]] = {
    "status": (TicketFilter(status=["pending-customer"]), ["tagged"]),
    "several statuses": (TicketFilter(status=["new", "open"]), ["product", "urgent", "plain"]),
    "priority": (TicketFilter(priority=["P1"]), ["urgent"]),
    "type": (TicketFilter(type=["outage"]), ["urgent"]),
    "level": (TicketFilter(tier=[2]), ["product"]),
    "queue": (TicketFilter(queue="voip"), ["tagged"]),
    "unassigned": (TicketFilter(unassigned=True), ["product", "tagged", "plain"]),
    "tag": (TicketFilter(tag="firmware"), ["tagged"]),
    "text in subject, any case": (TicketFilter(text="URGENT"), ["urgent"]),
    "text with a percent sign": (TicketFilter(text="100%"), ["product"]),
    "a percent sign is no wildcard": (TicketFilter(text="urgent%outage"), []),
    "an underscore is no wildcard": (TicketFilter(text="plain_ticket"), []),
    "no match": (TicketFilter(text="nothing like this"), []),
}


def test_filters_narrow_the_list(desk: Desk, world: World) -> None:
    for name, (filters, expected) in FILTERS.items():
        with case(name):
            page = tickets.list_tickets(desk, world.contact, filters, limit=50)
            assert ids(page.tickets) == [world.by_name[n].id for n in expected]
            assert page.total == len(expected)


def test_filters_by_assignee_organisation_requester_product_and_number(
    desk: Desk, world: World
) -> None:
    lead = make_agent(desk, role=Role.LEAD)

    def names(filters: TicketFilter) -> set[str]:
        found = set(ids(tickets.list_tickets(desk, lead, filters, limit=50).tickets))
        return {name for name, t in world.by_name.items() if t.id in found}

    assert names(TicketFilter(assignee_id=world.agent.id)) == {"urgent"}
    assert names(TicketFilter(organisation_id=world.organisation_id)) == set(world.by_name) - {
        "elsewhere"
    }
    assert names(TicketFilter(requester_id=world.other_contact.id)) == {"elsewhere"}
    assert names(TicketFilter(product_id=world.product_id)) == {"product"}
    number = (world.by_name["plain"].number or "").lower()
    assert names(TicketFilter(text=number)) == {"plain"}


def test_a_contact_lists_only_their_organisations_tickets(desk: Desk, world: World) -> None:
    mine = tickets.list_tickets(desk, world.contact, TicketFilter(), limit=50)
    theirs = tickets.list_tickets(desk, world.other_contact, TicketFilter(), limit=50)

    assert world.by_name["elsewhere"].id not in ids(mine.tickets)
    assert ids(theirs.tickets) == [world.by_name["elsewhere"].id]
    assert theirs.total == 1
    everything = TicketFilter(organisation_id=world.organisation_id)
    assert tickets.list_tickets(desk, world.other_contact, everything, limit=50).tickets == []


def test_an_l1_agent_does_not_see_an_l3_ticket_unless_following_it(
    desk: Desk, world: World
) -> None:
    escalator, bystander = make_agent(desk, tiers=[1]), make_agent(desk, tiers=[1])
    ticket = world.by_name["plain"]
    escalation.escalate_ticket(
        desk, escalator, ticket.id or 0, Tier.L3, "deep bug", full_packet("see trace")
    )

    for agent, sees in ((escalator, True), (bystander, False)):
        listed = ids(tickets.list_tickets(desk, agent, TicketFilter(), limit=50).tickets)
        assert (ticket.id in listed) is sees
        if not sees:
            with pytest.raises(TicketNotFoundError):
                tickets.get_ticket(desk, agent, ticket.id or 0)


def test_lists_agree_with_the_visibility_rule_for_every_kind_of_actor(
    desk: Desk, world: World
) -> None:
    lead = make_agent(desk, role=Role.LEAD)
    queue_agent = make_agent(desk, tiers=[0], queues=["voip"])
    expert = make_agent(desk, tiers=[3])
    escalation.escalate_ticket(
        desk, lead, world.by_name["tagged"].id or 0, Tier.L4, "why", full_packet("note")
    )
    escalation.escalate_ticket(
        desk, lead, world.by_name["urgent"].id or 0, Tier.L3, "why", full_packet("note")
    )
    tickets.assign_ticket(desk, lead, world.by_name["urgent"].id or 0, expert.id)
    every_ticket = tickets.list_tickets(desk, SYSTEM, TicketFilter(), limit=50).tickets
    assert len(every_ticket) == 5

    actors: list[Actor] = [
        world.contact,
        world.other_contact,
        world.agent,
        world.other_agent,
        lead,
        queue_agent,
        expert,
        SYSTEM,
    ]
    for actor in actors:
        page = tickets.list_tickets(desk, actor, TicketFilter(), limit=50)
        expected = [t.id for t in every_ticket if can_see(actor, t)]
        assert ids(page.tickets) == expected, actor
        assert page.total == len(expected)
