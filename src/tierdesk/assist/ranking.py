"""Scoring the candidates of one search: a keyword cosine and the fusion with meaning scores.

The keyword score is the classic SMART ``lnc.ltc`` cosine (Salton & Buckley 1988): query terms
weighted by log term frequency times idf, document terms by log term frequency, both vectors
cosine-normalised. It needs document frequencies for the query's terms only, so it works over
a few hundred candidates read back from any store, and unlike BM25's saturation it rewards a
long bug report for sharing *many* of a long query's rare names, which is what a duplicate
does.

Fusion: each signal (BM25 from the text index, the keyword cosine, the dense max-sim) is
standardised over the candidate set (z-score) and the signals are added with weights. Scaling
by the best score, or fusing ranks, lets one signal's single confident hit drown the others'
evidence; z-scores put them on the same footing per query.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Mapping, Sequence


def idf(document_frequency: int, documents: int) -> float:
    """Smoothed inverse document frequency; 0 for a term no document holds (it cannot match)."""
    if document_frequency <= 0 or documents <= 0:
        return 0.0
    return math.log((1 + documents) / (1 + document_frequency)) + 1.0


def query_weights(counts: Mapping[str, int], idfs: Mapping[str, float]) -> dict[str, float]:
    """ltc: (1 + log tf) · idf, normalised to unit length."""
    raw = {t: (1.0 + math.log(c)) * idfs.get(t, 0.0) for t, c in counts.items() if c > 0}
    raw = {t: w for t, w in raw.items() if w > 0}
    norm = math.sqrt(sum(w * w for w in raw.values()))
    return {t: w / norm for t, w in raw.items()} if norm else {}


def keyword_cosine(weights: Mapping[str, float], document: Counter[str]) -> float:
    """lnc: the document's (1 + log tf) vector, unit length, dotted with the query's weights."""
    if not weights or not document:
        return 0.0
    norm = math.sqrt(sum((1.0 + math.log(c)) ** 2 for c in document.values()))
    shared = sum(w * (1.0 + math.log(document[t])) for t, w in weights.items() if t in document)
    return shared / norm if norm else 0.0


def standardised(scores: Mapping[int, float]) -> dict[int, float]:
    """z-scores over the candidates; all zero when the signal does not tell them apart."""
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if spread < 1e-9:
        return dict.fromkeys(scores, 0.0)
    return {k: (v - mean) / spread for k, v in scores.items()}


def fuse_standardised(signals: Sequence[tuple[Mapping[int, float], float]]) -> dict[int, float]:
    """The weighted sum of each signal's z-scores over the union of candidates. A candidate a
    signal did not score gets that signal's lowest z (it was not found, so it is no better than
    the worst that was)."""
    standard = [(standardised(scores), weight) for scores, weight in signals if weight > 0]
    floors = [min(z.values(), default=0.0) for z, _ in standard]
    candidates = {d for z, _ in standard for d in z}
    return {
        d: sum(
            weight * z.get(d, floor) for (z, weight), floor in zip(standard, floors, strict=True)
        )
        for d in candidates
    }


def keyword_shares(query_terms: int, passage_words: int) -> tuple[float, float]:
    """How the keyword side splits between BM25 and the cosine: a short question is ranked
    best by BM25 (saturating term counts, length-normalised); a query longer than a passage is
    itself a document (a whole ticket), and documents are compared by cosine. The cosine gets
    the share of the query beyond one passage, (L - P) / L for L query terms and passages of P
    words, and none for a query of at most P terms (so it is not computed for them)."""
    cosine = max(0.0, (query_terms - passage_words) / query_terms) if query_terms else 0.0
    return 1.0 - cosine, cosine


def best_window_bm25(
    idfs: Mapping[str, float],
    heading: Sequence[str],
    body: Sequence[str],
    window: int,
    step: int,
    k1: float = 1.2,
) -> float:
    """BM25's saturating term weights (all windows have one length, so there is no length
    normalisation) over the document's best window of ``window`` body terms, the heading
    counted in every window. A short question is answered by a few sentences of a section
    or ticket: a whole-document score dilutes them in a long text (the "Troubleshooting"
    section that answers twenty questions), a window does not. The same windows the dense
    side embeds, so both sides judge a document by its best passage."""
    wanted = {t for t, w in idfs.items() if w > 0}
    if not wanted:
        return 0.0
    in_heading = Counter(t for t in heading if t in wanted)
    positions: dict[str, list[int]] = {}
    for at, term in enumerate(body):
        if term in wanted:
            positions.setdefault(term, []).append(at)
    if not positions and not in_heading:
        return 0.0
    best = 0.0
    for start in range(0, max(1, len(body) - window + step), max(1, step)):
        score = 0.0
        for term, heading_count in ((t, in_heading.get(t, 0)) for t in wanted):
            found = positions.get(term, ())
            count = heading_count + bisect_left(found, start + window) - bisect_left(found, start)
            if count:
                score += idfs[term] * count * (k1 + 1) / (count + k1)
        best = max(best, score)
    return best


def unknown_idf(documents: int) -> float:
    """The idf a term no document holds would have with one holder: what a word the desk has
    never seen weighs in ``query_share_held`` (a typo or a made-up word is asked for, and
    missing)."""
    return math.log(1 + max(documents, 0)) + 1.0


def query_share_held(idfs: Mapping[str, float], mass: float, held: Collection[str]) -> float:
    """How much of a query's term weight a document holds: the idf of the query's terms it
    contains over the idf of all of them, counting the terms no document holds at
    ``unknown_idf``. One word of a two-word question, a fifth of a whole ticket's words: an
    absolute measure (unlike the z-scores fusion ranks by) of keyword evidence."""
    if mass <= 0:
        return 0.0
    return sum(w for t, w in idfs.items() if w > 0 and t in held) / mass
