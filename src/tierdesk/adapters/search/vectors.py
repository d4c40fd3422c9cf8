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
(``graph``, which says why and how it follows the database the same way).

A document's passages are stored together, so they are one run of rows. Up to
``EXACT_LIMIT`` passages every search scores every passage (exact max-sim). Above it, a search
first scores one centroid per document (the normalised mean of its passages: one matrix row
per ticket instead of five or more) and then scores exactly the passages of the
``PROBE_FACTOR`` × limit best documents. The first stage compares in ``REDUCED_DIM``
principal directions of the centroids (a quarter of the memory to read per search); forcing
the two-stage search on the GitBugs development pairs gave the same dense and hybrid figures
with 512, 128 and 64 dimensions (docs/research/retrieval-experiments.md). bench/speed.py
measures the cost.

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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine
from threadpoolctl import ThreadpoolController

from tierdesk.adapters.search import graph as graphs
from tierdesk.adapters.search.graph import APPROXIMATE_PROBE, CentroidGraph

APPROXIMATE_ABOVE = 300_000  # passages; beyond this, the graph (``search.approximate_above``)
EXACT_LIMIT = 10_000  # passages; beyond this, centroids pick the documents to score exactly
PROBE_FACTOR = 2  # documents scored exactly per result wanted, in the two-stage search
# The first stage compares the query with every centroid in this many dimensions: their
# principal directions (fitted on up to FIT_SAMPLE centroids, refitted when the desk has
# doubled since). Reading 100k centroids of 512 floats per search is memory-bound (~200 MB);
# a quarter of the dimensions reads a quarter of that, and the second stage is still exact.
REDUCED_DIM = 128
FIT_SAMPLE = 20_000
_BLANK = -1

Ints = NDArray[np.int64]
Floats = NDArray[np.float32]


def _grown_ints(array: Ints, capacity: int, fill: int = 0) -> Ints:
    grown = np.full(capacity, fill, np.int64)
    grown[: len(array)] = array
    return grown


def _grown_rows(array: Floats, capacity: int) -> Floats:
    grown = np.zeros((capacity, array.shape[1]), np.float32)
    grown[: len(array)] = array
    return grown


@dataclass
class _Matrix:
    dim: int
    # passages: one row each; a deleted passage is a blank row (document _BLANK, zero vector)
    ids: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    documents: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    vectors: Floats = field(init=False)
    size: int = 0  # rows in use; arrays grow by a quarter of headroom so appends stay cheap
    live: int = 0  # rows that are not blank
    max_id: int = 0
    seen_version: int | None = None  # the database's data_version when last refreshed
    # documents: one slot each, with its run of passage rows and its centroid
    slot_of: dict[int, int] = field(default_factory=dict)
    slot_start: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    slot_count: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    slot_document: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    centroids: Floats = field(init=False)
    slots: int = 0
    # the centroids projected on their principal directions (``basis``), for the first stage
    basis: Floats | None = None
    reduced: Floats = field(init=False)
    fitted_slots: int = 0

    def __post_init__(self) -> None:
        self.vectors = np.empty((0, self.dim), np.float32)
        self.centroids = np.empty((0, self.dim), np.float32)
        self.reduced = np.empty((0, 0), np.float32)

    def append(self, ids: list[int], docs: list[int], rows: list[bytes]) -> None:
        if not ids:
            return
        needed = self.size + len(ids)
        if needed > len(self.ids):
            capacity = max(needed + needed // 4, 1024)
            self.ids = _grown_ints(self.ids, capacity)
            self.documents = _grown_ints(self.documents, capacity, _BLANK)
            self.vectors = _grown_rows(self.vectors, capacity)
        start, end = self.size, self.size + len(ids)
        self.ids[start:end] = ids
        self.documents[start:end] = docs
        self.vectors[start:end] = np.frombuffer(b"".join(rows), np.float32).reshape(
            len(ids), self.dim
        )
        self.size, self.live = end, self.live + len(ids)
        self.max_id = max(self.max_id, max(ids))
        self._index_runs(start, end)

    def _index_runs(self, start: int, end: int) -> None:
        """Give each document in rows start..end a slot (a document whose text changed gets
        its new run; its old rows are blanked when the refresh sees them deleted)."""
        if end <= start:
            return  # nothing left to index (every passage was removed: a compaction to zero)
        documents = self.documents[start:end]
        breaks = np.flatnonzero(np.r_[True, documents[1:] != documents[:-1]])
        runs = list(zip(breaks, [*breaks[1:], len(documents)], strict=True))
        needed = self.slots + len(runs)
        if needed > len(self.slot_start):
            capacity = max(needed + needed // 4, 1024)
            self.slot_start = _grown_ints(self.slot_start, capacity)
            self.slot_count = _grown_ints(self.slot_count, capacity)
            self.slot_document = _grown_ints(self.slot_document, capacity, _BLANK)
            self.centroids = _grown_rows(self.centroids, capacity)
            if self.basis is not None:
                self.reduced = _grown_rows(self.reduced, capacity)
        touched: list[int] = []
        for run_start, run_end in runs:
            document = int(documents[run_start])
            slot = self.slot_of.get(document)
            if slot is None:
                slot = self.slot_of[document] = self.slots
                self.slots += 1
            first = start + int(run_start)
            self.slot_start[slot] = first
            self.slot_count[slot] = int(run_end - run_start)
            self.slot_document[slot] = document
            mean = self.vectors[first : start + int(run_end)].sum(axis=0)
            norm = float(np.linalg.norm(mean))
            self.centroids[slot] = mean / norm if norm > 0 else mean
            touched.append(slot)
        if self.basis is not None and touched:
            self.reduced[touched] = self.centroids[touched] @ self.basis

    def reduced_centroids(self) -> tuple[Floats, Floats]:
        """(centroids on their principal directions, the directions as columns), fitting
        the directions when there are none yet or the desk has doubled since they were."""
        if self.basis is None or self.slots >= 2 * self.fitted_slots:
            live = np.flatnonzero(self.slot_document[: self.slots] != _BLANK)
            if len(live) > FIT_SAMPLE:
                live = np.random.default_rng(0).choice(live, FIT_SAMPLE, replace=False)
            _, _, directions = np.linalg.svd(self.centroids[live], full_matrices=False)
            self.basis = np.ascontiguousarray(directions[:REDUCED_DIM].T, np.float32)
            self.reduced = np.zeros((len(self.centroids), self.basis.shape[1]), np.float32)
            self.reduced[: self.slots] = self.centroids[: self.slots] @ self.basis
            self.fitted_slots = self.slots
        return self.reduced[: self.slots], self.basis

    def keep_only(self, alive: Ints) -> None:
        gone = ~np.isin(self.ids[: self.size], alive)
        gone &= self.documents[: self.size] != _BLANK
        rows = np.flatnonzero(gone)
        if len(rows) == 0:
            return
        for document in np.unique(self.documents[rows]):
            slot = self.slot_of.get(int(document))
            if slot is None:
                continue
            first = int(self.slot_start[slot])
            if gone[first]:  # the document's current run is gone: so is the document
                del self.slot_of[int(document)]
                self.slot_document[slot] = _BLANK
                self.slot_count[slot] = 0
                self.centroids[slot] = 0.0
                if self.basis is not None:
                    self.reduced[slot] = 0.0
        self.documents[rows] = _BLANK
        self.vectors[rows] = 0.0
        self.live -= len(rows)
        if self.live < self.size * 3 // 4:
            self._compact()

    def _compact(self) -> None:
        kept = np.flatnonzero(self.documents[: self.size] != _BLANK)
        self.ids[: len(kept)] = self.ids[kept]
        self.documents[: len(kept)] = self.documents[kept]
        self.vectors[: len(kept)] = self.vectors[kept]
        self.documents[len(kept) : self.size] = _BLANK
        self.size = self.live = len(kept)
        self.slot_of.clear()
        self.slots = 0
        self.slot_document[:] = _BLANK
        self._index_runs(0, self.size)

    def rows_of(self, documents: Ints) -> Ints:
        """The passage rows of these documents (unknown ones have none)."""
        slots = np.array(
            [self.slot_of[d] for d in documents.tolist() if d in self.slot_of], np.int64
        )
        return self.rows_of_slots(slots)

    def rows_of_slots(self, slots: Ints) -> Ints:
        """The passage rows of these document slots, slot by slot (blank slots have none)."""
        if len(slots) == 0:
            return np.empty(0, np.int64)
        starts, counts = self.slot_start[slots], self.slot_count[slots]
        # each run's rows: its start repeated over its length, plus 0, 1, … within the run
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        rows: Ints = np.repeat(starts, counts) + offsets
        return rows


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
        self._by_model: dict[str, _Matrix] = {}
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
                    rows = matrix.rows_of_slots(best[candidates != _BLANK])
                    scores = matrix.vectors[rows] @ queries.T
                documents, passage_ids = matrix.documents[rows], matrix.ids[rows]
                candidates = candidates[candidates != _BLANK]
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
            live = np.flatnonzero(matrix.slot_document[: matrix.slots] != _BLANK)
            graph.put(matrix.slot_document[live], matrix.centroids[live], threads=0)
            graph.max_id, graph.seen_version = matrix.max_id, matrix.seen_version
            del self._by_model[model]
        else:
            connection = self._connection()
            count = connection.execute(
                "SELECT count(*) FROM search_passages WHERE model = ? AND dim = ?", (model, dim)
            ).fetchone()[0]
            if count <= self.approximate_above:
                return None
            version = self._committed_version()
            path = self._saved_path(model, dim)
            graph = graphs.load(path, model, dim, connection) if path else None
            if graph is None:
                graph = CentroidGraph(model, dim)
            graph.catch_up(connection)
            graph.seen_version = version
        self._graphs[model] = graph
        if graph.changed:
            self._save(graph)
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

    def _refreshed(self, model: str, dim: int) -> _Matrix:
        matrix = self._by_model.get(model)
        if matrix is None or matrix.dim != dim:
            matrix = self._by_model[model] = _Matrix(dim)
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
