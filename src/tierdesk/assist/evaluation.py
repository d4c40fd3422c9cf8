"""Retrieval evaluation on public data in BEIR format, through the desk's own search index.

Corpus lines ``{"_id", "title", "text"}``, query lines ``{"_id", "text"}``, qrels a TSV with
the header ``query-id corpus-id score`` (score > 0 is relevant). A corpus document whose id
equals the query's id never counts, so a set of tickets can be searched for its own duplicates.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tierdesk.domain.answers import ANSWER_CANDIDATES, pick_in_ranking
from tierdesk.domain.knowledge import DocumentKind, SearchDocument, SearchFilter
from tierdesk.errors import InvalidInputError
from tierdesk.ports import SearchIndex, UnitOfWork

CUTOFFS = (1, 5, 10, 20)
DEPTH = max(CUTOFFS)


@dataclass(frozen=True)
class CorpusDocument:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Query:
    id: str
    text: str


def _json_lines(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(value, dict) or "_id" not in value:
                raise InvalidInputError(f'{path}:{number}: expected an object with "_id"')
            yield value


def read_corpus(path: Path) -> list[CorpusDocument]:
    return [
        CorpusDocument(str(v["_id"]), str(v.get("title") or ""), str(v.get("text") or ""))
        for v in _json_lines(path)
    ]


def read_queries(path: Path) -> list[Query]:
    return [Query(str(v["_id"]), str(v.get("text") or "")) for v in _json_lines(path)]


def read_qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as lines:
        rows = csv.reader(lines, delimiter="\t")
        header = next(rows, None)
        if header is None or [h.strip() for h in header[:2]] != ["query-id", "corpus-id"]:
            raise InvalidInputError(f"{path}: the first line must be 'query-id corpus-id score'")
        for row in rows:
            if len(row) < 2:
                continue
            score = float(row[2]) if len(row) > 2 and row[2].strip() else 1.0
            if score > 0:
                relevant.setdefault(row[0].strip(), set()).add(row[1].strip())
    return relevant


def metrics(
    rankings: Mapping[str, Sequence[str]], relevant: Mapping[str, set[str]]
) -> dict[str, float]:
    """Recall@k (share of a query's relevant documents in its top k, averaged), MRR of the first
    relevant hit, nDCG@10 with binary gains, and success@k (a relevant document in the top k:
    the same as recall@k when each query has one); over queries that have relevant documents."""
    judged = [q for q in rankings if relevant.get(q)]
    if not judged:
        raise InvalidInputError("no query has a relevant document in the qrels")
    names = [
        *(f"recall@{k}" for k in CUTOFFS),
        "mrr",
        "ndcg@10",
        *(f"success@{k}" for k in CUTOFFS),
    ]
    totals = dict.fromkeys(names, 0.0)
    for query in judged:
        ranked, wanted = rankings[query], relevant[query]
        for k in CUTOFFS:
            found = len(wanted & set(ranked[:k]))
            totals[f"recall@{k}"] += found / len(wanted)
            totals[f"success@{k}"] += 1.0 if found else 0.0
        first = next((i for i, d in enumerate(ranked) if d in wanted), None)
        totals["mrr"] += 0.0 if first is None else 1.0 / (first + 1)
        dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if d in wanted)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(wanted))))
        totals["ndcg@10"] += dcg / ideal
    result = {name: round(value / len(judged), 4) for name, value in totals.items()}
    result["queries"] = len(judged)
    return result


def index_corpus(
    index: SearchIndex,
    uow_factory: Callable[[], UnitOfWork],
    corpus: Sequence[CorpusDocument],
    progress: Callable[[int], None] | None = None,
    batch: int = 64,
) -> dict[int, str]:
    """Store the corpus as documents; returns index document id → corpus id."""
    ids: dict[int, str] = {}
    for start in range(0, len(corpus), batch):
        part = corpus[start : start + batch]
        documents = [
            SearchDocument(
                key=f"doc:{d.id}"[:120],
                kind=DocumentKind.DOCUMENT,
                title=d.title,
                body=d.text,
                citation={"id": d.id},
            )
            for d in part
        ]
        with uow_factory() as uow:
            index.store(uow, documents)
            uow.commit()
        ids.update(
            {
                doc.id: source.id
                for doc, source in zip(documents, part, strict=True)
                if doc.id is not None
            }
        )
        if progress is not None:
            progress(len(part))
    return ids


def rank_queries(
    index: SearchIndex,
    uow_factory: Callable[[], UnitOfWork],
    queries: Iterable[Query],
    corpus_ids: Mapping[int, str],
    mode: str | None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, list[str]]:
    where = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)
    rankings: dict[str, list[str]] = {}
    with uow_factory() as uow:
        for query in queries:
            found = index.search(uow, query.text, where, DEPTH + 1, mode)
            ranked = [corpus_ids[s.document_id] for s in found if s.document_id in corpus_ids]
            rankings[query.id] = [d for d in ranked if d != query.id][:DEPTH]
            if progress is not None:
                progress(1)
    return rankings


@dataclass(frozen=True)
class AnswerDecision:
    """What the answerer would do for one query: answer from ``doc_id`` or abstain."""

    query_id: str
    answered: bool
    doc_id: str | None
    confidence: float


def decide_answers(
    index: SearchIndex,
    uow_factory: Callable[[], UnitOfWork],
    queries: Iterable[Query],
    corpus_ids: Mapping[int, str],
    threshold: float,
    progress: Callable[[int], None] | None = None,
) -> list[AnswerDecision]:
    """The answerer's decision (``services/answers.py``) per query: of the first
    ``ANSWER_CANDIDATES`` hits, the highest-ranked whose calibrated confidence reaches
    ``threshold`` (``pick_in_ranking``), answered; none reaching it, not answered. The query's
    own document, when the corpus holds it, is never its answer (as in ``rank_queries``)."""
    where = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)
    decisions = []
    with uow_factory() as uow:
        for query in queries:
            found = index.search(uow, query.text, where, ANSWER_CANDIDATES + 1)
            kept = [s for s in found if corpus_ids.get(s.document_id, query.id) != query.id]
            kept = kept[:ANSWER_CANDIDATES]
            at = pick_in_ranking([s.confidence for s in kept], threshold)
            if at is None:
                decisions.append(AnswerDecision(query.id, False, None, 0.0))
            else:
                best = kept[at]
                answered = best.confidence >= threshold
                doc = corpus_ids[best.document_id] if answered else None
                decisions.append(AnswerDecision(query.id, answered, doc, best.confidence))
            if progress is not None:
                progress(1)
    return decisions


def answer_metrics(
    decisions: Sequence[AnswerDecision], relevant: Mapping[str, set[str]], threshold: float
) -> dict[str, float | int]:
    """Coverage (share of queries answered) and precision (share of answers citing a
    relevant document; None-free: 0 when nothing was answered)."""
    answered = [d for d in decisions if d.answered]
    right = sum(1 for d in answered if d.doc_id in relevant.get(d.query_id, set()))
    return {
        "queries": len(decisions),
        "answered": len(answered),
        "coverage": round(len(answered) / len(decisions), 4) if decisions else 0.0,
        "precision": round(right / len(answered), 4) if answered else 0.0,
        "threshold": threshold,
    }
