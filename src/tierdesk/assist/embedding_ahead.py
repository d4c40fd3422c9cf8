"""Embedding text ahead of need, in a second process, for bulk builds (the demo world).

A bulk build embeds everything once at the end (``services.search.rebuild_index``), on the core
that has just spent minutes playing the history. Most of that text was final long before the
end: a closed ticket's passages do not change. ``EmbeddingAhead`` is an ``Embedder`` whose
owner announces such text with ``ahead(texts)``; a worker process with its own copy of the
model embeds it meanwhile on the other core, and ``embed`` later serves those vectors instead
of computing them again. Vectors are kept by text, so text that did change after it was
announced is simply embedded as usual when asked for. Same model and code in both processes:
the vectors are the ones ``embed`` would have computed (up to float rounding of the batch).

Text that is embedded one at a time (a new ticket's text for triage's cold start) is announced
with ``ahead_one_by_one`` and served by ``one_by_one()``: the worker embeds each such text on
its own, so its vector is exactly the one this process would have computed, bit for bit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from multiprocessing import get_context
from types import TracebackType
from typing import Self

import numpy as np
from numpy.typing import NDArray

from tierdesk.assist.embeddings import Embedder, make_embedder
from tierdesk.config import SearchSettings

# Texts per batch sent to the worker: large enough that pickling and the model's per-call cost
# vanish, small enough that the worker starts soon and a final ``embed`` rarely waits long.
BATCH = 64

log = logging.getLogger(__name__)

_worker_embedder: Embedder | None = None  # in the worker process only


def _start_worker(settings: SearchSettings) -> None:
    global _worker_embedder
    _worker_embedder = make_embedder(settings)


def _embed_in_worker(texts: list[str]) -> NDArray[np.float32]:
    assert _worker_embedder is not None, "the worker was started without its embedder"
    return _worker_embedder.embed(texts)


class EmbeddingAhead:
    """``inner`` embeds in this process; a worker built from ``settings`` embeds ahead.
    Use as a context manager: leaving it stops the worker (unfinished batches are dropped;
    ``embed`` computes anything it still needs itself). For one thread: one bulk build."""

    def __init__(self, inner: Embedder, settings: SearchSettings) -> None:
        self._inner = inner
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            # spawn: a fork would copy this process's database connections and threads
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(settings,),
        )
        self._ready: dict[str, NDArray[np.float32]] = {}
        self._sent: dict[str, Future[NDArray[np.float32]]] = {}
        self._batches: list[tuple[list[str], Future[NDArray[np.float32]]]] = []
        self._queued: dict[str, None] = {}  # announced, not yet sent (insertion-ordered)
        self._broken = False
        self._singles: dict[str, Future[NDArray[np.float32]]] = {}  # each embedded alone
        self.served_ahead = 0  # texts ``embed`` found embedded by the worker
        self.embedded_here = 0

    @property
    def name(self) -> str:
        return self._inner.name

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        log.info(
            "embedding ahead: %d texts served from the worker, %d embedded here",
            self.served_ahead,
            self.embedded_here,
        )

    def ahead(self, texts: Sequence[str]) -> None:
        """Texts that will probably be embedded later: start on them in the worker."""
        if self._broken:
            return
        for text in texts:
            if text not in self._ready and text not in self._sent:
                self._queued[text] = None
        while len(self._queued) >= BATCH:
            self._send(list(self._queued)[:BATCH])

    def ahead_one_by_one(self, texts: Sequence[str]) -> None:
        """Texts that will later be embedded one per call (``one_by_one``): the worker embeds
        each alone, in this order, before any batch announced after them."""
        for text in dict.fromkeys(texts):
            if self._broken:
                return
            if text in self._singles:
                continue
            try:
                self._singles[text] = self._pool.submit(_embed_in_worker, [text])
            except BrokenExecutor:
                log.warning("the embedding worker is gone; embedding in this process")
                self._broken = True

    def one_by_one(self) -> Embedder:
        """An embedder serving single texts announced with ``ahead_one_by_one``; any other
        call is embedded in this process, as the inner embedder would."""
        return _OneByOne(self)

    def _embed_single(self, texts: Sequence[str]) -> NDArray[np.float32]:
        future = self._singles.pop(texts[0], None) if len(texts) == 1 else None
        # One the worker has not started is embedded here instead of waited for.
        if future is not None and not future.cancel():
            try:
                vectors = future.result()
            except Exception:
                log.warning("embedding ahead failed; embedding here instead", exc_info=True)
            else:
                self.served_ahead += 1
                return vectors
        self.embedded_here += len(texts)
        return self._inner.embed(texts)

    def ready(self) -> int:
        """How many texts have vectors waiting (the worker's finished batches included)."""
        self._collect(wait_for=set())
        return len(self._ready)

    def _send(self, batch: list[str]) -> None:
        try:
            future = self._pool.submit(_embed_in_worker, batch)
        except BrokenExecutor:  # the worker died or never started: ``embed`` does it all
            log.warning("the embedding worker is gone; embedding in this process")
            self._broken = True
            self._queued.clear()
            return
        self._batches.append((batch, future))
        for text in batch:
            self._sent[text] = future
            del self._queued[text]

    def _collect(self, wait_for: set[str]) -> None:
        """Move finished batches' vectors to ``_ready``; wait for those holding ``wait_for``."""
        still: list[tuple[list[str], Future[NDArray[np.float32]]]] = []
        for batch, future in self._batches:
            if not future.done() and not wait_for.intersection(batch):
                still.append((batch, future))
                continue
            vectors: NDArray[np.float32] | None = None
            # A batch the worker has not started is embedded here instead of waited for.
            if not future.cancel():
                try:
                    vectors = future.result()
                except Exception:  # the worker could not: ``embed`` does these texts itself
                    log.warning("embedding ahead failed; embedding here instead", exc_info=True)
            for i, text in enumerate(batch):
                del self._sent[text]
                if vectors is not None:
                    self._ready[text] = vectors[i]
        self._batches = still

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return self._inner.embed(texts)
        self._collect(wait_for=set(texts))
        missing = list(dict.fromkeys(t for t in texts if t not in self._ready))
        self.served_ahead += len(texts) - len(missing)
        self.embedded_here += len(missing)
        if missing:
            for text in missing:
                self._queued.pop(text, None)  # embedded here now: no need to send it
            self._ready.update(zip(missing, self._inner.embed(missing), strict=True))
        return np.vstack([self._ready[t] for t in texts])


class _OneByOne:
    """``EmbeddingAhead.one_by_one``: an ``Embedder`` whose single-text calls may be served by
    the worker."""

    def __init__(self, ahead: EmbeddingAhead) -> None:
        self._ahead = ahead
        self.name = ahead.name

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._ahead._embed_single(texts)
