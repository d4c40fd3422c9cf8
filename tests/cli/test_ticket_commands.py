"""ticket show and ticket list."""

from __future__ import annotations

from tests.cli.conftest import Invoke
from tests.factories import full_packet, make_agent, make_contact, make_ticket
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.services import conversation, escalation
from tierdesk.services.desk import Desk


def test_ticket_show_prints_fields_thread_with_internal_notes_marked_and_audit_trail(
    tierdesk: Invoke, desk: Desk
) -> None:
    contact = make_contact(desk, language="de")
    ticket = make_ticket(desk, contact=contact, subject="Kein Ton", body="Einseitiger Ton.")
    agent = make_agent(desk, tiers=[1])
    assert ticket.number is not None
    conversation.add_message(
        desk, agent, ticket.number, MessageKind.PUBLIC_REPLY, text="Bitte Trace senden."
    )
    conversation.add_message(
        desk, agent, ticket.number, MessageKind.INTERNAL_NOTE, text="Looks like NAT."
    )
    escalation.escalate_ticket(
        desk, agent, ticket.number, Tier.L2, "needs trace analysis", full_packet("NAT suspected.")
    )

    result = tierdesk("ticket", "show", ticket.number.lower())

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{ticket.number}  Kein Ton")
    for expected in ("status       open", "level        L2", "priority     P3", contact.name):
        assert expected in out
    assert "[customer]" in out
    assert "[public reply]" in out
    assert "[INTERNAL NOTE]" in out
    assert "Looks like NAT." in out
    trail = out[out.index("Audit trail") :]
    for action in ("ticket.opened", "message.added", "ticket.escalated"):
        assert action in trail
    assert "reason: needs trace analysis" in trail
    assert "NAT suspected." in trail
    assert trail.index("ticket.opened") < trail.index("ticket.escalated")


def test_ticket_list_filters_by_status_and_limits(tierdesk: Invoke, desk: Desk) -> None:
    contact = make_contact(desk)
    first = make_ticket(desk, contact=contact, subject="First problem")
    second = make_ticket(desk, contact=contact, subject="Second problem")
    agent = make_agent(desk, tiers=[0])
    assert second.number is not None
    conversation.add_message(desk, agent, second.number, MessageKind.PUBLIC_REPLY, text="On it.")

    everything = tierdesk("ticket", "list")
    new_only = tierdesk("ticket", "list", "--status", "new")
    newest = tierdesk("ticket", "list", "--limit", "1")

    assert everything.exit_code == 0, everything.output
    assert "First problem" in everything.stdout
    assert "Second problem" in everything.stdout
    assert "First problem" in new_only.stdout
    assert "Second problem" not in new_only.stdout
    assert "Second problem" in newest.stdout
    assert "1 of 2 tickets" in newest.stdout
    assert first.number in everything.stdout
