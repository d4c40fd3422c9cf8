"""What the search store asks its tables: the access filter over search_documents, and the
PostgreSQL text queries (tsvector expression and tsquery terms) that match its GIN index."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal_column, or_, true

from tierdesk.adapters.db.search import search_documents as _d
from tierdesk.domain.knowledge import DocumentKind, SearchFilter
from tierdesk.domain.ticket_values import Status

# Kept in step with migration 0004's GIN index: the same expression, or the index is not used.
TSVECTOR = (
    "(setweight(to_tsvector('simple', search_documents.title), 'A') || "
    "setweight(to_tsvector('simple', search_documents.body), 'B'))"
)
SOLVED = [str(Status.SOLVED), str(Status.CLOSED)]
WORD_PART = re.compile(r"[^\W_]+", re.UNICODE)


def filter_clause(where: SearchFilter) -> ColumnElement[bool]:
    """``where`` as a condition on search_documents; ticket access mirrors visibility.Scope."""
    if where.nothing or not where.kinds:
        return false()
    kinds = [str(k) for k in where.kinds]
    clauses: list[ColumnElement[bool]] = [_d.c.kind.in_(kinds)]
    if where.exclude_ticket_id is not None:
        clauses.append(or_(_d.c.ticket_id.is_(None), _d.c.ticket_id != where.exclude_ticket_id))
    if where.statuses:
        clauses.append(or_(_d.c.ticket_id.is_(None), _d.c.status.in_(where.statuses)))
    if where.product is not None:
        clauses.append(or_(_d.c.kind != str(DocumentKind.MANUAL), _d.c.product == where.product))
    if not where.everything:
        ticket_access: ColumnElement[bool]
        if where.organisation_id is not None:
            ticket_access = and_(
                _d.c.organisation_id == where.organisation_id, _d.c.internal.is_(False)
            )
        else:
            allowed: list[ColumnElement[bool]] = []
            if where.max_tier is not None:
                allowed.append(_d.c.tier <= where.max_tier)
            if where.queues:
                allowed.append(_d.c.queue.in_(where.queues))
            if where.agent_id is not None:
                allowed.append(_d.c.assignee_id == where.agent_id)
            if where.solutions:
                allowed.append(and_(_d.c.kind == str(DocumentKind.TICKET), _d.c.status.in_(SOLVED)))
            ticket_access = or_(*allowed) if allowed else false()
        clauses.append(or_(_d.c.ticket_id.is_(None), ticket_access))
    return and_(true(), *clauses)


def pg_term(term: str) -> ColumnElement[Any]:
    """One query term as a tsquery: the term as PostgreSQL parses it, or the phrase of its
    parts (see ``SqlSearchStore._frequencies_postgres``)."""
    parts = " ".join(w.lower() for w in WORD_PART.findall(term))
    whole = func.plainto_tsquery(literal_column("'simple'"), term)
    if len(parts.split()) <= 1:
        return whole
    return whole.op("||")(func.phraseto_tsquery(literal_column("'simple'"), parts))


def pg_query(terms: Sequence[str]) -> ColumnElement[Any]:
    query = pg_term(terms[0])
    for term in terms[1:]:
        query = query.op("||")(pg_term(term))
    return query


def pg_matches(term: str) -> ColumnElement[bool]:
    return literal_column(TSVECTOR).bool_op("@@")(pg_term(term))
