"""The search store of one unit of work: documents, passages and their vectors, the text index.

SQLite: FTS5 (BM25 with the title weighted) and numpy search over the passage matrix (past
``search.approximate_above`` passages, over passages an HNSW graph of centroids picks).
PostgreSQL: ``to_tsvector`` with a GIN index (ts_rank) and pgvector with an HNSW index.
Every write happens in the unit of work's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    ColumnElement,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.search import search_documents as _d
from tierdesk.adapters.db.search import search_passages as _p
from tierdesk.adapters.search.clauses import (
    TSVECTOR,
    WORD_PART,
    filter_clause,
    pg_matches,
    pg_query,
)
from tierdesk.adapters.search.frequencies import common_word_counts
from tierdesk.adapters.search.vectors import matrix_for, max_sim
from tierdesk.domain.knowledge import (
    DocumentKind,
    Passage,
    SearchDocument,
    SearchFilter,
    fts_expression,
)

# Keyword matches ranked per result wanted before the filter is applied (``lexical``).
LEXICAL_PROBE = 2


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

    def stored_vectors(self, keys: Sequence[str], model: str) -> dict[str, bytes]:
        """The vectors ``model`` gave the passages these documents hold now, by text."""
        if not keys:
            return {}
        rows = self._session.execute(
            select(_p.c.text, _p.c.embedding)
            .join(_d, _d.c.id == _p.c.document_id)
            .where(_d.c.key.in_(list(keys)), _p.c.model == model)
        )
        if self._postgres:
            return {str(t): np.asarray(v, np.float32).tobytes() for t, v in rows}
        return {str(t): bytes(v) for t, v in rows}

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
        old: list[int] = []
        if found is None:
            doc_id = int(
                self._session.execute(insert(_d).values(**values).returning(_d.c.id)).scalar_one()
            )
        else:
            doc_id = int(found)
            self._session.execute(update(_d).where(_d.c.id == doc_id).values(**values))
            old = list(
                self._session.execute(select(_p.c.id).where(_p.c.document_id == doc_id)).scalars()
            )
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
        if old:
            # deleted after the new rows are written: SQLite numbers a new row one above the
            # highest id left, so deleting first gave the newest document's new passages the
            # ids of its old ones, and the vector caches (which read ids above the highest
            # they hold) kept the old vectors
            self._session.execute(delete(_p).where(_p.c.id.in_(old)))
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
        which are (nearly always) prefixes of the word, so the longest stored prefix counts; a
        compound (``dfs.namenode.name.dir``, ``1.12.262``) counts the documents holding the
        phrase of its parts. On PostgreSQL each term is one count over the GIN index. Counts
        of words most documents hold are remembered for a minute (``frequencies``)."""
        if not terms:
            return {}
        common = common_word_counts(self._session.get_bind())  # type: ignore[arg-type]
        known = common.remembered(terms)
        counted = self._count_documents([t for t in terms if t not in known])
        common.remember(counted)
        return {**counted, **known}

    def _count_documents(self, terms: Sequence[str]) -> dict[str, int]:
        if not terms:
            return {}
        if self._postgres:
            return self._frequencies_postgres(terms)
        phrases = [t for t in terms if len(WORD_PART.findall(t)) > 1]
        terms = [t for t in terms if len(WORD_PART.findall(t)) <= 1]
        counted = {p: self._phrase_frequency(p) for p in phrases}
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
        words = {t: next((found[c] for c in cs if c in found), 0) for t, cs in candidates.items()}
        # a stem more than four letters short of its word ("settings" → "set") is not among
        # the prefixes tried: ask the index itself, which stems the term as it stems text
        words |= {t: self._phrase_frequency(t) for t, n in words.items() if n == 0}
        return {**words, **counted}

    def _phrase_frequency(self, compound: str) -> int:
        """Documents holding a term; a dotted or hyphenated name as the phrase of its parts."""
        expression = fts_expression([" ".join(WORD_PART.findall(compound))])
        if not expression:
            return 0
        return int(
            self._session.execute(
                text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :e"), {"e": expression}
            ).scalar_one()
        )

    def _frequencies_postgres(self, terms: Sequence[str]) -> dict[str, int]:
        """One GIN-indexed count per term. PostgreSQL's parser keeps a dotted name or a
        version (``dfs.namenode.name.dir``, ``1.12.262``) as one lexeme and a hyphenated one
        as the whole plus its parts, so a compound matches as itself or as the phrase of its
        parts (text written with spaces)."""
        found: dict[str, int] = {}
        for term in terms:
            found[term] = int(
                self._session.execute(
                    select(func.count()).select_from(_d).where(pg_matches(term))
                ).scalar_one()
            )
        return found

    def lexical(self, terms: Sequence[str], where: SearchFilter, limit: int) -> dict[int, float]:
        """Document id → keyword score (higher is better) for documents holding any term."""
        if not terms:
            return {}
        if self._postgres:
            return self._lexical_postgres(terms, where, limit)
        expression = fts_expression(terms)
        if not expression:
            return {}
        # The text index ranks its matches alone, then only its best are checked against
        # ``where``: joining every match to search_documents to filter it first cost a random
        # read of that large table per match (~1,800 a search at 100k tickets). When enough of
        # the best pass, they are exactly the best that pass (ties broken by id both ways).
        wanted = limit * LEXICAL_PROBE
        best = self._session.execute(
            text(
                "SELECT rowid, -bm25(search_fts, 2.0, 1.0) AS score FROM search_fts "
                "WHERE search_fts MATCH :expression ORDER BY score DESC, rowid LIMIT :wanted"
            ),
            {"expression": expression, "wanted": wanted},
        ).all()
        allowed = self._allowed([int(doc_id) for doc_id, _ in best], where, enough=limit)
        if len(allowed) >= limit or len(best) < wanted:
            ranked = [(int(d), float(score)) for d, score in best if int(d) in allowed]
            return dict(ranked[:limit])
        # a narrow filter (one organisation's tickets): filter every match, then rank
        query = (
            select(_d.c.id, text("-bm25(search_fts, 2.0, 1.0) AS score"))
            .select_from(
                _d.join(text("search_fts"), text("search_fts.rowid = search_documents.id"))
            )
            .where(text("search_fts MATCH :expression"), filter_clause(where))
            .order_by(text("score DESC"), _d.c.id)
            .limit(limit)
        )
        rows = self._session.execute(query, {"expression": expression})
        return {int(doc_id): float(score) for doc_id, score in rows}

    def _lexical_postgres(
        self, terms: Sequence[str], where: SearchFilter, limit: int
    ) -> dict[int, float]:
        if not terms:
            return {}
        query = pg_query(terms)
        rows = self._session.execute(
            select(_d.c.id, func.ts_rank(literal_column(TSVECTOR), query, 1).label("score"))
            .where(literal_column(TSVECTOR).bool_op("@@")(query), filter_clause(where))
            .order_by(text("score DESC"))
            .limit(limit)
        )
        return {int(doc_id): float(score) for doc_id, score in rows}

    def nearest(
        self, vectors: Sequence[bytes], model: str, where: SearchFilter, limit: int
    ) -> tuple[dict[int, float], dict[int, int]]:
        """Document id → score (the best passage's cosine, averaged over the query vectors),
        and document id → the passage that matched the first query vector best (its text is
        read by ``passage_texts`` for the few documents a search returns)."""
        if not vectors:
            return {}, {}
        queries = np.vstack([np.frombuffer(v, np.float32) for v in vectors])
        if self._postgres:
            return self._nearest_postgres(queries, model, where, limit)
        matrix = matrix_for(self._session.get_bind())  # type: ignore[arg-type]
        wanted = limit * 4
        doc_ids, scores, passage_ids = matrix.search(model, queries, wanted)
        allowed = self._allowed([int(d) for d in doc_ids], where, enough=limit)
        if len(allowed) < limit and len(doc_ids) >= wanted:
            # a narrow filter (one organisation's tickets, one kind among many): rather than
            # widening the search until enough pass it, score exactly what may be seen
            allowed = set(
                self._session.execute(select(_d.c.id).where(filter_clause(where))).scalars()
            )
            doc_ids, scores, passage_ids = matrix.score_documents(
                model, queries, np.fromiter(allowed, np.int64, len(allowed))
            )
            best = np.argsort(-scores, kind="stable")
            doc_ids, scores, passage_ids = doc_ids[best], scores[best], passage_ids[best]
        ranked = [
            (int(d), float(s), int(p))
            for d, s, p in zip(doc_ids, scores, passage_ids, strict=True)
            if int(d) in allowed
        ][:limit]
        return {d: s for d, s, _ in ranked}, {d: p for d, _, p in ranked}

    def passage_scores(
        self, vectors: Sequence[bytes], model: str, doc_ids: Sequence[int]
    ) -> tuple[dict[int, float], dict[int, int]]:
        """``nearest``'s score and best passage for the given documents (already filtered by
        the caller), e.g. keyword candidates the vector search did not reach."""
        if not vectors or not doc_ids:
            return {}, {}
        queries = np.vstack([np.frombuffer(v, np.float32) for v in vectors])
        wanted = np.array(sorted(set(doc_ids)), np.int64)
        if self._postgres:
            rows = self._session.execute(
                select(_p.c.id, _p.c.document_id, _p.c.embedding).where(
                    _p.c.document_id.in_([int(d) for d in wanted]),
                    _p.c.model == model,
                    _p.c.dim == queries.shape[1],
                )
            ).all()
            if not rows:
                return {}, {}
            matrix = np.vstack([np.asarray(r[2], np.float32) for r in rows])
            found, scores, best = max_sim(
                matrix @ queries.T,
                np.array([r[1] for r in rows], np.int64),
                np.array([r[0] for r in rows], np.int64),
                wanted,
            )
        else:
            engine = self._session.get_bind()
            found, scores, best = matrix_for(engine).score_documents(  # type: ignore[arg-type]
                model, queries, wanted
            )
        return (
            {int(d): float(s) for d, s in zip(found, scores, strict=True)},
            {int(d): int(p) for d, p in zip(found, best, strict=True)},
        )

    def passage_texts(self, passage_ids: Sequence[int]) -> dict[int, str]:
        if not passage_ids:
            return {}
        rows = self._session.execute(
            select(_p.c.id, _p.c.text).where(_p.c.id.in_([int(p) for p in passage_ids]))
        )
        return {int(p): str(t) for p, t in rows}

    def _allowed(
        self, doc_ids: list[int], where: SearchFilter, enough: int | None = None
    ) -> set[int]:
        """Which of ``doc_ids`` pass ``where``. With ``enough``, ids are checked best first,
        ``enough`` at a time, until that many passed: usually the first look-up decides, and
        at 100k tickets each row looked up is a random read of a large table."""
        found: set[int] = set()
        step = min(900, enough or 900)
        for start in range(0, len(doc_ids), step):
            if enough is not None and len(found) >= enough:
                break
            chunk = doc_ids[start : start + step]
            found.update(
                self._session.execute(
                    select(_d.c.id).where(self._ids_in(chunk), filter_clause(where))
                ).scalars()
            )
        return found

    def _ids_in(self, ids: list[int]) -> ColumnElement[bool]:
        """``id IN ids``, answered from the covering access index (migration 0013). SQLite
        looks a row up by its rowid whenever a query names the id (a random read of the large
        documents table per id); ``id + 0`` is the index's key, and the index holds every
        column ``filter_clause`` reads, so the check reads only that small index."""
        if self._postgres:
            return _d.c.id.in_(ids)
        return _d.c.id.op("+")(literal_column("0")).in_(ids)

    def _nearest_postgres(
        self, queries: np.ndarray[Any, Any], model: str, where: SearchFilter, limit: int
    ) -> tuple[dict[int, float], dict[int, int]]:
        """One HNSW search per query vector; a document missing from one vector's list counts
        with that list's lowest score."""
        dim = queries.shape[1]
        self._session.execute(text("SET LOCAL hnsw.ef_search = 200"))
        per_query: list[dict[int, float]] = []
        passage: dict[int, int] = {}
        for query in queries:
            # the same expression as the HNSW index (migration 0004), so that the index is used
            distance = cast(_p.c.embedding, VECTOR(dim)).cosine_distance(query)
            rows = self._session.execute(
                select(_p.c.document_id, _p.c.id, distance.label("distance"))
                .join(_d, _d.c.id == _p.c.document_id)
                .where(_p.c.dim == dim, _p.c.model == model, filter_clause(where))
                .order_by(text("distance"))
                .limit(limit * 4)
            ).all()
            best: dict[int, float] = {}
            for doc_id, passage_id, dist in rows:
                if doc_id not in best:
                    best[doc_id] = 1.0 - float(dist)
                    if not per_query:
                        passage[doc_id] = int(passage_id)
            per_query.append(best)
        floors = [min(b.values(), default=0.0) for b in per_query]
        found = {d for b in per_query for d in b}
        combined = {
            d: sum(b.get(d, floor) for b, floor in zip(per_query, floors, strict=True))
            / len(per_query)
            for d in found
        }
        ranked = sorted(combined, key=lambda d: -combined[d])[:limit]
        return {d: combined[d] for d in ranked}, {d: passage[d] for d in ranked if d in passage}

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
