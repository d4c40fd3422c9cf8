"""Assignment, status, priority, solve/close/reopen, levels, links, merges and edits, end to end."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_organisation, make_ticket
from tests.services.support import Unchanged, case, make_product
from tierdesk.domain.handoff import PacketContent
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.tickets import LinkKind, Priority, Status, TicketType
from tierdesk.errors import InvalidInputError, InvalidTransitionError, NotFoundError
from tierdesk.services import escalation, tickets
from tierdesk.services.attachments import open_attachment, thread_of
from tierdesk.services.conversation import NewAttachment
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import CatalogRef, TicketChanges


def actions(desk: Desk, ticket_id: int | None) -> list[str]:
    lead = make_agent(desk, role=Role.LEAD)
    return [e.action for e in tickets.ticket_events(desk, lead, ticket_id or 0)]


# -- assignment ---------------------------------------------------------------------------


def test_assigning_and_unassigning_is_stored_and_audited_internally(desk: Desk) -> None:
    contact = make_contact(desk)
    dispatcher, engineer = make_agent(desk, tiers=[0, 1]), make_agent(desk, tiers=[0])
    ticket = make_ticket(desk, contact=contact)

    tickets.assign_ticket(desk, dispatcher, ticket.id or 0, engineer.id)
    assert tickets.get_ticket(desk, dispatcher, ticket.id or 0).assignee_id == engineer.id
    tickets.assign_ticket(desk, dispatcher, ticket.id or 0, None)
    assert tickets.get_ticket(desk, dispatcher, ticket.id or 0).assignee_id is None

    events = tickets.ticket_events(desk, dispatcher, ticket.id or 0)
    assert [e.changes for e in events if e.action == "ticket.assigned"] == [
        {"assignee_id": [None, engineer.id]},
        {"assignee_id": [engineer.id, None]},
    ]
    assert "ticket.assigned" not in [
        e.action for e in tickets.ticket_events(desk, contact, ticket.id or 0)
    ]


def test_assigning_to_an_agent_who_does_not_work_the_level_is_refused(
    desk: Desk, unchanged: Unchanged
) -> None:
    dispatcher, expert = make_agent(desk, tiers=[1]), make_agent(desk, tiers=[3])
    ticket = make_ticket(desk)  # new tickets start at L0

    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.assign_ticket(desk, dispatcher, ticket.id or 0, expert.id)


def test_assigning_to_an_unknown_agent_is_not_found(desk: Desk, unchanged: Unchanged) -> None:
    dispatcher = make_agent(desk)
    ticket = make_ticket(desk)

    with unchanged(), pytest.raises(NotFoundError):
        tickets.assign_ticket(desk, dispatcher, ticket.id or 0, 987654)


# -- status and priority ------------------------------------------------------------------


def test_a_status_change_is_shown_to_the_customer_without_the_agents_reason(desk: Desk) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)

    tickets.change_status(desk, agent, ticket.id or 0, Status.PENDING_CUSTOMER, "need a trace")

    assert tickets.get_ticket(desk, contact, ticket.id or 0).status is Status.PENDING_CUSTOMER
    event = tickets.ticket_events(desk, contact, ticket.id or 0)[-1]
    assert (event.action, event.changes, event.reason) == (
        "ticket.status_changed",
        {"status": ["new", "pending-customer"]},
        None,
    )
    as_agent = tickets.ticket_events(desk, agent, ticket.id or 0)[-1]
    assert as_agent.reason == "need a trace"


def test_a_status_change_the_table_forbids_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    tickets.change_status(desk, agent, ticket.id or 0, Status.OPEN)

    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.change_status(desk, agent, ticket.id or 0, Status.NEW)
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.change_status(desk, agent, ticket.id or 0, Status.CLOSED)
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.change_status(desk, agent, ticket.id or 0, Status.SOLVED)


def test_a_priority_change_is_stored_and_audited(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)

    tickets.change_priority(desk, agent, ticket.id or 0, Priority.P1, "site down")

    assert tickets.get_ticket(desk, agent, ticket.id or 0).priority is Priority.P1
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.change_priority(desk, agent, ticket.id or 0, Priority.P1)


# -- solve, close, reopen -----------------------------------------------------------------


def test_solve_close_and_the_end_of_the_road(desk: Desk, unchanged: Unchanged) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)

    tickets.solve_ticket(desk, agent, ticket.id or 0, "Replaced the PSU.")
    solved = tickets.get_ticket(desk, contact, ticket.id or 0)
    assert (solved.status, solved.resolution) == (Status.SOLVED, "Replaced the PSU.")
    assert solved.solved_at is not None

    tickets.close_ticket(desk, agent, ticket.id or 0, None)
    closed = tickets.get_ticket(desk, contact, ticket.id or 0)
    assert closed.status is Status.CLOSED
    assert closed.closed_at is not None

    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.reopen_ticket(desk, contact, ticket.id or 0, "it is back")
    assert actions(desk, ticket.id)[-2:] == ["ticket.status_changed", "ticket.status_changed"]


def test_a_contact_may_reopen_their_solved_ticket(desk: Desk) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    ticket = make_ticket(desk, contact=contact)
    tickets.solve_ticket(desk, agent, ticket.id or 0, "Reboot.")

    tickets.reopen_ticket(desk, contact, ticket.id or 0, "Still dropping calls.")

    reopened = tickets.get_ticket(desk, agent, ticket.id or 0)
    assert (reopened.status, reopened.solved_at) == (Status.OPEN, None)
    last = tickets.ticket_events(desk, contact, ticket.id or 0)[-1]
    assert (last.actor_kind, last.reason) == ("contact", "Still dropping calls.")


def test_solving_without_a_resolution_and_closing_unsolved_work_are_refused(
    desk: Desk, unchanged: Unchanged
) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    tickets.change_status(desk, agent, ticket.id or 0, Status.OPEN)

    with unchanged(), pytest.raises(InvalidInputError):
        tickets.solve_ticket(desk, agent, ticket.id or 0, "   ")
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.close_ticket(desk, agent, ticket.id or 0, "done?")


# -- levels -------------------------------------------------------------------------------


def test_escalating_is_stored_audited_with_reason_and_hand_off_and_hidden_from_the_customer(
    desk: Desk,
) -> None:
    contact = make_contact(desk)
    agent, colleague = make_agent(desk, tiers=[0, 1]), make_agent(desk, tiers=[0])
    ticket = make_ticket(desk, contact=contact)
    tickets.assign_ticket(desk, agent, ticket.id or 0, colleague.id)

    packet = full_packet("Trace in note 3.")
    escalation.escalate_ticket(
        desk, agent, ticket.id or 0, Tier.L2, "Codec negotiation fails", packet
    )

    stored = tickets.get_ticket(desk, agent, ticket.id or 0)
    assert (stored.tier, stored.assignee_id, stored.status) == (Tier.L2, None, Status.OPEN)
    assert agent.id in stored.followers
    events = tickets.ticket_events(desk, agent, ticket.id or 0)
    escalated = next(e for e in events if e.action == "ticket.escalated")
    assert escalated.reason == "Codec negotiation fails"
    assert escalated.changes == {
        "tier": [0, 2],
        "assignee_id": [colleague.id, None],
        "handoff_note": packet.summary(),
        "packet": 1,
    }
    assert (escalated.actor_kind, escalated.actor_id) == ("agent", agent.id)
    customer_view = tickets.ticket_events(desk, contact, ticket.id or 0)
    assert "ticket.escalated" not in [e.action for e in customer_view]
    assert "Trace in note 3." not in repr([e.changes for e in customer_view])


def test_de_escalating_is_stored_and_audited(desk: Desk) -> None:
    lead = make_agent(desk, role=Role.LEAD)
    ticket = make_ticket(desk)
    escalation.escalate_ticket(desk, lead, ticket.id or 0, Tier.L3, "hard", full_packet())

    tickets.de_escalate_ticket(desk, lead, ticket.id or 0, Tier.L1, "known issue", "send KB-7")

    assert tickets.get_ticket(desk, lead, ticket.id or 0).tier is Tier.L1
    last = tickets.ticket_events(desk, lead, ticket.id or 0)[-1]
    assert (last.action, last.reason, last.changes["handoff_note"]) == (
        "ticket.de_escalated",
        "known issue",
        "send KB-7",
    )


def test_an_escalation_without_direction_reason_or_packet_is_refused(
    desk: Desk, unchanged: Unchanged
) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    refused: dict[str, tuple[Tier, str, PacketContent | None, type[Exception]]] = {
        "not higher": (Tier.L0, "why", full_packet(), InvalidTransitionError),
        "no reason": (Tier.L2, "", full_packet(), InvalidInputError),
        "no packet": (Tier.L2, "why", None, InvalidInputError),
        "packet without steps": (Tier.L2, "why", PacketContent(symptoms="x"), InvalidInputError),
    }

    for name, (to, reason, packet, error) in refused.items():
        with case(name), unchanged(), pytest.raises(error):
            escalation.escalate_ticket(desk, agent, ticket.id or 0, to, reason, packet)


# -- links and merges ---------------------------------------------------------------------


def test_linking_is_stored_and_seen_from_the_other_side(desk: Desk, unchanged: Unchanged) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    first, second = make_ticket(desk, contact=contact), make_ticket(desk, contact=contact)

    tickets.link_tickets(desk, agent, first.id or 0, second.number or "", LinkKind.DUPLICATE_OF)

    stored = tickets.get_ticket(desk, agent, first.id or 0)
    assert [(lk.kind, lk.target_ticket_id) for lk in stored.links] == [
        (LinkKind.DUPLICATE_OF, second.id)
    ]
    assert [t.id for t in tickets.related_tickets(desk, contact, second.id or 0)] == [first.id]
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.link_tickets(desk, agent, first.id or 0, second.id or 0, LinkKind.DUPLICATE_OF)
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.link_tickets(desk, agent, first.id or 0, first.id or 0, LinkKind.RELATED)
    with unchanged(), pytest.raises(InvalidInputError):
        tickets.link_tickets(desk, agent, first.id or 0, second.id or 0, LinkKind.MERGED_INTO)


def test_related_tickets_hides_links_from_tickets_the_actor_may_not_see(desk: Desk) -> None:
    ours, theirs = make_contact(desk), make_contact(desk)
    agent = make_agent(desk)
    our_ticket, their_ticket = make_ticket(desk, contact=ours), make_ticket(desk, contact=theirs)
    tickets.link_tickets(desk, agent, their_ticket.id or 0, our_ticket.id or 0, LinkKind.RELATED)

    assert tickets.related_tickets(desk, ours, our_ticket.id or 0) == []
    assert [t.id for t in tickets.related_tickets(desk, agent, our_ticket.id or 0)] == [
        their_ticket.id
    ]


def test_merging_closes_the_source_and_records_it_on_both(desk: Desk) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    source, target = make_ticket(desk, contact=contact), make_ticket(desk, contact=contact)

    survivor = tickets.merge_tickets(desk, agent, source.id or 0, target.id or 0, "same outage")

    assert survivor.id == target.id
    merged = tickets.get_ticket(desk, contact, source.id or 0)
    assert merged.status is Status.CLOSED
    assert [(lk.kind, lk.target_ticket_id) for lk in merged.links] == [
        (LinkKind.MERGED_INTO, target.id)
    ]
    assert actions(desk, source.id)[-1] == "ticket.merged_into"
    target_events = tickets.ticket_events(desk, contact, target.id or 0)
    assert target_events[-1].action == "ticket.merged_from"
    assert target_events[-1].changes == {"source": source.number, "messages": 1}


def test_a_chain_of_merges_brings_every_thread_to_the_last_ticket_and_its_files_with_it(
    desk: Desk,
) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    log = NewAttachment("sbc.log", b"INVITE timeout", "text/plain")
    first = tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(subject="Calls drop", body_text="First report.", attachments=[log]),
    )
    second = make_ticket(desk, contact=contact, body="Second report.")
    last = make_ticket(desk, contact=contact, body="Third report.")
    tickets.merge_tickets(desk, agent, first.id or 0, second.id or 0, None)
    tickets.merge_tickets(desk, agent, second.id or 0, last.id or 0, None)

    survivor = tickets.get_ticket(desk, contact, last.id or 0)
    thread = thread_of(desk, contact, survivor)

    assert [(e.message.body_text, e.merged_from) for e in thread] == [
        ("First report.", first.number),
        ("Second report.", second.number),
        ("Third report.", None),
    ]
    file_id = thread[0].attachments[0].id or 0
    assert open_attachment(desk, contact, last.number or "", file_id)[1] == b"INVITE timeout"


def test_merging_tickets_of_different_organisations_is_refused(
    desk: Desk, unchanged: Unchanged
) -> None:
    agent = make_agent(desk)
    ours, theirs = make_ticket(desk), make_ticket(desk)

    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.merge_tickets(desk, agent, ours.id or 0, theirs.id or 0, None)


def test_a_merged_ticket_refuses_further_work(desk: Desk, unchanged: Unchanged) -> None:
    contact, agent = make_contact(desk), make_agent(desk)
    source, target = make_ticket(desk, contact=contact), make_ticket(desk, contact=contact)
    tickets.merge_tickets(desk, agent, source.id or 0, target.id or 0, None)

    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.merge_tickets(desk, agent, target.id or 0, source.id or 0, None)
    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.link_tickets(desk, agent, source.id or 0, target.id or 0, LinkKind.RELATED)


# -- descriptive fields -------------------------------------------------------------------


def test_updating_fields_is_stored_and_audited_with_before_and_after(desk: Desk) -> None:
    product = make_product(desk)
    agent = make_agent(desk)
    ticket = make_ticket(desk, subject="old")

    tickets.update_ticket(
        desk,
        agent,
        ticket.id or 0,
        catalog=CatalogRef(product="kestrel-pbx", component="SIP Trunk"),
        subject="  SIP trunk flaps  ",
        type=TicketType.DEFECT,
        tags=["SIP", "Flapping Trunk"],
        custom_fields={"site": "Leeds"},
    )

    stored = tickets.get_ticket(desk, agent, ticket.id or 0)
    trunk = product.component_named("sip trunk")
    assert trunk is not None
    assert (stored.subject, stored.type, stored.tags) == (
        "SIP trunk flaps",
        TicketType.DEFECT,
        ["sip", "flapping-trunk"],
    )
    assert (stored.product_id, stored.component_id) == (product.id, trunk.id)
    assert stored.custom_fields == {"site": "Leeds"}
    last = tickets.ticket_events(desk, agent, ticket.id or 0)[-1]
    assert last.action == "ticket.updated"
    assert last.changes["subject"] == ["old", "SIP trunk flaps"]
    assert last.changes["tags"] == [[], ["sip", "flapping-trunk"]]


def test_an_invalid_field_update_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk)
    ticket = make_ticket(desk)
    invalid: dict[str, dict[str, Any]] = {
        "blank subject": {"subject": "  "},
        "not a plain field": {"status": "open"},
        "overlong tag": {"tags": ["x" * 65]},
    }

    for name, values in invalid.items():
        with case(name), unchanged(), pytest.raises(InvalidInputError):
            tickets.update_ticket(desk, agent, ticket.id or 0, **values)


def test_several_changes_apply_together_or_not_at_all(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk, tiers=[0, 1])
    ticket = make_ticket(desk)

    with unchanged(), pytest.raises(InvalidTransitionError):
        tickets.apply_changes(
            desk,
            agent,
            ticket.id or 0,
            TicketChanges(
                fields={"subject": "renamed"},
                priority=Priority.P1,
                assignee_id=agent.id,
                status=Status.SOLVED,  # solving needs a resolution: the whole change is refused
            ),
        )

    tickets.apply_changes(
        desk,
        agent,
        ticket.id or 0,
        TicketChanges(
            fields={"subject": "renamed"},
            priority=Priority.P1,
            assignee_id=agent.id,
            status=Status.PENDING_INTERNAL,
            reason="waiting on R&D",
        ),
    )
    stored = tickets.get_ticket(desk, agent, ticket.id or 0)
    assert (stored.subject, stored.priority, stored.assignee_id, stored.status) == (
        "renamed",
        Priority.P1,
        agent.id,
        Status.PENDING_INTERNAL,
    )


def test_an_organisation_sees_all_its_tickets_whoever_opened_them(desk: Desk) -> None:
    organisation = make_organisation(desk)
    alice = make_contact(desk, organisation=organisation)
    bob = make_contact(desk, organisation=organisation)
    ticket = make_ticket(desk, contact=alice)

    assert tickets.get_ticket(desk, bob, ticket.id or 0).requester_id == alice.id


def test_changes_that_repeat_the_current_values_change_and_record_nothing(
    desk: Desk, unchanged: Unchanged
) -> None:
    agent = make_agent(desk, tiers=[0, 1])
    ticket = make_ticket(desk)
    tickets.assign_ticket(desk, agent, ticket.id or 0, agent.id)
    repeat = TicketChanges(
        fields={"subject": ticket.subject},
        priority=ticket.priority,
        status=ticket.status,
        assignee_id=agent.id,
    )

    with unchanged():
        tickets.apply_changes(desk, agent, ticket.id or 0, repeat)

    tickets.assign_ticket(desk, agent, ticket.id or 0, None)
    with unchanged():
        tickets.apply_changes(desk, agent, ticket.id or 0, TicketChanges(unassign=True))
