"""Dense search for SQLite: every passage vector of one model in an in-memory numpy matrix.

Where the vectors live, and why (docs/design.md, "Search index"): the vectors are rows of
``search_passages`` in the database itself, written in the same transaction as the ticket
change that caused them, so a crash or a rollback can never leave a vector file that disagrees
with the database, and several processes (web server, worker, CLI) share one truth. Each
process keeps a matrix cache of those rows and refreshes it before a search when the table
changed: new rows (ids above the highest cached id) are appended; when rows were deleted (the
count no longer adds up) the cache blanks ids that are gone, and compacts once a quarter of
its rows are blank. The check costs one ``max(id), count(*)`` query.

The cache reads on one connection of its own, a plain ``sqlite3`` connection to the same file,
opened outside the engine's pool and used only under the matrix's lock: it only ever holds
committed vectors, and a search never takes a second connection from the pool while its unit
of work holds one. (It used to: sixteen searches at once each held their request's
connection while waiting for the lock, and the one holding the lock waited for a pooled
connection none of them would give back: the whole desk stalled until the pool timed out.)

Past ``search.approximate_above`` passages a model's vectors leave memory: an HNSW graph over
document centroids picks the candidates and their passages are read from the database
(``graph``, which says why and how it follows the database the same way). Up to there, the
matrix of every passage (``matrix``: exact up to ``EXACT_LIMIT`` passages, then two stages)
serves it.

The products run on one BLAS thread. OpenBLAS splits even a matrix-vector product over every
core and then spin-waits for the slowest thread; on a 2-core desk whose other core is busy
(web server, worker, database) that made the 100k-ticket vector search ~26 ms instead of
~10 ms, with the same results (the embedder runs on one thread for the same reason).
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from sqlalchemy import Engine
from threadpoolctl import ThreadpoolController

from tierdesk.adapters.search import graph as graphs
from tierdesk.adapters.search.graph import APPROXIMATE_PROBE, CentroidGraph
from tierdesk.adapters.search.matrix import BLANK, PROBE_FACTOR, Floats, Ints, PassageMatrix

APPROXIMATE_ABOVE = 500_000  # passages; beyond this, the graph (``search.approximate_above``)
EXACT_LIMIT = 10_000  # passages; beyond this, centroids pick the documents to score exactly


class VectorMatrix:
    """The cached passages of one engine, per embedding model."""

    def __init__(
        self,
        engine: Engine,
        exact_limit: int = EXACT_LIMIT,
        approximate_above: int = APPROXIMATE_ABOVE,
        directory: Path | None = None,
    ) -> None:
        database = engine.url.database
        if engine.url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
            raise ValueError("the vector matrix serves a SQLite database file")
        self._database = database
        self._lock = threading.Lock()
        self._by_model: dict[str, PassageMatrix] = {}
        self._graphs: dict[str, CentroidGraph] = {}
        self._reader: sqlite3.Connection | None = None  # opened at the first search
        self.exact_limit = exact_limit
        self.approximate_above = approximate_above
        self.directory = directory  # where graphs are saved between starts (None: never)

    def search(self, model: str, queries: Floats, limit: int) -> tuple[Ints, Floats, Ints]:
        """The ``limit`` best documents for one or more query vectors (rows of ``queries``):
        (document ids, score, best passage id), best first. A document's score is, averaged
        over the query vectors, the cosine of its best passage (max-sim)."""
        with self._lock, one_blas_thread():
            graph = self._approximate(model, queries.shape[1])
            if graph is not None:
                chosen = graph.candidates(queries, int(limit * APPROXIMATE_PROBE))
                passage_ids, documents, vectors = graph.passages(self._connection(), chosen)
                scores = vectors @ queries.T
                candidates = np.unique(documents)
            else:
                matrix = self._refreshed(model, queries.shape[1])
                if matrix.live == 0:
                    return np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.int64)
                if matrix.live <= self.exact_limit:
                    rows = np.arange(matrix.size)
                    scores = matrix.vectors[: matrix.size] @ queries.T  # passages x queries
                    take = min(matrix.size, limit * 4)
                    top = np.argpartition(-scores, take - 1, axis=0)[:take].ravel()
                    candidates = np.unique(matrix.documents[top])
                else:
                    reduced, basis = matrix.reduced_centroids()
                    centroid = (reduced @ (queries @ basis).T).mean(axis=1)
                    take = min(matrix.slots, int(limit * PROBE_FACTOR))
                    best = np.argpartition(-centroid, take - 1)[:take]
                    candidates = matrix.slot_document[best]
                    # the slots are known: no need to look the documents' slots up again
                    rows = matrix.rows_of_slots(best[candidates != BLANK])
                    scores = matrix.vectors[rows] @ queries.T
                documents, passage_ids = matrix.documents[rows], matrix.ids[rows]
                candidates = candidates[candidates != BLANK]
        found, combined, best_passage = max_sim(scores, documents, passage_ids, candidates)
        ranked = np.argsort(-combined, kind="stable")[:limit]
        return found[ranked], combined[ranked], best_passage[ranked]

    def score_documents(
        self, model: str, queries: Floats, document_ids: Ints
    ) -> tuple[Ints, Floats, Ints]:
        """The same max-sim score as ``search``, for the given documents only (those with no
        vectors are left out): lets a keyword candidate be scored by meaning too."""
        with self._lock, one_blas_thread():
            graph = self._approximate(model, queries.shape[1])
            if graph is not None:
                passage_ids, documents, vectors = graph.passages(self._connection(), document_ids)
                scores = vectors @ queries.T
            else:
                matrix = self._refreshed(model, queries.shape[1])
                rows = matrix.rows_of(document_ids)
                scores = matrix.vectors[rows] @ queries.T
                documents, passage_ids = matrix.documents[rows], matrix.ids[rows]
        if len(documents) == 0:
            return np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.int64)
        return max_sim(scores, documents, passage_ids, np.unique(documents))

    def close(self) -> None:
        with self._lock:
            for graph in self._graphs.values():
                if graph.changed:
                    self._save(graph)
            self._drop_connection()

    def _approximate(self, model: str, dim: int) -> CentroidGraph | None:
        """The model's graph, caught up with the database, when the model has more than
        ``approximate_above`` passages (decided at its first search in this process, and
        when the in-memory matrix grows past it); None while the matrix serves it."""
        graph = self._graphs.get(model)
        if graph is not None and graph.dim == dim:
            version = self._committed_version()
            if version is None or version != graph.seen_version:
                graph.catch_up(self._connection())
                graph.seen_version = version
            return graph
        matrix = self._by_model.get(model)
        if matrix is not None and matrix.dim == dim:
            matrix = self._refreshed(model, dim)
            if matrix.live <= self.approximate_above:
                return None
            graph = CentroidGraph(model, dim)  # from the matrix's centroids: no reading
            live = np.flatnonzero(matrix.slot_document[: matrix.slots] != BLANK)
            documents, starts = matrix.slot_document[live], matrix.slot_start[live]
            graph.put(documents, matrix.centroids[live], threads=0)
            ends = starts + matrix.slot_count[live] - 1
            graph.place(documents, matrix.ids[starts], matrix.ids[ends])
            graph.max_id, graph.seen_version = matrix.max_id, matrix.seen_version
            del self._by_model[model]
        else:
            connection = self._connection()
            count = connection.execute(  # from the (model, id) index: no vector is read
                "SELECT count(*) FROM search_passages WHERE model = ?", (model,)
            ).fetchone()[0]
            if count <= self.approximate_above:
                return None
            version = self._committed_version()
            path = self._saved_path(model, dim)
            loaded = graphs.load(path, model, dim, connection) if path else None
            graph = loaded or CentroidGraph(model, dim)
            graph.catch_up(connection)
            graph.seen_version = version
            if loaded is not None:
                self._graphs[model] = graph
                return graph  # saved again when this process closes, if it changed
        self._graphs[model] = graph
        self._save(graph)  # built: the next process to start reads it
        return graph

    def _saved_path(self, model: str, dim: int) -> Path | None:
        if self.directory is None:
            return None
        return graphs.saved_path(self.directory, self._database, model, dim)

    def _save(self, graph: CentroidGraph) -> None:
        """Best effort: a graph that cannot be saved is rebuilt at the next start."""
        path = self._saved_path(graph.model, graph.dim)
        if path is not None:
            with suppress(OSError, sqlite3.Error, RuntimeError):
                graphs.save(graph, path, self._connection())

    def _connection(self) -> sqlite3.Connection:
        """The cache's own connection: outside the engine's pool (so it never counts against
        it), autocommit (a read holds no snapshot between refreshes, which would keep the
        WAL from being checkpointed), and refusing writes. Used only under ``_lock``."""
        if self._reader is None:
            reader = sqlite3.connect(
                self._database, timeout=30, isolation_level=None, check_same_thread=False
            )
            reader.execute("PRAGMA query_only = ON")
            self._reader = reader
        return self._reader

    def _committed_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` on the cache's own connection, which never writes:
        it changes whenever any other connection commits. Checking it costs microseconds,
        where ``count(*)`` over the passages costs milliseconds per hundred thousand rows."""
        try:
            return int(self._connection().execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:  # the connection broke: open another, look at the table itself
            self._drop_connection()
            return None

    def _drop_connection(self) -> None:
        if self._reader is not None:
            with suppress(sqlite3.Error):  # a broken connection may not close cleanly
                self._reader.close()
            self._reader = None

    def _refreshed(self, model: str, dim: int) -> PassageMatrix:
        matrix = self._by_model.get(model)
        if matrix is None or matrix.dim != dim:
            matrix = self._by_model[model] = PassageMatrix(dim)
        version = self._committed_version()
        if version is not None and version == matrix.seen_version:
            return matrix
        connection = self._connection()
        # one read transaction: the count, the new rows and the surviving ids are one snapshot
        connection.execute("BEGIN")
        try:
            top, count = connection.execute(
                "SELECT coalesce(max(id), 0), count(*) FROM search_passages WHERE model = ?",
                (model,),
            ).fetchone()
            if top > matrix.max_id:
                rows = connection.execute(
                    "SELECT id, document_id, embedding FROM search_passages "
                    "WHERE model = ? AND id > ? AND dim = ? ORDER BY id",
                    (model, matrix.max_id, dim),
                ).fetchall()
                matrix.append([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
            if count != matrix.live:  # rows were deleted since the cache last looked
                alive = connection.execute(
                    "SELECT id FROM search_passages WHERE model = ?", (model,)
                ).fetchall()
                matrix.keep_only(np.fromiter((r[0] for r in alive), np.int64, len(alive)))
        finally:
            connection.execute("COMMIT")
        matrix.seen_version = version
        return matrix


def max_sim(
    scores: Floats, documents: Ints, passage_ids: Ints, candidates: Ints
) -> tuple[Ints, Floats, Ints]:
    """Per candidate document: its best passage's cosine for each query vector, averaged over
    the query vectors, and its passage that matched the first query vector best. ``scores``
    are passages x query vectors, ``documents`` and ``passage_ids`` say whose each row is."""
    rows = np.flatnonzero(np.isin(documents, candidates))
    if len(rows) == 0:
        return np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.int64)
    order = rows[np.argsort(documents[rows], kind="stable")]
    grouped = documents[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    best = np.maximum.reduceat(scores[order], starts, axis=0)  # documents x queries
    combined = best.mean(axis=1).astype(np.float32)
    # each document's passage that best matches the first query vector: sort by (document,
    # -score) and take the first row of each document
    by_score = order[np.lexsort((-scores[order, 0], grouped))]
    return grouped[starts], combined, passage_ids[by_score[starts]]


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS libraries (a few ms): once


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS on one thread for the duration (see the module's docstring)."""
    with _blas().limit(limits=1, user_api="blas"):
        yield


_MATRICES: weakref.WeakKeyDictionary[Engine, VectorMatrix] = weakref.WeakKeyDictionary()
_MATRICES_LOCK = threading.Lock()


def configure_matrix(engine: Engine, approximate_above: int, directory: Path | None) -> None:
    """Give the engine a matrix with these settings (``search.approximate_above``, and the
    directory its graphs are saved in)."""
    with _MATRICES_LOCK:
        old = _MATRICES.pop(engine, None)
        _MATRICES[engine] = VectorMatrix(
            engine, approximate_above=approximate_above, directory=directory
        )
    if old is not None:
        old.close()


def matrix_for(engine: Engine) -> VectorMatrix:
    with _MATRICES_LOCK:
        found = _MATRICES.get(engine)
        if found is None:
            found = _MATRICES[engine] = VectorMatrix(engine)
        return found


def close_matrix(engine: Engine) -> None:
    """Forget the engine's matrix and close its connection (when the engine is disposed)."""
    with _MATRICES_LOCK:
        found = _MATRICES.pop(engine, None)
    if found is not None:
        found.close()
