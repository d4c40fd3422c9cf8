"""Calibrated confidence: fit it on development questions, and measure the floor it sets.

    python bench/confidence.py fit [--datasets DIR] [--keep FILE]  # rewrites assist/calibrated.py
    python bench/confidence.py report [--datasets DIR] [--sweep]   # prints the figures

Both run the desk's own ``HybridSearch`` in-process (the configured embedder, by default the
shipped USE; a throwaway SQLite desk per corpus) with the confidence floor off, and record each
hit's evidence (``domain.knowledge.Evidence``) for the top 10.

**fit** uses development questions only:
- question model: the 230 Smart TV "Normal Q&A" questions of ``smart_remote_QA.zip`` whose gold
  title matches a section and which are not among the 50 CSV questions, over the 261 sections
  (a hit is right when its title is the gold title); and the same questions asked of the 2,503
  GitBugs Hadoop issues (another product: every hit is wrong);
- ticket model: the 100 GitBugs **train** pairs (Summary + Description of the issue over every
  other issue; the duplicate is right), and the same 100 issues asked of the Smart TV manual
  (another product's manual: every hit is wrong).
Each kind gets a logistic regression with the meaning score, one without it, and one on the
meaning features alone, in units a query's language does not shift (``standing``,
``lead_spread``: for a hit in another language than the query, ``assist.confidence``); fit
prints the meaning-only model's reliability table on the same hits. A feature whose weight
comes out with the wrong sign (more evidence, less confidence) is dropped and the model
refitted, so confidence is monotone in each.

**report** uses the reported sets (the 38 CSV questions, the 126 GitBugs pairs) with the
shipped floor (``search.min_confidence``): coverage (share of queries where something is
shown) and precision at rank 1 on what is shown; and "another product": the 38 questions
asked of the demo world's three Kestrel manuals (src/tierdesk/demo/content/manuals), and the
126 GitBugs issues asked of the Kestrel manuals and of the Smart TV manual → share of queries
showing nothing. Cross-language (no labelled set exists: the demo world's own content): the
scenario tickets of src/tierdesk/demo/content/scenarios.json, each in English and in up to four
other languages, asked of the three (English) Kestrel manuals → per language the share showing
a passage, the share whose top passage is in the scenario's product's manual, and the share
whose top passage is the one the English text of the same scenario gets; and the non-English
tickets asked of the Smart TV manual (another product, translated) → share showing nothing.

The query issue is stored in the GitBugs index (the corpus has no desk tickets to exclude it
by); it is dropped from its own results and the gap and margin recomputed without it.
"""

from __future__ import annotations

import argparse
import csv
import json
import pickle
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

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


SCENARIOS = REPO / "src" / "tierdesk" / "demo" / "content" / "scenarios.json"
# the demo fills these per ticket (``demo.facts``); any fixed value does for searching
FILLED = {"version": "6.0.2", "ip": "10.1.20.31", "peer_ip": "203.0.113.20", "since": "",
          "mac": "00:1A:7D:10:20:30", "serial": "KX2301234", "hostname": "kx-01.fra.example.com",
          "error_code": "E-5123", "extension": "2041", "customer_name": "",
          "agent_name": ""}  # fmt: skip


def scenario_tickets() -> dict[str, list[tuple[str, str, str]]]:
    """Per language, the demo scenarios' opening tickets: (scenario key, product, text)."""
    tickets: dict[str, list[tuple[str, str, str]]] = {}
    for scenario in json.loads(SCENARIOS.read_text("utf-8")):
        for language, texts in scenario["texts"].items():
            text = f"{texts['subject']}\n{texts['body']}"
            text = re.sub(r"\{(\w+)\}", lambda m: FILLED.get(m.group(1), ""), text)
            tickets.setdefault(language, []).append((scenario["key"], scenario["product"], text))
    return tickets


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

SIGNS = {
    "share": 1,
    "dense": 1,
    "gap": -1,
    "margin": 1,
    "title_share": 1,
    "lead": 1,
    "standing": 1,
    "lead_spread": 1,
}
MEANING = ["share", "dense", "gap", "margin", "title_share", "lead"]
KEYWORDS = ["share", "gap", "margin", "title_share"]
# meaning alone, in units a query's language does not shift (``knowledge.Evidence``); the raw
# cosine and lead (MEANING_RAW) are fitted too, for comparison only
MEANING_ONLY = ["standing", "lead_spread"]
MEANING_RAW = ["dense", "lead"]


def features(evidence: Evidence, names: Sequence[str]) -> list[float]:
    values = {
        "share": evidence.share,
        "dense": evidence.dense if evidence.dense is not None else 0.0,
        "gap": evidence.gap,
        "margin": evidence.margin,
        "title_share": evidence.title_share,
        "lead": evidence.lead,
        "standing": evidence.standing,
        "lead_spread": evidence.lead_spread,
    }
    return [values[n] for n in names]


def fit(hits: list[Hit], names: Sequence[str]) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    names = list(names)
    while True:
        x = [features(h.evidence, names) for h in hits]
        y = [int(h.right) for h in hits]
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
        weights = dict(zip(names, (float(w) for w in model.coef_[0]), strict=True))
        wrong = [n for n in names if weights[n] * SIGNS[n] < 0]
        if not wrong:
            return {"intercept": round(float(model.intercept_[0]), 4)} | {
                n: round(w, 4) for n, w in weights.items()
            }
        names = [n for n in names if n not in wrong]


def run_fit(datasets: Path, keep: Path | None = None) -> None:
    tv = tv_corpus(datasets)
    _, dev_questions = tv_questions(datasets, tv)
    issues, _, train, _ = hadoop(datasets)
    print(f"development: {len(dev_questions)} Smart TV questions, {len(train)} GitBugs train pairs")
    if keep is not None and keep.exists():  # the hits of an earlier run: refit only
        with keep.open("rb") as handle:
            tv_own, questions_foreign, tickets_own, tickets_foreign = pickle.load(handle)  # noqa: S301 - our own file
    else:
        with searcher(tv) as on_tv:
            tv_own = on_tv(dev_questions)
            tickets_foreign = on_tv([Ask(a.id, a.text, frozenset()) for a in train])
        with searcher(issues) as on_issues:
            tickets_own = on_issues(train)
            questions_foreign = on_issues([Ask(a.id, a.text, frozenset()) for a in dev_questions])
    kinds = {
        "question": [h for hits in tv_own + questions_foreign for h in hits],
        "ticket": [h for hits in tickets_own + tickets_foreign for h in hits],
    }
    if keep is not None and not keep.exists():
        with keep.open("wb") as handle:
            pickle.dump((tv_own, questions_foreign, tickets_own, tickets_foreign), handle)
    models = {
        kind: {
            "meaning": fit(hits, MEANING),
            "keywords": fit(hits, KEYWORDS),
            "meaning_only": fit(hits, MEANING_ONLY),
        }
        for kind, hits in kinds.items()
    }
    for kind, hits in kinds.items():
        print(f"{kind}: {len(hits)} hits, {sum(h.right for h in hits)} right; {models[kind]}")
        reliability(f"{kind}, meaning only", hits, models[kind]["meaning_only"])
        raw = fit(hits, MEANING_RAW)
        print(f"\nfor comparison, raw cosine and lead: {raw}")
        reliability(f"{kind}, raw cosine and lead", hits, raw)
    body = json.dumps(models, indent=4).replace("\n", "\n")
    CALIBRATED.write_text(
        '"""Generated by ``bench/confidence.py fit``: do not edit by hand (refit instead).\n\n'
        f"Fitted on {len(dev_questions)} Smart TV development questions and {len(train)} "
        "GitBugs train pairs,\neach also asked of the other data set's corpus (another "
        'product).\n"""\n\n'
        f'MODEL = "use-multilingual-v3"\nMODELS: dict[str, dict[str, dict[str, float]]] = {body}\n',
        "utf-8",
    )
    print(f"wrote {CALIBRATED.relative_to(REPO)}")


def reliability(name: str, hits: list[Hit], model: dict[str, float]) -> None:
    """Predicted against observed, by tenths of the predicted probability."""
    from tierdesk.assist.confidence import _features, _logistic

    bins: dict[int, list[tuple[float, bool]]] = {}
    for hit in hits:
        p = _logistic(model, _features(hit.evidence))
        bins.setdefault(min(int(p * 10), 9), []).append((p, hit.right))
    print(f"\nreliability, {name}\n\n| predicted | hits | mean predicted | observed right |")
    print("|---|---|---|---|")
    for at in sorted(bins):
        rows = bins[at]
        mean = sum(p for p, _ in rows) / len(rows)
        observed = sum(r for _, r in rows) / len(rows)
        print(f"| {at / 10:.1f}-{(at + 1) / 10:.1f} | {len(rows)} | {mean:.3f} | {observed:.3f} |")


# -- reporting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Floors:
    """The desk's floors: a question's (``search.min_confidence``) and a whole ticket's
    (``search.min_confidence_ticket``; the lower of the two applies, as in the desk)."""

    question: float
    ticket: float

    def of(self, hit: Hit) -> float:
        return self.question if hit.evidence.question else min(self.question, self.ticket)

    def __str__(self) -> str:
        return f"{self.question} for questions, {min(self.question, self.ticket)} for tickets"


def shown(hits: list[Hit], floor: Floors) -> list[Hit]:
    return [h for h in hits if h.confidence >= floor.of(h)]


def figures(results: list[list[Hit]], floor: Floors) -> tuple[float, float, int]:
    """(coverage, precision at rank 1 on what is shown, queries shown)."""
    tops = [shown(hits, floor)[:1] for hits in results]
    answered = [top[0] for top in tops if top]
    coverage = len(answered) / len(results) if results else 0.0
    precision = sum(h.right for h in answered) / len(answered) if answered else 0.0
    return coverage, precision, len(answered)


def silent(results: list[list[Hit]], floor: Floors) -> float:
    return sum(1 for hits in results if not shown(hits, floor)) / len(results)


def run_report(datasets: Path, floor: Floors, sweep: bool) -> None:
    tv = tv_corpus(datasets)
    reported, development = tv_questions(datasets, tv)
    issues, pairs, train, test = hadoop(datasets)
    kestrel = kestrel_corpus()
    with searcher(tv) as on_tv:
        tv_results = on_tv(reported)
        tv_dev = on_tv(development) if sweep else []
        tickets_to_tv = on_tv([Ask(a.id, a.text, frozenset()) for a in pairs])
    with searcher(issues) as on_issues:
        gitbugs_results = on_issues(pairs)
        gitbugs_train = on_issues(train) if sweep else []
    with searcher(kestrel) as on_kestrel:
        tv_to_kestrel = on_kestrel([Ask(a.id, a.text, frozenset()) for a in reported])
        tickets_to_kestrel = on_kestrel([Ask(a.id, a.text, frozenset()) for a in pairs])
    tickets = scenario_tickets()
    products = {
        e["file"]: e["product"] for e in json.loads((MANUALS / "manifest.json").read_text())
    }
    asked = {
        language: [Ask(key, text, frozenset()) for key, _, text in rows]
        for language, rows in tickets.items()
    }
    with searcher(kestrel) as on_kestrel:
        demo = {language: on_kestrel(asks) for language, asks in asked.items()}
    with searcher(tv) as on_tv:
        demo_to_tv = {language: on_tv(asks) for language, asks in asked.items()}
    test_ids = {a.id for a in test}
    gitbugs_test = [r for a, r in zip(pairs, gitbugs_results, strict=True) if a.id in test_ids]
    print(f"\nconfidence floor {floor} (search.min_confidence, min_confidence_ticket)\n")
    print("| queries | n | shown (target ≥ 0.60 for questions) | P@1 on shown (target ≥ 0.90) |")
    print("|---|---|---|---|")
    for name, results in (
        ("Smart TV, 38 CSV questions", tv_results),
        ("GitBugs, 126 pairs", gitbugs_results),
        ("GitBugs, 26 test pairs", gitbugs_test),
    ):
        coverage, precision, count = figures(results, floor)
        print(f"| {name} | {len(results)} | {coverage:.3f} ({count}) | {precision:.3f} |")
    print("\n| another product's documents | n | showing nothing (target ≥ 0.90) |")
    print("|---|---|---|")
    for name, results in (
        ("Smart TV 38 questions → Kestrel manuals (demo)", tv_to_kestrel),
        ("GitBugs 126 issues → Kestrel manuals (demo)", tickets_to_kestrel),
        ("GitBugs 126 issues → Smart TV manual", tickets_to_tv),
    ):
        print(f"| {name} | {len(results)} | {silent(results, floor):.3f} |")
    print("\ncross-language: the demo scenarios' tickets → the (English) Kestrel manuals\n")
    print(
        "| language | tickets | showing a passage | top in the product's manual | top = English's |"
    )
    print("|---|---|---|---|---|")
    english = {
        key: (top[0].id if top else None)
        for (key, _, _), top in zip(
            tickets["en"], (shown(h, floor)[:1] for h in demo["en"]), strict=True
        )
    }
    for language, rows in tickets.items():
        tops = [shown(hits, floor)[:1] for hits in demo[language]]
        answered = [(row, top[0]) for row, top in zip(rows, tops, strict=True) if top]
        product = sum(products[hit.id.split("#")[0]] == row[1] for row, hit in answered)
        same = [english[row[0]] == hit.id for row, hit in answered if english[row[0]]]
        print(
            f"| {language} | {len(rows)} | {len(answered) / len(rows):.3f} ({len(answered)}) | "
            f"{product}/{len(answered)} | {sum(same)}/{len(same)} |"
        )
        for row, hit in answered[:3] if language != "en" else []:
            print(f"|   e.g. | {row[2].splitlines()[0][:60]} | {hit.id} | {hit.confidence} | |")
    print("\n| another product's manual, per language | n | showing nothing (target ≥ 0.90) |")
    print("|---|---|---|")
    for language, results in demo_to_tv.items():
        print(f"| demo tickets ({language}) → Smart TV manual | {len(results)} | "
              f"{silent(results, floor):.3f} |")  # fmt: skip
    if sweep:
        print("\nfloor sweep on the development questions (TV dev, GitBugs train)\n")
        print("| floor | TV shown | TV P@1 | GitBugs shown | GitBugs P@1 |")
        print("|---|---|---|---|---|")
        for step in range(1, 10):
            at = step / 10
            tc, tp, _ = figures(tv_dev, Floors(at, at))
            gc, gp, _ = figures(gitbugs_train, Floors(at, at))
            print(f"| {at:.1f} | {tc:.3f} | {tp:.3f} | {gc:.3f} | {gp:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["fit", "report"])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument(
        "--keep", type=Path, help="fit: keep the hits in this file, or refit from it if it exists"
    )
    parser.add_argument("--sweep", action="store_true", help="report: also sweep the floor on dev")
    args = parser.parse_args()
    if args.action == "fit":
        run_fit(args.datasets, args.keep)
    else:
        chosen = load_settings().search
        floors = Floors(chosen.min_confidence, chosen.min_confidence_ticket)
        run_report(args.datasets, floors, args.sweep)


if __name__ == "__main__":
    main()
