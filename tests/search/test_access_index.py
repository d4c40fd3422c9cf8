"""The access check of a search's candidates needs only the covering access index (migration
0013), whatever the filter: at 100k tickets a look-up in search_documents itself is a random
read of a large table per candidate. Fails when ``filter_clause`` reads a column the index
does not hold, or (SQLite) when the check stops using the index."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import iterate

from tierdesk.adapters.db.search import search_documents
from tierdesk.adapters.search.clauses import filter_clause
from tierdesk.adapters.search.store import SqlSearchStore
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.knowledge import DocumentKind, SearchFilter

FILTERS = {
    "everything": SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True),
    "customer": SearchFilter(
        kinds=(DocumentKind.TICKET, DocumentKind.MANUAL), organisation_id=7, product="Phone"
    ),
    "agent": SearchFilter(
        kinds=(DocumentKind.TICKET, DocumentKind.TICKET_NOTES),
        max_tier=2,
        queues=("voice", "network"),
        agent_id=3,
        statuses=("solved", "closed"),
        exclude_ticket_id=12,
    ),
}


def columns_read(where: SearchFilter) -> set[str]:
    return {
        element.name
        for element in iterate(filter_clause(where))
        if isinstance(element, Column) and element.table is search_documents
    }


def index_columns(session: Session) -> set[str]:
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                "SELECT a.attname FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE c.relname = 'ix_search_documents_access'"
            )
        )
    else:  # the key is the expression ``id + 0`` (cid -2), then the columns
        rows = session.execute(
            text(
                "SELECT name FROM pragma_index_xinfo('ix_search_documents_access') "
                "WHERE key AND name IS NOT NULL"
            )
        )
    return {str(name) for (name,) in rows}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_the_access_index_holds_every_column_the_filter_reads(app: Tierdesk, name: str) -> None:
    with Session(app.engine) as session:
        held = index_columns(session)

    assert columns_read(FILTERS[name]) <= held
    assert "kind" in held


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_checking_candidates_reads_only_the_access_index(app: Tierdesk, name: str) -> None:
    if app.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by table statistics; the index's columns are checked above")
    with Session(app.engine) as session:
        query = select(search_documents.c.id).where(
            SqlSearchStore(session)._ids_in([3, 5, 8]), filter_clause(FILTERS[name])
        )
        compiled = query.compile(session.get_bind(), compile_kwargs={"render_postcompile": True})
        plan = session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
        )
        steps = [str(row[3]) for row in plan]

    assert steps == [
        "SEARCH search_documents USING COVERING INDEX ix_search_documents_access "
        "(<expr>=? AND kind=?)"
    ]
