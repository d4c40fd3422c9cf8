"""How long retrieval takes, for ``/metrics``: search latency by mode and embedding latency by
model, as Prometheus histograms (``prometheus_client``'s registry; under several web processes
its multi-process mode adds them up, see ``entrypoints/web/metrics.py``)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from prometheus_client import Histogram

from tierdesk.assist.embeddings import Embedder

SEARCH_SECONDS = Histogram(
    "tierdesk_search_duration_seconds",
    "Time to answer one search, by mode (hybrid, bm25, dense).",
    ["mode"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
EMBEDDING_SECONDS = Histogram(
    "tierdesk_embedding_duration_seconds",
    "Time to embed one batch of texts, by model.",
    ["model"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


class TimedEmbedder:
    """An embedder whose every batch is timed; otherwise the same."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    @property
    def name(self) -> str:
        return self._embedder.name

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        started = time.perf_counter()
        try:
            return self._embedder.embed(texts)
        finally:
            EMBEDDING_SECONDS.labels(self._embedder.name).observe(time.perf_counter() - started)
