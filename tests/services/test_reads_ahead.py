"""An opening's configuration is read before its first write (issue 19): on SQLite the one
writer is taken at a transaction's first write and held to its commit, so the SLA policy,
calendar and level target, the rules, the webhooks and the catalogue names routing needs are
read ahead of it (handlers.READ_AHEAD), and what cannot exist yet for a ticket inserted a moment
ago (its clocks, an answer tried on it) is not asked for. What the reads must see still reaches
them (both engines)."""

from __future__ import annotations

from tests.routing.support import open_problem, routing_world
from tests.sla.support import clocks
from tests.writes import statements_sent
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.webhooks import EventKind, Webhook

READ_AHEAD = (
    "FROM sla_policies",
    "FROM business_calendars",
    "FROM level_targets",
    "FROM automation_rules",
    "FROM webhooks",
    "FROM organisations",
    "FROM reference_versions",
)
NOT_ASKED = ("FROM ticket_deadlines", "FROM answer_attempts")


def _first_write(sent: list[str]) -> int:
    return next(i for i, s in enumerate(sent) if s.split()[0] in ("INSERT", "UPDATE", "DELETE"))


def test_an_openings_configuration_is_read_before_its_first_write(app: Tierdesk) -> None:
    world = routing_world(app.desk)
    open_problem(app.desk, world.german)  # the process's caches filled

    with statements_sent(app.engine) as sent:
        ticket = open_problem(app.desk, world.german)

    first = _first_write(sent)
    assert sent[first].startswith("INSERT INTO tickets")
    before, holding = sent[:first], sent[first:]
    for table in READ_AHEAD:
        assert any(table in s for s in before), table
    late = [s for s in holding if s.startswith("SELECT") and any(t in s for t in READ_AHEAD)]
    assert late == []
    assert not [s for s in sent if any(t in s for t in NOT_ASKED)]
    # the clocks each level starts go in one INSERT: the opening's four at L0, then routing's
    # two at L1
    assert len([s for s in holding if s.startswith("INSERT INTO ticket_deadlines")]) == 2
    # decided and stored as before: routed by its rule, the clocks of both levels right
    assert (ticket.queue, ticket.tier) == ("l1-sbc", Tier.L1)
    found = clocks(app.desk, ticket)
    assert found["first-response"].running and found["resolution"].running
    assert not found["L0 level-handoff"].running
    assert found["L1 level-handoff"].running


def test_a_change_waiting_beside_the_new_ticket_reaches_the_reads(app: Tierdesk) -> None:
    """A webhook switched back on in the same transaction, not yet written: read ahead without
    it, the new ticket's event would not be delivered to it."""
    english = routing_world(app.desk).english
    assert english.id is not None
    now = app.desk.clock.now()
    with app.desk.uow() as uow:
        hook = Webhook(
            url="https://crm.example/hook",
            events=[str(EventKind.TICKET_CREATED)],
            secret="s" * 32,
            created_at=now,
            created_by="admin@example.com",
            active=False,
        )
        uow.webhooks.add(hook)
        uow.commit()
    with app.desk.uow() as uow:
        assert hook.id is not None
        switched = uow.webhooks.get(hook.id)
        assert switched is not None
        ticket = Ticket(
            subject="One-way audio since the update",
            requester_id=english.id,
            organisation_id=english.organisation_id,
            created_at=now,
            updated_at=now,
            channel=Channel.PORTAL,
        )
        ticket.record_opened(english)
        uow.tickets.add(ticket)
        switched.active = True  # after the last query: nothing has written it yet
        uow.commit()

    with app.desk.uow() as uow:
        [delivery] = uow.webhooks.deliveries(hook.id, 10)
    assert delivery.ticket_id == ticket.id
