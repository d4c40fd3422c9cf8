"""A process remembers the vectors of the queries it was asked last: one ticket's text is asked
of several kinds in a row (the answerer, the knowledge-gap check, the assist panel)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from tierdesk.assist import query_vectors
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.assist.search import HybridSearch, SearchTuning


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.texts += texts
        return super().embed(texts)


def test_a_query_asked_again_is_not_embedded_again() -> None:
    embedder = CountingEmbedder()
    hybrid = HybridSearch(embedder, SearchTuning())
    ticket = "Calls drop after 30 seconds\nSince the upgrade the trunk loses audio on every call."

    first = hybrid.query_vectors(ticket)
    embedded = len(embedder.texts)
    assert embedded == len(hybrid.query_passages(ticket)) > 1
    assert hybrid.query_vectors(ticket) == first
    assert len(embedder.texts) == embedded
    assert first == [v.tobytes() for v in HashingEmbedder(64).embed(hybrid.query_passages(ticket))]


def test_only_the_latest_queries_are_remembered() -> None:
    embedder = CountingEmbedder()
    hybrid = HybridSearch(embedder, SearchTuning())
    for n in range(query_vectors.REMEMBERED + 1):
        hybrid.query_vectors(f"question {n}")
    assert len(embedder.texts) == query_vectors.REMEMBERED + 1

    hybrid.query_vectors(f"question {query_vectors.REMEMBERED}")  # the newest: remembered
    assert len(embedder.texts) == query_vectors.REMEMBERED + 1
    hybrid.query_vectors("question 0")  # the oldest was let go
    assert len(embedder.texts) == query_vectors.REMEMBERED + 2
