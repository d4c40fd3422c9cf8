"""Migration 0021: an upgraded desk brings its ticket documents up to date by itself. Before
0020 a solved ticket's internal resolution sat in the public search document (the one
customers' suggestions read); the upgrade queues the reindex that moves it, and a fresh desk
gets no job at all."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from tests.factories import make_agent, make_contact
from tierdesk.adapters.db.engine import alembic_config, upgrade_database
from tierdesk.adapters.db.search import search_documents
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import tickets
from tierdesk.services.index_upgrades import REINDEX_TASK
from tierdesk.services.jobs import run_pending_jobs

SECRET = "Internal: the SBC licence server was rebooted by hand"


def _bodies(app: Tierdesk) -> dict[str, str]:
    d = search_documents.c
    with app.engine.connect() as connection:
        return {row.key: row.body for row in connection.execute(select(d.key, d.body))}


def _reindex_jobs(app: Tierdesk) -> int:
    with app.engine.connect() as connection:
        return int(
            connection.scalar(
                text("SELECT count(*) FROM jobs WHERE name = :name").bindparams(name=REINDEX_TASK)
            )
            or 0
        )


def test_an_upgraded_desk_moves_old_resolutions_out_of_the_public_documents(app: Tierdesk) -> None:
    desk = app.desk
    agent = make_agent(desk, tiers=[0, 1])
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="No audio", body_text="Since 9.")
    )
    tickets.solve_ticket(desk, agent, ticket.number or "", SECRET, "Restart the phone.")
    public = f"ticket:{ticket.id}"
    command.downgrade(alembic_config(app.engine), "0020")
    with app.engine.begin() as connection:  # the public document as code before 0020 wrote it
        connection.execute(
            text(
                "UPDATE search_documents SET body = body || :extra, fingerprint = :old"
                " WHERE key = :key"
            ).bindparams(extra=f"\n{SECRET}", key=public, old="before-0020")
        )
    assert SECRET in _bodies(app)[public]

    upgrade_database(app.engine)
    assert _reindex_jobs(app) == 1
    while run_pending_jobs(desk, "test-worker"):
        pass

    bodies = _bodies(app)
    assert SECRET not in bodies[public]
    assert SECRET in bodies[f"ticket:{ticket.id}:notes"]


def test_a_desk_without_solved_tickets_gets_no_reindex_job(app: Tierdesk) -> None:
    tickets.open_ticket(
        app.desk, make_contact(app.desk), tickets.NewTicket(subject="Hello", body_text="Hi.")
    )
    command.downgrade(alembic_config(app.engine), "0020")
    upgrade_database(app.engine)
    assert _reindex_jobs(app) == 0
