"""The search store of one unit of work: documents, passages and their vectors, the text index.

SQLite: FTS5 (BM25 with the title weighted) and exact numpy search over the passage matrix.
PostgreSQL: ``to_tsvector`` with a GIN index (ts_rank) and pgvector with an HNSW index.
Every write happens in the unit of work's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    cast,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables_search import search_documents as _d
from tierdesk.adapters.db.tables_search import search_passages as _p
from tierdesk.adapters.search.vectors import matrix_for
from tierdesk.domain.knowledge import (
    DocumentKind,
    Passage,
    SearchDocument,
    SearchFilter,
    fts_expression,
)

# Kept in step with migration 0004's GIN index: the same expression, or the index is not used.
TSVECTOR = (
    "(setweight(to_tsvector('simple', search_documents.title), 'A') || "
    "setweight(to_tsvector('simple', search_documents.body), 'B'))"
)
_PG_WORD = re.compile(r"[^\W_]+", re.UNICODE)


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
            ticket_access = or_(*allowed) if allowed else false()
        clauses.append(or_(_d.c.ticket_id.is_(None), ticket_access))
    return and_(true(), *clauses)


class SqlSearchStore:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._postgres = session.get_bind().dialect.name == "postgresql"

    # -- writing ----------------------------------------------------------------------------

    def fingerprints(self, keys: Sequence[str]) -> dict[str, str]:
        if not keys:
            return {}
        rows = self._session.execute(
            select(_d.c.key, _d.c.fingerprint).where(_d.c.key.in_(list(keys)))
        )
        return {str(key): str(value) for key, value in rows}

    def put(self, document: SearchDocument, passages: Sequence[Passage], model: str) -> int:
        """Store a document (replacing the one with its key) with its passages."""
        values: dict[str, Any] = {
            "key": document.key,
            "kind": str(document.kind),
            "title": document.title,
            "body": document.body,
            "fingerprint": document.fingerprint(model),
            "ticket_id": document.ticket_id,
            "article_id": document.article_id,
            "organisation_id": document.organisation_id,
            "status": document.status,
            "tier": document.tier,
            "queue": document.queue,
            "assignee_id": document.assignee_id,
            "product": document.citation.get("product"),
            "internal": document.internal,
            "citation": dict(document.citation),
            "updated_at": datetime.now(UTC),
        }
        found = self._session.execute(
            select(_d.c.id).where(_d.c.key == document.key)
        ).scalar_one_or_none()
        if found is None:
            doc_id = int(
                self._session.execute(insert(_d).values(**values).returning(_d.c.id)).scalar_one()
            )
        else:
            doc_id = int(found)
            self._session.execute(update(_d).where(_d.c.id == doc_id).values(**values))
            self._session.execute(delete(_p).where(_p.c.document_id == doc_id))
        if not self._postgres:
            self._session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc_id})
            self._session.execute(
                text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)"),
                {"id": doc_id, "title": document.title, "body": document.body},
            )
        if passages:
            self._session.execute(
                insert(_p),
                [
                    {
                        "document_id": doc_id,
                        "ordinal": i,
                        "text": p.text,
                        "model": model,
                        "dim": len(p.vector) // 4,
                        "embedding": self._vector_value(p.vector),
                    }
                    for i, p in enumerate(passages)
                ],
            )
        document.id = doc_id
        return doc_id

    def _vector_value(self, packed: bytes) -> Any:
        return np.frombuffer(packed, np.float32) if self._postgres else packed

    def remove(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        ids = list(self._session.execute(select(_d.c.id).where(_d.c.key.in_(list(keys)))).scalars())
        self._remove_ids(ids)

    def remove_article(self, article_id: int) -> None:
        ids = list(
            self._session.execute(select(_d.c.id).where(_d.c.article_id == article_id)).scalars()
        )
        self._remove_ids(ids)

    def remove_kinds(self, kinds: Sequence[DocumentKind]) -> None:
        ids = list(
            self._session.execute(
                select(_d.c.id).where(_d.c.kind.in_([str(k) for k in kinds]))
            ).scalars()
        )
        self._remove_ids(ids)

    def _remove_ids(self, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self._session.execute(delete(_p).where(_p.c.document_id.in_(chunk)))
            self._session.execute(delete(_d).where(_d.c.id.in_(chunk)))
            if not self._postgres:
                self._session.execute(
                    text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(
                        bindparam("ids", expanding=True)
                    ),
                    {"ids": chunk},
                )

    def update_access(self, document: SearchDocument) -> None:
        """Copy what access checks need (no new text, so no new vectors)."""
        self._session.execute(
            update(_d)
            .where(_d.c.key == document.key)
            .values(
                organisation_id=document.organisation_id,
                status=document.status,
                tier=document.tier,
                queue=document.queue,
                assignee_id=document.assignee_id,
                citation=dict(document.citation),
            )
        )

    # -- reading ----------------------------------------------------------------------------

    def count(self, kinds: Sequence[DocumentKind] = ()) -> int:
        query = select(func.count()).select_from(_d)
        if kinds:
            query = query.where(_d.c.kind.in_([str(k) for k in kinds]))
        return int(self._session.execute(query).scalar_one())

    def document_frequencies(self, terms: Sequence[str]) -> Mapping[str, int]:
        """How many documents hold each term. On SQLite the FTS vocabulary holds Porter stems,
        which are (nearly always) prefixes of the word, so the longest stored prefix counts. On
        PostgreSQL the statistics would need a scan: every term counts as present once."""
        if not terms:
            return {}
        if self._postgres:
            return dict.fromkeys(terms, 1)
        candidates = {t: [t[:n] for n in range(len(t), max(2, len(t) - 4), -1)] for t in terms}
        wanted = sorted({c for cs in candidates.values() for c in cs})
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 900):
            rows = self._session.execute(
                text("SELECT term, doc FROM search_fts_terms WHERE term IN :terms").bindparams(
                    bindparam("terms", expanding=True)
                ),
                {"terms": wanted[start : start + 900]},
            )
            found.update((term, int(doc)) for term, doc in rows)
        return {t: next((found[c] for c in cs if c in found), 0) for t, cs in candidates.items()}

    def lexical(self, terms: Sequence[str], where: SearchFilter, limit: int) -> dict[int, float]:
        """Document id → keyword score (higher is better) for documents holding any term."""
        if not terms:
            return {}
        if self._postgres:
            return self._lexical_postgres(terms, where, limit)
        expression = fts_expression(terms)
        if not expression:
            return {}
        query = (
            select(_d.c.id, text("-bm25(search_fts, 2.0, 1.0) AS score"))
            .select_from(
                _d.join(text("search_fts"), text("search_fts.rowid = search_documents.id"))
            )
            .where(text("search_fts MATCH :expression"), filter_clause(where))
            .order_by(text("score DESC"))
            .limit(limit)
        )
        rows = self._session.execute(query, {"expression": expression})
        return {int(doc_id): float(score) for doc_id, score in rows}

    def _lexical_postgres(
        self, terms: Sequence[str], where: SearchFilter, limit: int
    ) -> dict[int, float]:
        words = sorted({w.lower() for t in terms for w in _PG_WORD.findall(t)})
        if not words:
            return {}
        tsquery = " | ".join(words)
        rows = self._session.execute(
            select(_d.c.id, text(f"ts_rank({TSVECTOR}, to_tsquery('simple', :q), 1) AS score"))
            .where(text(f"{TSVECTOR} @@ to_tsquery('simple', :q)"), filter_clause(where))
            .order_by(text("score DESC"))
            .limit(limit),
            {"q": tsquery},
        )
        return {int(doc_id): float(score) for doc_id, score in rows}

    def nearest(
        self, vectors: Sequence[bytes], model: str, where: SearchFilter, limit: int
    ) -> tuple[dict[int, float], dict[int, str]]:
        """Document id → score (the best passage's cosine, averaged over the query vectors),
        and the text of the passage that matched the first query vector best."""
        if not vectors:
            return {}, {}
        queries = np.vstack([np.frombuffer(v, np.float32) for v in vectors])
        if self._postgres:
            return self._nearest_postgres(queries, model, where, limit)
        matrix = matrix_for(self._session.get_bind())  # type: ignore[arg-type]
        wanted = limit * 4
        while True:
            doc_ids, scores, passage_ids = matrix.search(model, queries, wanted)
            allowed = self._allowed([int(d) for d in doc_ids], where)
            if len(allowed) >= limit or len(doc_ids) < wanted:
                break
            wanted *= 4
        ranked = [
            (int(d), float(s), int(p))
            for d, s, p in zip(doc_ids, scores, passage_ids, strict=True)
            if int(d) in allowed
        ][:limit]
        texts = dict(
            self._session.execute(
                select(_p.c.id, _p.c.text).where(_p.c.id.in_([p for _, _, p in ranked]))
            ).all()
        )
        return {d: s for d, s, _ in ranked}, {d: texts.get(p, "") for d, _, p in ranked}

    def _allowed(self, doc_ids: list[int], where: SearchFilter) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(doc_ids), 900):
            chunk = doc_ids[start : start + 900]
            found.update(
                self._session.execute(
                    select(_d.c.id).where(_d.c.id.in_(chunk), filter_clause(where))
                ).scalars()
            )
        return found

    def _nearest_postgres(
        self, queries: np.ndarray[Any, Any], model: str, where: SearchFilter, limit: int
    ) -> tuple[dict[int, float], dict[int, str]]:
        """One HNSW search per query vector; a document missing from one vector's list counts
        with that list's lowest score."""
        dim = queries.shape[1]
        self._session.execute(text("SET LOCAL hnsw.ef_search = 200"))
        per_query: list[dict[int, float]] = []
        passage: dict[int, str] = {}
        for query in queries:
            # the same expression as the HNSW index (migration 0004), so that the index is used
            distance = cast(_p.c.embedding, VECTOR(dim)).cosine_distance(query)
            rows = self._session.execute(
                select(_p.c.document_id, _p.c.text, distance.label("distance"))
                .join(_d, _d.c.id == _p.c.document_id)
                .where(_p.c.dim == dim, _p.c.model == model, filter_clause(where))
                .order_by(text("distance"))
                .limit(limit * 4)
            ).all()
            best: dict[int, float] = {}
            for doc_id, passage_text, dist in rows:
                if doc_id not in best:
                    best[doc_id] = 1.0 - float(dist)
                    if not per_query:
                        passage[doc_id] = passage_text
            per_query.append(best)
        floors = [min(b.values(), default=0.0) for b in per_query]
        found = {d for b in per_query for d in b}
        combined = {
            d: sum(b.get(d, floor) for b, floor in zip(per_query, floors, strict=True))
            / len(per_query)
            for d in found
        }
        ranked = sorted(combined, key=lambda d: -combined[d])[:limit]
        return {d: combined[d] for d in ranked}, {d: passage.get(d, "") for d in ranked}

    def documents(self, ids: Sequence[int]) -> dict[int, SearchDocument]:
        if not ids:
            return {}
        rows = self._session.execute(select(_d).where(_d.c.id.in_(list(ids)))).mappings()
        return {r["id"]: _document(r) for r in rows}

    def of_kinds(self, kinds: Sequence[DocumentKind]) -> list[SearchDocument]:
        rows = self._session.execute(
            select(_d).where(_d.c.kind.in_([str(k) for k in kinds])).order_by(_d.c.id)
        ).mappings()
        return [_document(r) for r in rows]


def _document(r: Any) -> SearchDocument:
    return SearchDocument(
        key=r["key"],
        kind=DocumentKind(r["kind"]),
        title=r["title"],
        body=r["body"],
        ticket_id=r["ticket_id"],
        article_id=r["article_id"],
        organisation_id=r["organisation_id"],
        status=r["status"],
        tier=r["tier"],
        queue=r["queue"],
        assignee_id=r["assignee_id"],
        citation=dict(r["citation"]),
        id=r["id"],
    )
