"""Migrations build exactly the schema the code maps, on both engines, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

from tests.factories import full_packet, make_agent, make_contact
from tierdesk.adapters.db import tables
from tierdesk.adapters.db.engine import alembic_config, pending_migrations, upgrade_database
from tierdesk.adapters.db.handoff import handoff_packets
from tierdesk.adapters.db.schema import metadata
from tierdesk.adapters.db.search import is_engine_owned
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role, Tier
from tierdesk.services import escalation, tickets


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                # the search engine's text and vector indexes live beside the mapped tables
                "include_name": lambda name, _type, _parent: not is_engine_owned(name),
            },
        )
        return list(compare_metadata(context, metadata))


def test_the_migrated_schema_is_exactly_the_mapped_metadata(app: Tierdesk) -> None:
    assert differences(app.engine) == []
    assert not pending_migrations(app.engine)


def test_migrating_down_to_nothing_and_up_again_gives_the_same_schema(app: Tierdesk) -> None:
    command.downgrade(alembic_config(app.engine), "base")
    left = set(inspect(app.engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    assert pending_migrations(app.engine)

    upgrade_database(app.engine)

    assert differences(app.engine) == []
    assert set(inspect(app.engine).get_table_names()) >= set(metadata.tables)


def test_packets_replaced_before_the_upgrade_read_superseded_after_it(app: Tierdesk) -> None:
    desk = app.desk
    lead = make_agent(desk, tiers=[0, 1, 2], role=Role.LEAD)
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="No audio", body_text="Since 9.")
    )
    escalation.escalate_ticket(desk, lead, ticket.id or 0, Tier.L1, "r", full_packet())
    escalation.amend_packet(desk, lead, ticket.id or 0, 1, full_packet("amended"))
    escalation.escalate_ticket(desk, lead, ticket.id or 0, Tier.L2, "s", full_packet())

    def statuses() -> list[tuple[int, int, str]]:
        p = handoff_packets.c
        with app.engine.connect() as connection:
            rows = connection.execute(
                select(p.sequence, p.revision, p.status).order_by(p.sequence, p.revision)
            )
            return [(r.sequence, r.revision, str(r.status)) for r in rows]

    command.downgrade(alembic_config(app.engine), "0014")  # rows as the older code stored them
    waiting = "awaiting-acceptance"
    assert statuses() == [(1, 1, waiting), (1, 2, waiting), (2, 1, waiting)]

    upgrade_database(app.engine)

    assert statuses() == [(1, 1, "superseded"), (1, 2, "superseded"), (2, 1, waiting)]


def test_tickets_solved_before_the_answer_existed_keep_their_resolution_and_have_no_answer(
    app: Tierdesk,
) -> None:
    desk = app.desk
    agent = make_agent(desk, tiers=[0, 1])
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="No audio", body_text="Since 9.")
    )
    number = ticket.number or ""
    tickets.solve_ticket(desk, agent, number, "Internal: reset the SBC", "Restart the phone.")

    command.downgrade(alembic_config(app.engine), "0019")  # the ticket as the older code had it
    assert "public_answer" not in {c["name"] for c in inspect(app.engine).get_columns("tickets")}

    upgrade_database(app.engine)

    t = tables.tickets.c
    with app.engine.connect() as connection:
        row = connection.execute(select(t.resolution, t.public_answer)).one()
    assert (row.resolution, row.public_answer) == ("Internal: reset the SBC", None)
    assert tickets.get_ticket(desk, agent, number).public_answer is None
