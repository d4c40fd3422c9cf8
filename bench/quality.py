"""Retrieval quality on public data, through exactly the command anyone can run:
``tierdesk eval retrieval`` (BEIR format), printed beside the baselines in the datasets' READMEs.

    python bench/quality.py [--datasets ../shared/datasets] [--modes bm25,dense,hybrid]

- GitBugs Hadoop duplicates: every one of the 126 pairs' "Issue id" (Summary + Description) is a
  query over all 2,503 issues; its "Duplicate id" is the relevant document; the issue itself never
  counts. No Status/Resolution field is used (they leak the answer).
- Smart TV manual: the 38 expert questions whose gold section title matches a corpus section
  (the README's reference set) over the 261 sections; every section with that title is relevant
  (5 titles occur twice), so success@k ("a right section in the top k", what the README's R@k
  counts) is printed beside recall@k.

The datasets are converted to BEIR files in a temporary directory (never copied into the
project) and each mode runs the CLI as a separate process. Nothing here is tuned per dataset.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def write_qrels(path: Path, pairs: list[tuple[str, str]]) -> None:
    path.write_text("query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in pairs))


def gitbugs(source: Path, target: Path) -> None:
    with (source / "hadoop_bugs.csv").open(encoding="utf-8", newline="") as handle:
        issues = {r["Issue id"]: r for r in csv.DictReader(handle)}
    with (source / "hadoop_bugs-combined.csv").open(encoding="utf-8", newline="") as handle:
        # One row names two duplicates ("13547000, 13396667"): each is a relevant document.
        pairs = [
            (r["Issue id"], duplicate.strip())
            for r in csv.DictReader(handle)
            for duplicate in r["Duplicate id"].split(",")
            if duplicate.strip()
        ]
    write_jsonl(
        target / "corpus.jsonl",
        [
            {"_id": i, "title": r["Summary"], "text": r["Description"] or ""}
            for i, r in issues.items()
        ],
    )
    asked = dict.fromkeys(q for q, _ in pairs)
    write_jsonl(
        target / "queries.jsonl",
        [
            {"_id": q, "text": f"{issues[q]['Summary']}\n{issues[q]['Description'] or ''}"}
            for q in asked
        ],
    )
    write_qrels(target / "qrels.tsv", pairs)


def smart_tv(source: Path, target: Path) -> None:
    sections = json.loads((source / "smart_tv_remote_manual_corpus.json").read_text("utf-8"))
    corpus = [
        {"_id": key, "title": s["title"], "text": "\n".join(s["text"])}
        for key, s in sections.items()
    ]
    by_title: dict[str, list[str]] = {}
    for row in corpus:
        by_title.setdefault(row["title"].strip().lower(), []).append(row["_id"])
    queries, pairs = [], []
    with (source / "smart_tv_remote_50_questions.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            gold = row["section_path"].split(">")[-1].strip().lower()
            if gold in by_title:
                qid = f"q{row['question_id']}"
                queries.append({"_id": qid, "text": row["question"]})
                pairs += [(qid, doc) for doc in by_title[gold]]
    write_jsonl(target / "corpus.jsonl", corpus)
    write_jsonl(target / "queries.jsonl", queries)
    write_qrels(target / "qrels.tsv", pairs)


def baselines(readme: Path) -> list[tuple[str, dict[str, str]]]:
    """The README's reference table rows (method → column → figure), read at run time."""
    rows: list[tuple[str, dict[str, str]]] = []
    header: list[str] | None = None
    for line in readme.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            header = None
            continue
        if cells and cells[0] == "method":
            header = cells
        elif header and not set(line) <= set("|-: ") and re.match(r"^(TF-IDF|BM25)", cells[0]):
            rows.append((cells[0], dict(zip(header, cells, strict=False))))
    return rows


def evaluate(directory: Path, mode: str) -> tuple[dict[str, float], float]:
    started = time.perf_counter()
    command = [
        sys.executable, "-m", "tierdesk", "eval", "retrieval",
        "--corpus", str(directory / "corpus.jsonl"),
        "--queries", str(directory / "queries.jsonl"),
        "--qrels", str(directory / "qrels.tsv"),
        "--mode", mode,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own CLI
    if done.returncode != 0:
        raise SystemExit(f"eval failed ({mode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def report(
    name: str,
    readme: Path,
    directory: Path,
    modes: list[str],
    columns: list[tuple[str, str]],
    queries_label: str,
) -> None:
    print(f"\n## {name}\n")
    print("| system | queries | " + " | ".join(label for label, _ in columns) + " | seconds |")
    print("|---|---|" + "---|" * len(columns) + "---|")
    for mode in modes:
        figures, seconds = evaluate(directory, mode)
        cells = " | ".join(f"{figures[key]:.3f}" for _, key in columns)
        print(f"| tierdesk {mode} | {figures['queries']} | {cells} | {seconds:.0f} |", flush=True)
    for method, row in baselines(readme):
        if row.get("queries", queries_label) != queries_label:
            continue
        cells = " | ".join(row.get(label, "–") for label, _ in columns)
        print(f"| README: {method} | {row.get('queries', queries_label)} | {cells} | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--modes", default="bm25,dense,hybrid")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    with tempfile.TemporaryDirectory(prefix="tierdesk-bench-") as scratch:
        hadoop, tv = Path(scratch) / "gitbugs", Path(scratch) / "smarttv"
        hadoop.mkdir()
        tv.mkdir()
        gitbugs(args.datasets / "gitbugs-hadoop", hadoop)
        smart_tv(args.datasets / "emanual-smarttv", tv)
        recall = [(f"R@{k}", f"recall@{k}") for k in (1, 5, 10, 20)]
        report(
            "GitBugs Hadoop duplicates (target: hybrid R@10 ≥ 0.88, MRR ≥ 0.65)",
            args.datasets / "gitbugs-hadoop" / "README.md",
            hadoop,
            modes,
            [*recall, ("MRR", "mrr")],
            "all 126",
        )
        report(
            "Smart TV manual sections (target: R@1 ≥ 0.65, R@5 ≥ 0.95); R@k = success@k",
            args.datasets / "emanual-smarttv" / "README.md",
            tv,
            modes,
            [
                ("R@1", "success@1"),
                ("R@5", "success@5"),
                ("R@10", "success@10"),
                ("recall@5", "recall@5"),
                ("MRR", "mrr"),
            ],
            "38",
        )


if __name__ == "__main__":
    main()
