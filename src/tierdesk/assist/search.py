"""Hybrid search: keywords and meaning, each scored on every candidate, fused by z-score.

Candidates come from the text index (BM25 over the query's rarest terms, within a postings
budget so a large desk stays fast) and from the vectors (max-sim over passages). Each
candidate then gets three scores: BM25, the keyword cosine over identifier-aware terms
(``assist.analysis``, ``assist.ranking``) and its dense max-sim, and the three are fused by
z-score. A short question is ranked by BM25 (and meaning), its best candidates also by their
best window of text; the longer a query is beyond one passage (a whole ticket used as a
query), the more the cosine counts, and a ticket is also compared subject to subject.

A document is embedded as passages: its title alone, then ~32-word windows over the prose of
its body (code and stack-trace lines are left to the keyword side), the first led by the
title. A query scores a document by its best passage (max-sim), averaged over the query's
own passages: one vector for a long bug report or manual chapter blurs what it is about.
docs/research/retrieval-experiments.md records what was measured to choose all this.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from tierdesk.assist.analysis import prose, terms
from tierdesk.assist.confidence import confidence
from tierdesk.assist.embeddings import Embedder
from tierdesk.assist.language import LangIdDetector
from tierdesk.assist.query_vectors import QueryVectors
from tierdesk.assist.ranking import (
    best_window_bm25,
    fuse_standardised,
    idf,
    keyword_cosine,
    keyword_shares,
    query_share_held,
    query_weights,
    unknown_idf,
)
from tierdesk.assist.timings import SEARCH_SECONDS
from tierdesk.config import SearchSettings
from tierdesk.domain.knowledge import (
    STOPWORDS,
    DocumentKind,
    Evidence,
    Passage,
    ScoredDocument,
    SearchDocument,
    SearchFilter,
    passages,
)
from tierdesk.domain.languages import sure_language
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.understanding import LanguageDetector

MODES = ("hybrid", "bm25", "dense")
MAX_QUERY_PASSAGES = 8
MAX_PASSAGES = 16  # windows embedded per document: the opening of a long text says most
MAX_SCORED_CHARS = 20_000
# Postings (documents per term, summed) the text index may rank for one search; see
# ``_query_terms``. On GitBugs (2,503 issues) 5,000 and 20,000 gave the same figures; at 100k
# tickets it bounds what FTS5 must rank (bench/speed.py).
POSTINGS_BUDGET = 5_000
# What the two subject signals (``subject_scores``) weigh, as shares of the keyword cosine's
# weight; chosen on the development pairs (docs/research/retrieval-experiments.md).
SUBJECT_WEIGHTS = (1.0, 1.0)
# How many of a question's best candidates are re-judged by their best window of text.
WINDOW_SHORTLIST = 50
# How much of a hit's text its language is read from (the opening says it; reading more costs).
LANGUAGE_SAMPLE_CHARS = 1_000


@dataclass(frozen=True)
class SearchTuning:
    mode: str = "hybrid"
    dense_weight: float = 0.4
    passage_words: int = 32
    passage_overlap: int = 8
    max_query_terms: int = 64
    candidates: int = 100
    # the relevance floor (``HybridSearch._supported``); docs/research/retrieval-experiments.md
    min_keyword_share: float = 0.2
    min_similarity: float = 0.3
    min_similarity_alone: float = 0.5
    # hits less likely than this to be right are not returned (``assist.confidence``); a
    # whole ticket's query has its own floor (``SearchSettings.min_confidence_ticket``)
    min_confidence: float = 0.0
    min_confidence_ticket: float = 0.0

    @classmethod
    def of(cls, settings: SearchSettings) -> SearchTuning:
        return cls(
            mode=settings.mode,
            dense_weight=settings.dense_weight,
            passage_words=settings.passage_words,
            passage_overlap=settings.passage_overlap,
            max_query_terms=settings.max_query_terms,
            candidates=settings.candidates,
            min_keyword_share=settings.min_keyword_share,
            min_similarity=settings.min_similarity,
            min_similarity_alone=settings.min_similarity_alone,
            min_confidence=settings.min_confidence,
            min_confidence_ticket=settings.min_confidence_ticket,
        )


class HybridSearch:
    def __init__(
        self, embedder: Embedder, tuning: SearchTuning, languages: LanguageDetector | None = None
    ) -> None:
        self._embedder = embedder
        self._tuning = tuning
        self._languages = languages or LangIdDetector()
        self._deferring = False
        self._queries = QueryVectors(self._embed_query)  # the last queries' vectors

    @contextmanager
    def deferring_vectors(self) -> Iterator[None]:
        """For bulk imports (the demo world): documents are stored with their text only, so
        keyword search works at once; ``services.search.rebuild_index`` embeds them afterwards
        in one pass instead of once per ticket event. Searches made meanwhile (by event
        handlers) are keyword-only: there are no new vectors to find yet, and embedding every
        such query cost the demo build about as much as embedding the whole index."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False

    @property
    def model(self) -> str:
        return self._embedder.name

    def warm_up(self) -> None:
        self._embedder.embed(["warming up"])

    def passage_texts(self, document: SearchDocument) -> list[str]:
        """The title alone (short text is where sentence embeddings shine), then the body's
        windows, the first one led by the title."""
        windows = passages(
            prose(document.body), self._tuning.passage_words, self._tuning.passage_overlap
        )[:MAX_PASSAGES]
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

    def query_vectors(self, query: str) -> list[bytes]:
        """The query's passages' vectors (``assist/query_vectors.py`` remembers the last)."""
        return self._queries.of(query)

    def _embed_query(self, query: str) -> list[bytes]:
        return [v.tobytes() for v in self._embedder.embed(self.query_passages(query))]

    def embed_passages(self, documents: Sequence[SearchDocument]) -> dict[str, bytes]:
        """Every passage's vector by its text (the same text, the same vector)."""
        texts = list(dict.fromkeys(t for d in documents for t in self.passage_texts(d)))
        return {} if not texts or self._deferring else self._embedded(texts)

    def _embedded(self, texts: list[str]) -> dict[str, bytes]:
        return {t: v.tobytes() for t, v in zip(texts, self._embedder.embed(texts), strict=True)}

    def store(
        self,
        uow: UnitOfWork,
        documents: Sequence[SearchDocument],
        force: bool = False,
        embedded: Mapping[str, bytes] | None = None,
    ) -> int:
        """Embedding comes before this call's first write: on SQLite a transaction holds the
        one writer from its first write to its end, and embedding a manual's sections takes
        seconds. (A caller that wrote already holds it: see ``embed_passages``.) A changed
        document's passages that it holds already, word for word, keep their vectors: a
        ticket's new message or its solution changes its last passages, not the thread before
        them (``force``, a rebuild, embeds everything again)."""
        known = uow.search.fingerprints([d.key for d in documents])
        changed = [d for d in documents if force or known.get(d.key) != d.fingerprint(self.model)]
        texts = [[] if self._deferring else self.passage_texts(d) for d in changed]
        vectors = dict(embedded or {})
        if changed and not force and not self._deferring:
            held = [d.key for d in documents if d.key in known]  # a new notes document
            vectors = uow.search.stored_vectors(held, self.model) | vectors  # shares a title
        missing = list(dict.fromkeys(t for group in texts for t in group if t not in vectors))
        if missing:
            vectors |= self._embedded(missing)
        for document in documents:
            if document.key in known and not any(document is c for c in changed):
                uow.search.update_access(document)
        for document, group in zip(changed, texts, strict=True):
            uow.search.put(document, [Passage(t, vectors[t]) for t in group], self.model)
        return len(changed)

    def search(
        self,
        uow: UnitOfWork,
        query: str,
        where: SearchFilter,
        limit: int,
        mode: str | None = None,
    ) -> list[ScoredDocument]:
        """Candidates from the text index (rarest query terms first) and from the vectors,
        each candidate scored by keyword cosine and by meaning, the two fused by z-score;
        only candidates with evidence of their own are returned (``_supported``)."""
        mode = mode or self._tuning.mode
        if mode not in MODES:
            raise InvalidInputError(f"unknown search mode {mode!r}; use {', '.join(MODES)}")
        if not query.strip():
            return []
        with SEARCH_SECONDS.labels(mode).time():
            return self._search(uow, query, where, limit, mode)

    def _search(
        self, uow: UnitOfWork, query: str, where: SearchFilter, limit: int, mode: str
    ) -> list[ScoredDocument]:
        depth = max(limit, self._tuning.candidates)
        bm25: dict[int, float] = {}
        keyword: dict[int, float] = {}
        dense: dict[int, float] = {}
        best_passage: dict[int, int] = {}
        held: dict[int, set[str]] = {}  # candidates' terms, as far as they were read
        weights, idfs, generating, mass = self._query_terms(uow, query, mode == "bm25")
        if mode in ("hybrid", "bm25"):
            bm25 = uow.search.lexical(generating, where, depth)
        found = set(bm25)
        meaning = mode in ("hybrid", "dense") and not self._deferring
        if meaning:
            vectors = self.query_vectors(query)
            dense, best_passage = uow.search.nearest(vectors, self.model, where, depth)
            found |= set(dense)
            missing = [d for d in found if d not in dense]
            if missing:
                more, more_passages = uow.search.passage_scores(vectors, self.model, missing)
                dense |= more
                best_passage |= more_passages
        dense_share = {"bm25": 0.0, "dense": 1.0}.get(mode, self._tuning.dense_weight)
        keyword_share = 1 - dense_share
        bm25_share, cosine_share = keyword_shares(len(weights), self._tuning.passage_words)
        subjects: list[dict[int, float]] = [{}, {}]
        if cosine_share > 0 and keyword_share > 0:
            documents = uow.search.documents(list(found))
            counted = {d: document_terms(doc) for d, doc in documents.items()}
            held |= {d: set(counts) for d, counts in counted.items()}
            keyword = {d: keyword_cosine(weights, counts) for d, counts in counted.items()}
            subjects = subject_scores(query, weights, idfs, documents, counted)
        signals = [
            (keyword, keyword_share * cosine_share),
            *(
                (scores, keyword_share * cosine_share * weight)
                for scores, weight in zip(subjects, SUBJECT_WEIGHTS, strict=True)
            ),
            (dense, dense_share),
        ]
        fused = fuse_standardised([(bm25, keyword_share * bm25_share), *signals])
        if cosine_share == 0 and keyword_share > 0 and weights:
            # a question: the best candidates are judged by their best window as well as by
            # the whole text (reading a few texts, not all ~200 candidates', keeps it fast)
            shortlist = sorted(fused, key=lambda d: (-fused[d], d))[: max(limit, WINDOW_SHORTLIST)]
            windows = self._window_scores(uow, idfs, shortlist, held)
            half = keyword_share * bm25_share / 2
            fused = fuse_standardised([(bm25, half), (windows, half), *signals])
        order = sorted(fused, key=lambda d: (-fused[d], d))
        ranked = self._supported(uow, order, limit, (idfs, mass, held), dense if meaning else None)
        # what "why" shows as the keyword score (0..1): the cosine where it counted, else BM25
        # relative to the best BM25 of this search
        best_bm25 = max(bm25.values(), default=0.0)
        shown = keyword or {d: v / best_bm25 for d, v in bm25.items() if best_bm25 > 0}
        # the matching passage's text only for what is returned: at 100k tickets each row is a
        # random read of a large table, and a search weighs ~200 candidates to return ~10
        texts = uow.search.passage_texts([best_passage[d] for d in ranked if d in best_passage])
        evidence = self._evidence(
            uow, ranked, order, fused, (idfs, mass, held), dense if meaning else None,
            question=cosine_share == 0, query=query,
        )  # fmt: skip
        hits = [
            ScoredDocument(
                d,
                fused[d],
                shown.get(d) or None,
                dense.get(d),
                texts.get(best_passage.get(d, -1)),
                confidence(evidence[d], self.model),
                evidence[d],
            )
            for d in ranked
        ]
        floor = (
            self._tuning.min_confidence
            if cosine_share == 0
            else min(self._tuning.min_confidence, self._tuning.min_confidence_ticket)
        )
        return [h for h in hits if h.confidence >= floor]

    def _evidence(
        self,
        uow: UnitOfWork,
        ranked: list[int],
        order: list[int],
        fused: Mapping[int, float],
        asked: tuple[Mapping[str, float], float, dict[int, set[str]]],
        dense: Mapping[int, float] | None,
        *,
        question: bool,
        query: str,
    ) -> dict[int, Evidence]:
        """What each returned hit has of its own (``assist.confidence`` maps it to a
        probability): the query weight it holds, in all and in its title, its cosine and its
        lead in cosine over every other candidate, where its fused score stands against the
        best hit's and the next candidate's, and whether it is written in another language
        than the query (only worth reading with meaning scores: without them such a hit is
        judged by its words like any other)."""
        idfs, mass, held = asked
        titles: dict[int, set[str]] = {}
        foreign: set[int] = set()
        asked_in = sure_language(self._languages.detect(query)) if dense and ranked else None
        if idfs or asked_in:
            for d, document in uow.search.documents(ranked).items():
                if idfs:
                    titles[d] = set(terms(document.title))
                    if d not in held:
                        held[d] = set(document_terms(document))
                if asked_in:
                    sample = f"{document.title}\n{document.body}"[:LANGUAGE_SAMPLE_CHARS]
                    written_in = sure_language(self._languages.detect(sample))
                    if written_in is not None and written_in != asked_in:
                        foreign.add(d)
        position = {d: i for i, d in enumerate(order)}
        closest = sorted(dense.values(), reverse=True)[:2] if dense else []
        mean, spread = _spread(dense.values()) if dense else (0.0, 0.0)
        top = fused[ranked[0]] if ranked else 0.0
        evidence = {}
        for d in ranked:
            after = position[d] + 1
            following = fused[order[after]] if after < len(order) else fused[d]
            cosine = dense.get(d) if dense is not None else None
            lead = 0.0
            if cosine is not None and len(closest) > 1:
                lead = cosine - (closest[1] if cosine >= closest[0] else closest[0])
            standing = (cosine - mean) / spread if cosine is not None and spread > 0 else 0.0
            evidence[d] = Evidence(
                question=question,
                share=query_share_held(idfs, mass, held.get(d, ())) if idfs else 0.0,
                dense=cosine,
                gap=top - fused[d],
                margin=fused[d] - following,
                title_share=query_share_held(idfs, mass, titles.get(d, ())) if idfs else 0.0,
                lead=lead,
                other_language=d in foreign,
                standing=standing,
                lead_spread=lead / spread if spread > 0 else 0.0,
            )
        return evidence

    def _window_scores(
        self,
        uow: UnitOfWork,
        idfs: Mapping[str, float],
        ids: list[int],
        held: dict[int, set[str]],
    ) -> dict[int, float]:
        step = max(1, self._tuning.passage_words - self._tuning.passage_overlap)
        scores = {}
        for d, doc in uow.search.documents(ids).items():
            heading, body = terms(doc.title), terms(doc.body[:MAX_SCORED_CHARS])
            held[d] = {*heading, *body}
            scores[d] = best_window_bm25(idfs, heading, body, self._tuning.passage_words, step)
        return scores

    def _supported(
        self,
        uow: UnitOfWork,
        order: list[int],
        limit: int,
        asked: tuple[Mapping[str, float], float, dict[int, set[str]]],
        dense: Mapping[int, float] | None,
    ) -> list[int]:
        """The best ``limit`` of the ranked candidates that have evidence of their own: the
        fused score is relative (z-scores over the candidates), so some candidate is always
        best, even for "xqzvbnm qwrtplk". A candidate must hold ``min_keyword_share`` of the
        query's term weight (``ranking.query_share_held``) or come within ``min_similarity``
        in meaning; when no word of the query occurs in the index at all, meaning alone must
        reach ``min_similarity_alone``. Without a dense score (keyword-only search, or while
        vectors are deferred) any query word the candidate holds is evidence enough.
        Thresholds chosen on development data (docs/research/retrieval-experiments.md)."""
        idfs, mass, held = asked
        tuning = self._tuning
        least_share = tuning.min_keyword_share if dense is not None else 0.0
        least_cosine = tuning.min_similarity if idfs else tuning.min_similarity_alone

        def close(d: int) -> bool:
            return dense is not None and d in dense and dense[d] >= least_cosine

        kept: list[int] = []
        start = 0
        # reading a candidate's text costs a random read at 100k tickets: a query that most
        # candidates fail (an unrelated question) reads at most a shortlist's worth more
        budget = max(limit, WINDOW_SHORTLIST)
        while len(kept) < limit and start < len(order):
            batch = order[start : start + limit - len(kept)]
            start += len(batch)
            unread = [d for d in batch if idfs and d not in held and not close(d)][:budget]
            budget -= len(unread)
            for d, document in uow.search.documents(unread).items():
                held[d] = set(document_terms(document))
            for d in batch:
                share = query_share_held(idfs, mass, held.get(d, ())) if idfs else 0.0
                if close(d) or (share > 0 and share >= least_share):
                    kept.append(d)
        return kept

    def _query_terms(
        self, uow: UnitOfWork, query: str, need_candidates: bool
    ) -> tuple[dict[str, float], dict[str, float], list[str], float]:
        """The query's keyword weights (ltc over its ``max_query_terms`` most distinctive
        terms), the idf of each of its terms the index holds, the terms that generate keyword
        candidates, and the query's whole term weight (for ``ranking.query_share_held``).
        Candidates come from the rarest terms first, while the postings they make the text
        index rank stay within ``POSTINGS_BUDGET``. A word most documents hold adds little
        evidence and would make the index rank much of the collection; it still counts in
        every candidate's score.
        When even the rarest term is over the budget, the vector search alone brings
        candidates, unless there is none (``need_candidates``: keyword-only search), and then
        the rarest term does."""
        counts = Counter(t for t in terms(query) if t not in STOPWORDS)
        if not counts:
            return {}, {}, [], 0.0
        total = uow.search.count()
        frequencies = uow.search.document_frequencies(list(counts))
        idfs = {t: idf(frequencies.get(t, 0), total) for t in counts}
        mass = sum(w if w > 0 else unknown_idf(total) for w in idfs.values())
        useful = sorted(
            (t for t in counts if idfs[t] > 0),
            key=lambda t: (-(1 + math.log(counts[t])) * idfs[t], t),
        )[: self._tuning.max_query_terms]
        weights = query_weights({t: counts[t] for t in useful}, idfs)
        generating: list[str] = []
        postings = 0
        for term in sorted(useful, key=lambda t: (frequencies.get(t, 0), t)):
            postings += frequencies.get(term, 0)
            if postings > POSTINGS_BUDGET:
                break
            generating.append(term)
        if not generating and need_candidates and useful:
            generating = [min(useful, key=lambda t: (frequencies.get(t, 0), t))]
        return weights, {t: w for t, w in idfs.items() if w > 0}, generating, mass


def _spread(values: Iterable[float]) -> tuple[float, float]:
    """Mean and standard deviation (0 for fewer than two values)."""
    numbers = list(values)
    if len(numbers) < 2:
        return 0.0, 0.0
    mean = sum(numbers) / len(numbers)
    return mean, math.sqrt(sum((n - mean) ** 2 for n in numbers) / len(numbers))


def subject_scores(
    query: str,
    weights: Mapping[str, float],
    idfs: Mapping[str, float],
    documents: Mapping[int, SearchDocument],
    counted: Mapping[int, Counter[str]],
) -> list[dict[int, float]]:
    """For a whole ticket used as a query ("subject\nbody"): how much of each candidate's
    subject the query covers, and how much of the query's subject the candidate covers
    (keyword cosines). A subject says in a line what a report is about; two reports of one
    problem share it more than their bodies, which differ in logs, versions and detail.
    Nothing for a query without a subject line (a question)."""
    subject, _, body = query.strip().partition("\n")
    if not subject.strip() or not body.strip():
        return [{}, {}]
    subject_weights = query_weights(Counter(t for t in terms(subject) if t in idfs), idfs)
    return [
        {d: keyword_cosine(weights, Counter(terms(doc.title))) for d, doc in documents.items()},
        {d: keyword_cosine(subject_weights, counted[d]) for d in documents}
        if subject_weights
        else {},
    ]


def document_terms(document: SearchDocument) -> Counter[str]:
    """A stored document's terms for keyword scoring: the title counts twice (a ticket's
    subject or a section heading says what the text is about), the body up to a bound so
    that one huge log paste cannot make a search slow."""
    title = terms(document.title)
    return Counter([*title, *title, *terms(document.body[:MAX_SCORED_CHARS])])
