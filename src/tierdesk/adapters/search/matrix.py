"""The in-memory passage matrix of one embedding model: the cache ``vectors`` keeps per model
up to ``search.approximate_above`` passages (past it, ``graph``).

A document's passages are stored together, so they are one run of rows. Up to
``vectors.EXACT_LIMIT`` passages every search scores every passage (exact max-sim). Above it,
a search first scores one centroid per document (the normalised mean of its passages: one matrix row
per ticket instead of five or more) and then scores exactly the passages of the
``PROBE_FACTOR`` × limit best documents. The first stage compares in ``REDUCED_DIM``
principal directions of the centroids (a quarter of the memory to read per search); forcing
the two-stage search on the GitBugs development pairs gave the same dense and hybrid figures
with 512, 128 and 64 dimensions (docs/research/retrieval-experiments.md). bench/speed.py
measures the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

PROBE_FACTOR = 2  # documents scored exactly per result wanted, in the two-stage search
# The first stage compares the query with every centroid in this many dimensions: their
# principal directions (fitted on up to FIT_SAMPLE centroids, refitted when the desk has
# doubled since). Reading 100k centroids of 512 floats per search is memory-bound (~200 MB);
# a quarter of the dimensions reads a quarter of that, and the second stage is still exact.
REDUCED_DIM = 128
FIT_SAMPLE = 20_000
BLANK = -1

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
class PassageMatrix:
    dim: int
    # passages: one row each; a deleted passage is a blank row (document BLANK, zero vector)
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
            self.documents = _grown_ints(self.documents, capacity, BLANK)
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
            self.slot_document = _grown_ints(self.slot_document, capacity, BLANK)
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
            live = np.flatnonzero(self.slot_document[: self.slots] != BLANK)
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
        gone &= self.documents[: self.size] != BLANK
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
                self.slot_document[slot] = BLANK
                self.slot_count[slot] = 0
                self.centroids[slot] = 0.0
                if self.basis is not None:
                    self.reduced[slot] = 0.0
        self.documents[rows] = BLANK
        self.vectors[rows] = 0.0
        self.live -= len(rows)
        if self.live < self.size * 3 // 4:
            self._compact()

    def _compact(self) -> None:
        kept = np.flatnonzero(self.documents[: self.size] != BLANK)
        self.ids[: len(kept)] = self.ids[kept]
        self.documents[: len(kept)] = self.documents[kept]
        self.vectors[: len(kept)] = self.vectors[kept]
        self.documents[len(kept) : self.size] = BLANK
        self.size = self.live = len(kept)
        self.slot_of.clear()
        self.slots = 0
        self.slot_document[:] = BLANK
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
