"""The question sets bench/confidence.py fits and reports on (Smart TV manual questions, GitBugs
duplicate pairs, the demo scenarios in five languages, another product's documents) and a
searcher over a corpus that records each hit's evidence."""

from __future__ import annotations

import csv
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from demo_questions import DemoQuestion, demo_questions

from tierdesk.assist.confidence import confidence
from tierdesk.assist.documents import read_document
from tierdesk.assist.evaluation import CorpusDocument, index_corpus
from tierdesk.bootstrap import bootstrap
from tierdesk.domain.knowledge import DocumentKind, Evidence, SearchFilter
from tierdesk.entrypoints.cli.wiring import load_settings

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
MANUALS = REPO / "src" / "tierdesk" / "demo" / "content" / "manuals"
CALIBRATED = REPO / "src" / "tierdesk" / "assist" / "calibrated.py"
DEPTH = 10


@dataclass(frozen=True)
class Ask:
    id: str
    text: str
    right: frozenset[str]  # corpus ids that answer it (empty: nothing should)


@dataclass(frozen=True)
class Hit:
    id: str
    right: bool
    evidence: Evidence
    confidence: float


# -- data -----------------------------------------------------------------------------------


def tv_corpus(datasets: Path) -> list[CorpusDocument]:
    source = datasets / "emanual-smarttv" / "smart_tv_remote_manual_corpus.json"
    sections = json.loads(source.read_text("utf-8"))
    return [CorpusDocument(k, s["title"], "\n".join(s["text"])) for k, s in sections.items()]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def tv_questions(datasets: Path, corpus: list[CorpusDocument]) -> tuple[list[Ask], list[Ask]]:
    """(reported: the 38 CSV questions whose gold title matches, development: the Normal Q&A
    questions whose gold title matches and which are not among the 50 CSV questions)."""
    by_title: dict[str, set[str]] = {}
    for doc in corpus:
        by_title.setdefault(doc.title.strip().lower(), set()).add(doc.id)
    folder = datasets / "emanual-smarttv"
    reported, csv_texts = [], set()
    with (folder / "smart_tv_remote_50_questions.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            csv_texts.add(_norm(row["question"]))
            gold = row["section_path"].split(">")[-1].strip().lower()
            if gold in by_title:
                reported.append(
                    Ask(f"q{row['question_id']}", row["question"], frozenset(by_title[gold]))
                )
    development, seen = [], set()
    with zipfile.ZipFile(folder / "smart_remote_QA.zip") as archive:
        for name in sorted(archive.namelist()):
            if not name.startswith("Normal Q&A/") or not name.endswith(".json"):
                continue
            text = archive.read(name).decode("utf-8", "replace")
            # the files are not strictly JSON (README): read the two keys by pattern
            pattern = r'"Section Hierarchy"\s*:\s*"(.*?)".*?"Question"\s*:\s*"(.*?)"'
            for path, question in re.findall(pattern, text, re.DOTALL):
                gold = path.split(">")[-1].strip().lower()
                key = _norm(question)
                if gold not in by_title or key in csv_texts or key in seen:
                    continue
                seen.add(key)
                development.append(Ask(f"d{len(development)}", question, frozenset(by_title[gold])))
    return reported, development


def hadoop(datasets: Path) -> tuple[list[CorpusDocument], list[Ask], list[Ask], list[Ask]]:
    """(corpus, all 126 pair queries, the 100 train ones, the 26 test ones)."""
    folder = datasets / "gitbugs-hadoop"
    with (folder / "hadoop_bugs.csv").open(encoding="utf-8", newline="") as handle:
        issues = {r["Issue id"]: r for r in csv.DictReader(handle)}
    corpus = [CorpusDocument(i, r["Summary"], r["Description"] or "") for i, r in issues.items()]

    def pairs(name: str) -> list[Ask]:
        wanted: dict[str, set[str]] = {}
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for duplicate in row["Duplicate id"].split(","):
                    if duplicate.strip():
                        wanted.setdefault(row["Issue id"], set()).add(duplicate.strip())
        return [
            Ask(q, f"{issues[q]['Summary']}\n{issues[q]['Description'] or ''}", frozenset(d))
            for q, d in wanted.items()
        ]

    return (
        corpus,
        pairs("hadoop_bugs-combined.csv"),
        pairs("hadoop_bugs-train.csv"),
        pairs("hadoop_bugs-test.csv"),
    )


def kestrel_corpus() -> list[CorpusDocument]:
    documents = []
    for entry in json.loads((MANUALS / "manifest.json").read_text("utf-8")):
        parsed = read_document((MANUALS / entry["file"]).read_bytes(), entry["file"])
        for at, section in enumerate(parsed.sections):
            documents.append(CorpusDocument(f"{entry['file']}#{at}", section.title, section.text))
    return documents


def kestrel_titles(corpus: list[CorpusDocument]) -> dict[str, list[tuple[str, str]]]:
    """Per product, its manual's (corpus id, section title) pairs."""
    titles: dict[str, list[tuple[str, str]]] = {}
    for doc in corpus:
        titles.setdefault(MANUAL_PRODUCTS[doc.id.split("#")[0]], []).append((doc.id, doc.title))
    return titles


MANUAL_PRODUCTS = {
    e["file"]: e["product"] for e in json.loads((MANUALS / "manifest.json").read_text("utf-8"))
}


def demo_asks(corpus: list[CorpusDocument], half: str) -> list[tuple[DemoQuestion, Ask]]:
    """One half of the demo scenarios' questions (``demo_questions``), as asks of the three
    Kestrel manuals: right when the hit is a section the scenario's solution names."""
    return [
        (q, Ask(f"{q.scenario}/{q.language}/{q.form}", q.text, q.sections))
        for q in demo_questions(kestrel_titles(corpus), half)
    ]


def other_products(
    corpus: list[CorpusDocument], asks: list[tuple[DemoQuestion, Ask]]
) -> list[list[Hit]]:
    """Each demo question asked of the two *other* Kestrel products' manuals: a desk whose
    ticket names the wrong product, or none, and whose own manual is missing. Every hit is
    wrong but a section the scenario's solution names in another product's manual (one
    scenario: BLF keys on the phone, answered by the SBC's event packages); ``cross_language``
    leaves such questions out of "another product"."""
    results: dict[str, list[Hit]] = {}
    for product in sorted({q.product for q, _ in asks}):
        others = [d for d in corpus if MANUAL_PRODUCTS[d.id.split("#")[0]] != product]
        mine = [a for q, a in asks if q.product == product]
        with searcher(others) as on_others:
            results |= dict(zip((a.id for a in mine), on_others(mine), strict=True))
    return [results[a.id] for _, a in asks]


# -- searching ------------------------------------------------------------------------------


Searcher = Callable[[Sequence[Ask]], list[list[Hit]]]


@contextmanager
def searcher(corpus: list[CorpusDocument]) -> Iterator[Searcher]:
    """A throwaway desk holding ``corpus``; yields a function from queries to their hits."""
    with tempfile.TemporaryDirectory(prefix="tierdesk-confidence-") as scratch:
        settings = load_settings().model_copy(
            update={"data_dir": Path(scratch), "database_url": None, "env": "test"}
        )
        settings.db.url = None
        settings.search.min_confidence = 0.0
        app = bootstrap(settings)
        try:
            app.upgrade_database()
            index = app.desk.search
            assert index is not None
            ids = index_corpus(index, app.desk.uow, corpus)
            where = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)

            def run(asks: Sequence[Ask]) -> list[list[Hit]]:
                results = []
                with app.desk.uow() as uow:
                    for ask in asks:
                        found = index.search(uow, ask.text, where, DEPTH + 1)
                        kept = [
                            (ids[s.document_id], s) for s in found if ids[s.document_id] != ask.id
                        ]
                        kept = kept[:DEPTH]
                        hits = []
                        for at, (doc, scored) in enumerate(kept):
                            assert scored.evidence is not None
                            top = kept[0][1].score
                            following = kept[at + 1][1].score if at + 1 < len(kept) else None
                            margin = scored.evidence.margin
                            if following is not None and margin > scored.score - following + 1e-9:
                                margin = scored.score - following  # the query itself came next
                            evidence = replace(
                                scored.evidence, gap=top - scored.score, margin=margin
                            )
                            hits.append(
                                Hit(
                                    doc,
                                    doc in ask.right,
                                    evidence,
                                    confidence(evidence, index.model),
                                )
                            )
                        results.append(hits)
                return results

            yield run
        finally:
            app.close()


# -- fitting --------------------------------------------------------------------------------
