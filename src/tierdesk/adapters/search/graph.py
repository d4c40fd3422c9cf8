"""Dense search for SQLite past ``search.approximate_above`` passages: an HNSW graph over the
documents' centroids, and the candidates' passages read from the database.

At a million tickets (~4.6M passages of 512 float32) the in-memory matrix of ``vectors`` would
hold 9.4 GB per process, and its first stage would read a million centroids per search. Here
each process keeps only a graph (usearch's HNSW, vectors quantised to int8: ~0.7 KB per
document with its links) over one centroid per document (the normalised mean of its passages,
as in the matrix), keyed by the document's id. A search walks the graph with the mean of the
query vectors (a centroid's score averaged over the query vectors is its cosine with their
mean), takes the ``APPROXIMATE_PROBE`` × limit nearest documents, reads their passages from the
database and scores those exactly (max-sim, as the matrix does). bench/ann.py measures the
recall against exact search.

The database stays the one truth. The graph only picks candidates: whatever it holds, a search
returns only documents whose passages the database has now, scored on those passages, and the
access checks run on the results as before. It follows the database as the matrix does: after
any commit (``PRAGMA data_version``), rows above the highest id it has seen are read and their
documents' centroids replace the old ones. A deleted document is forgotten when a search finds
it among the candidates with no passages left (a deleted document costs nothing until then).

The graph is saved in the data directory (one file per database, model and dimension, written
to a temporary name and renamed) after it is built and when its process closes, so a start
reads it instead of every passage; the rows added since are read as after a commit. A file that
cannot be read, or that does not match the database (its newest row gone, or another document's),
is rebuilt from the database; at worst a stale file costs recall, never a wrong result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from usearch.index import Index

Ints = NDArray[np.int64]
Floats = NDArray[np.float32]

# Documents whose passages are read and scored exactly, per result wanted. 1 gave recall@10
# against exact search 0.951 at 100k tickets and 0.844 at 1M, 2 gave 0.972 and 0.875 for twice
# the reading (bench/ann.py); widening the graph's walk buys more for less (``candidates``).
APPROXIMATE_PROBE = 1
READ_BATCH = 50_000  # passages read at once while building (~100 MB of 512-float vectors)
FORMAT = 2  # of the saved file; another format is rebuilt


class CentroidGraph:
    """The HNSW graph over one model's document centroids, and the rows it has seen."""

    def __init__(self, model: str, dim: int) -> None:
        self.model = model
        self.dim = dim
        self.index = _new_index(dim)
        self.max_id = 0  # the highest passage id whose document is in the graph
        # each document's passages: the first and last id of its run of rows, by document id
        # (a document's passages are written together, so their ids are consecutive)
        self.first = np.zeros(0, np.int64)
        self.last = np.zeros(0, np.int64)
        self.changed = False  # since it was loaded or saved
        self.seen_version: int | None = None  # the database's data_version when last read

    def __len__(self) -> int:
        return len(self.index)

    def put(self, documents: Ints, centroids: Floats, threads: int = 1) -> None:
        """Add these documents' centroids, replacing any they had."""
        if len(documents) == 0:
            return
        present = documents[np.asarray(self.index.contains(documents), bool)]
        if len(present):
            self.index.remove(present)
        self.index.add(documents, centroids, threads=threads)
        self.changed = True

    def forget(self, documents: Ints) -> None:
        if len(documents):
            self.index.remove(documents)
            self.first[documents] = self.last[documents] = 0
            self.changed = True

    def place(self, documents: Ints, first: Ints, last: Ints) -> None:
        """Where these documents' passages are: ids ``first`` to ``last``."""
        if len(documents) == 0:
            return
        needed = int(documents.max()) + 1
        if needed > len(self.first):
            capacity = max(needed + needed // 4, 1024)
            self.first = np.r_[self.first, np.zeros(capacity - len(self.first), np.int64)]
            self.last = np.r_[self.last, np.zeros(capacity - len(self.last), np.int64)]
        self.first[documents], self.last[documents] = first, last

    def put_rows(self, ids: list[int], documents: list[int], blobs: list[bytes]) -> None:
        """Passage rows in id order: each document's rows here are all of its passages (a
        document's passages are written together), so their mean is its new centroid."""
        if not ids:
            return
        owners = np.asarray(documents, np.int64)
        numbers = np.asarray(ids, np.int64)
        vectors = np.frombuffer(b"".join(blobs), np.float32).reshape(len(ids), self.dim)
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        ends = np.r_[starts[1:], len(owners)] - 1
        sums = np.add.reduceat(vectors, starts, axis=0)
        keys = owners[starts]
        # a document written twice since the last look has only its newer run left; keep
        # the last run of any document named twice all the same
        _, newest = np.unique(keys[::-1], return_index=True)
        keep = np.sort(len(keys) - 1 - newest)
        keys, sums, starts, ends = keys[keep], sums[keep], starts[keep], ends[keep]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centroids = (sums / np.where(norms > 0, norms, 1)).astype(np.float32)
        self.put(keys, centroids, threads=0 if len(keys) > 1000 else 1)
        self.place(keys, numbers[starts], numbers[ends])
        self.max_id = max(self.max_id, int(numbers.max()))

    def catch_up(self, connection: sqlite3.Connection) -> None:
        """Read the rows committed above ``max_id`` (all of them, at a build)."""
        top = connection.execute(
            "SELECT coalesce(max(id), 0) FROM search_passages WHERE model = ?", (self.model,)
        ).fetchone()[0]
        if top < self.max_id:
            # the newest rows were deleted: SQLite gives their ids to the next rows written
            self.max_id = top
        for ids, documents, blobs in _rows_above(connection, self.model, self.dim, self.max_id):
            self.put_rows(ids, documents, blobs)

    def candidates(self, queries: Floats, take: int) -> Ints:
        """The ``take`` documents whose centroids are nearest the queries' mean."""
        if len(self.index) == 0:
            return np.empty(0, np.int64)
        mean = queries.mean(axis=0)
        take = min(take, len(self.index))
        # a walk 4 x as wide as the documents taken: at 100k tickets recall@10 0.941 → 0.951,
        # at 1M 0.79 → 0.84, for ~the same CPU (the reading of passages dominates; bench/ann.py)
        # (usearch has a setter; its stubs declare it out of order, so mypy sees none)
        self.index.expansion_search = max(64, 4 * take)  # type: ignore[misc]
        found = self.index.search(mean, take, threads=1)
        keys: Ints = np.asarray(found.keys, np.int64)
        return keys

    def passages(
        self, connection: sqlite3.Connection, documents: Ints
    ) -> tuple[Ints, Ints, Floats]:
        """(passage ids, their documents, their vectors) of these documents, from the
        database; a document in the graph with no passages left is forgotten."""
        ids: list[int] = []
        owners: list[int] = []
        blobs: list[bytes] = []
        wanted = np.unique(np.asarray(documents, np.int64))
        wanted = wanted[(wanted >= 0) & (wanted < len(self.first))]
        wanted = wanted[self.first[wanted] > 0]
        # by id range, in id order: each document is one short walk along the table (reading
        # by document_id cost an index look-up and a table look-up per passage: 2-3 times
        # slower at 100k tickets)
        order = np.argsort(self.first[wanted])
        for document, first, last in zip(
            wanted[order].tolist(),
            self.first[wanted][order].tolist(),
            self.last[wanted][order].tolist(),
            strict=True,
        ):
            for passage, owner, blob in connection.execute(
                # ``+model``: walk the table by id, not the (model, id) index
                "SELECT id, document_id, embedding FROM search_passages "
                "WHERE id BETWEEN ? AND ? AND +model = ? AND dim = ?",
                (first, last, self.model, self.dim),
            ):
                if owner == document:
                    ids.append(passage)
                    owners.append(owner)
                    blobs.append(blob)
        found = np.asarray(owners, np.int64)
        self.forget(np.setdiff1d(wanted, found))
        vectors = np.frombuffer(b"".join(blobs), np.float32).reshape(len(ids), self.dim)
        return np.asarray(ids, np.int64), found, vectors


def _new_index(dim: int) -> Index:
    # int8 keeps a 512-dimension centroid in 512 bytes; expansion_add 48 builds ~3.5x faster
    # than usearch's default 128 (one thread, 100k centroids), at a cost in recall at 1M
    # (bench/README.md); the search expansion is set per search from the candidates wanted.
    return Index(ndim=dim, metric="cos", dtype="i8", connectivity=16, expansion_add=48)


def _rows_above(
    connection: sqlite3.Connection, model: str, dim: int, after: int
) -> Iterator[tuple[list[int], list[int], list[bytes]]]:
    """The model's passage rows above ``after`` in batches that end where a document does."""
    while True:
        rows = connection.execute(
            "SELECT id, document_id, embedding FROM search_passages "
            "WHERE model = ? AND id > ? AND dim = ? ORDER BY id LIMIT ?",
            (model, after, dim, READ_BATCH),
        ).fetchall()
        if not rows:
            return
        if len(rows) == READ_BATCH:
            # hold the last document back: the next batch may have more of its passages
            last = rows[-1][1]
            cut = len(rows)
            while cut > 0 and rows[cut - 1][1] == last:
                cut -= 1
            rows = rows[:cut] or rows
        yield [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        after = rows[-1][0]


# -- the saved graph ----------------------------------------------------------------------------


def saved_path(directory: Path, database: str, model: str, dim: int) -> Path:
    name = hashlib.sha256(f"{Path(database).resolve()}\0{model}\0{dim}".encode()).hexdigest()
    return directory / f"{name[:24]}.usearch"


def save(graph: CentroidGraph, path: Path, connection: sqlite3.Connection) -> None:
    """Write the graph with what it has seen (a JSON header line, then usearch's bytes)."""
    anchor = connection.execute(
        "SELECT document_id FROM search_passages WHERE id = ?", (graph.max_id,)
    ).fetchone()
    header = {
        "format": FORMAT,
        "model": graph.model,
        "dim": graph.dim,
        "max_id": graph.max_id,
        "anchor": anchor[0] if anchor else None,
        "documents": len(graph.first),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(json.dumps(header).encode() + b"\n")
            out.write(graph.first.tobytes() + graph.last.tobytes())
            out.write(graph.index.save() or b"")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    graph.changed = False


def load(path: Path, model: str, dim: int, connection: sqlite3.Connection) -> CentroidGraph | None:
    """The saved graph if it can be read and still matches the database; else None."""
    try:
        with path.open("rb") as saved:
            header = json.loads(saved.readline())
            runs = int(header["documents"])
            first = np.frombuffer(saved.read(runs * 8), np.int64).copy()
            last = np.frombuffer(saved.read(runs * 8), np.int64).copy()
            body = saved.read()
        if (header["format"], header["model"], header["dim"]) != (FORMAT, model, dim):
            return None
        max_id = int(header["max_id"])
        top = connection.execute(
            "SELECT coalesce(max(id), 0) FROM search_passages WHERE model = ?", (model,)
        ).fetchone()[0]
        anchor = connection.execute(
            "SELECT document_id FROM search_passages WHERE id = ?", (max_id,)
        ).fetchone()
        if top < max_id or (anchor is not None and anchor[0] != header["anchor"]):
            return None  # another database's graph, or rows it has seen were rewritten
        graph = CentroidGraph(model, dim)
        graph.index.load(body)
        if graph.index.ndim != dim or len(first) != runs or len(last) != runs:
            return None
        graph.first, graph.last = first, last
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        return None  # missing, truncated or corrupt: rebuilt from the database
    graph.max_id = max_id
    return graph
