"""Hybrid search: BM25 over the text index fused with dense vectors over passages.

A document is embedded as several passages (its title with the first words, then overlapping
windows), and a query scores a document by its best passage (max-sim): one vector per long bug
report or manual chapter blurs what it is about. Long queries are shaped to their most
distinctive terms before the keyword search. The two score lists are fused by normalised
score fusion (``domain.knowledge.fuse_scores``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from tierdesk.assist.embeddings import Embedder
from tierdesk.config import SearchSettings
from tierdesk.domain.knowledge import (
    DocumentKind,
    Passage,
    ScoredDocument,
    SearchDocument,
    SearchFilter,
    fuse_scores,
    passages,
    shape_query,
)
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork

MODES = ("hybrid", "bm25", "dense")
MAX_QUERY_PASSAGES = 8


@dataclass(frozen=True)
class SearchTuning:
    mode: str = "hybrid"
    dense_weight: float = 0.4
    passage_words: int = 80
    passage_overlap: int = 20
    max_query_terms: int = 64
    candidates: int = 100

    @classmethod
    def of(cls, settings: SearchSettings) -> SearchTuning:
        return cls(
            mode=settings.mode,
            dense_weight=settings.dense_weight,
            passage_words=settings.passage_words,
            passage_overlap=settings.passage_overlap,
            max_query_terms=settings.max_query_terms,
            candidates=settings.candidates,
        )


class HybridSearch:
    def __init__(self, embedder: Embedder, tuning: SearchTuning) -> None:
        self._embedder = embedder
        self._tuning = tuning
        self._deferring = False

    @contextmanager
    def deferring_vectors(self) -> Iterator[None]:
        """For bulk imports (the demo world): documents are stored with their text only, so
        keyword search works at once; ``services.search.rebuild_index`` embeds them afterwards
        in one pass instead of once per ticket event."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False

    @property
    def model(self) -> str:
        return self._embedder.name

    def passage_texts(self, document: SearchDocument) -> list[str]:
        """The title alone (short text is where sentence embeddings shine), then the body's
        windows, the first one led by the title."""
        windows = passages(document.body, self._tuning.passage_words, self._tuning.passage_overlap)
        title = document.title.strip()
        texts = [title] if title else []
        if windows:
            texts.append(f"{title}. {windows[0]}" if title else windows[0])
            texts += windows[1:]
        return texts or ["(empty)"]

    def query_passages(self, query: str) -> list[str]:
        """A short question is one vector; a long query (a whole ticket) is embedded like a
        document, and a document's score averages its best match for each query passage."""
        title, _, body = query.strip().partition("\n")
        texts = self.passage_texts(SearchDocument("", DocumentKind.DOCUMENT, title, body))
        return texts[:MAX_QUERY_PASSAGES]

    def store(
        self, uow: UnitOfWork, documents: Sequence[SearchDocument], force: bool = False
    ) -> int:
        known = uow.search.fingerprints([d.key for d in documents])
        changed = [d for d in documents if force or known.get(d.key) != d.fingerprint(self.model)]
        for document in documents:
            if document.key in known and not any(document is c for c in changed):
                uow.search.update_access(document)
        if not changed:
            return 0
        if self._deferring:
            for document in changed:
                uow.search.put(document, [], self.model)
            return len(changed)
        texts = [self.passage_texts(d) for d in changed]
        flat = [t for group in texts for t in group]
        vectors = self._embedder.embed(flat)
        position = 0
        for document, group in zip(changed, texts, strict=True):
            stored = [
                Passage(text, vectors[position + i].tobytes()) for i, text in enumerate(group)
            ]
            position += len(group)
            uow.search.put(document, stored, self.model)
        return len(changed)

    def search(
        self,
        uow: UnitOfWork,
        query: str,
        where: SearchFilter,
        limit: int,
        mode: str | None = None,
    ) -> list[ScoredDocument]:
        mode = mode or self._tuning.mode
        if mode not in MODES:
            raise InvalidInputError(f"unknown search mode {mode!r}; use {', '.join(MODES)}")
        if not query.strip():
            return []
        depth = max(limit, self._tuning.candidates)
        lexical: dict[int, float] = {}
        dense: dict[int, float] = {}
        texts: dict[int, str] = {}
        if mode in ("hybrid", "bm25"):
            terms = shape_query(
                query,
                self._tuning.max_query_terms,
                lambda ts: (uow.search.count(), uow.search.document_frequencies(ts)),
            )
            lexical = uow.search.lexical(terms, where, depth)
        if mode in ("hybrid", "dense"):
            vectors = self._embedder.embed(self.query_passages(query))
            dense, texts = uow.search.nearest(
                [v.tobytes() for v in vectors], self.model, where, depth
            )
        weight = {"bm25": 0.0, "dense": 1.0}.get(mode, self._tuning.dense_weight)
        return fuse_scores(lexical, dense, weight, texts)[:limit]
