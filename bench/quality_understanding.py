"""Understanding quality on public data, through exactly the commands anyone can run:
``tierdesk eval routing`` (the triage classifier) and ``tierdesk eval logs`` (the log template
miner), printed beside the baselines in the datasets' READMEs, and ``tierdesk eval facts`` (the
fact extractor) on the project's own annotated snippets, from one run.

    python bench/quality_understanding.py [--datasets DIR] [--only routing|logs|facts]

- BANKING77: train.csv → test.csv. Target: accuracy ≥ 0.93 with training < 2 minutes.
- CLINC150: train + oos_train (out-of-scope rows have an empty label: never a class, only used
  to set the abstain threshold on held-back rows) → test + oos_test. In-scope accuracy counts
  an abstention as wrong; out-of-scope recall is the share of oos_test abstained on.
- xSID: trained on the 300 English ``valid`` sentences only, scored on each language's
  ``test`` (500, parallel). The gap to English is what matters.
- loghub-2k: each system's raw log through ``eval logs --assignments``; grouping accuracy
  (Zhu et al. 2019: a line is right when its group equals its ground-truth group) beside
  Drain's published figure.
- facts: bench/facts/dev.jsonl (the snippets the rules were tuned on) and held.jsonl (written
  at the same time, scored once at the end), each without a catalogue (as a stranger's snippets
  are scored) and with the Kestrel desk's product names (bench/facts/catalog.txt). Targets on
  the development part: precision ≥ 0.95, recall ≥ 0.90.

The datasets are converted in a temporary directory, never copied into the project. Nothing
here is tuned per dataset or per system, and no test split is looked at before scoring.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
DRAIN = {  # loghub-2k/README.md, from logpai/logparser Drain/README.md
    "HDFS": 0.9975,
    "Hadoop": 0.9475,
    "Spark": 0.92,
    "Zookeeper": 0.9665,
    "Linux": 0.69,
    "Windows": 0.997,
    "Apache": 1.0,
    "OpenSSH": 0.7875,
}
XSID_LANGUAGES = ["en", "de", "it", "nl", "da"]


def run_cli(*arguments: str) -> tuple[dict[str, float], float]:
    started = time.perf_counter()
    environment = {**os.environ, "TIERDESK_SEARCH__EMBEDDER": "use"}
    command = [sys.executable, "-m", "tierdesk", "eval", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)  # noqa: S603 - our own CLI
    if done.returncode != 0:
        raise SystemExit(f"tierdesk eval {arguments[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def read_banking(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def read_xsid(path: Path) -> list[tuple[str, str]]:
    rows, text, intent = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text ="):
            text = line.split("=", 1)[1].strip()
        elif line.startswith("# intent ="):
            intent = line.split("=", 1)[1].strip()
        elif not line.strip() and text is not None and intent is not None:
            rows.append((text, intent))
            text = intent = None
    if text is not None and intent is not None:
        rows.append((text, intent))
    return rows


def show(name: str, result: dict[str, float], seconds: float, keys: list[str]) -> None:
    shown = ", ".join(f"{key} {result[key]:.4f}" for key in keys if key in result)
    print(
        f"{name:<28} {shown}  (train {result.get('train_seconds', 0):.0f} s, run {seconds:.0f} s)"
    )


def routing(datasets: Path, scratch: Path) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    banking = datasets / "banking77"
    train = write_csv(scratch / "b-train.csv", read_banking(banking / "train.csv"))
    test = write_csv(scratch / "b-test.csv", read_banking(banking / "test.csv"))
    result, seconds = run_cli("routing", "--train", str(train), "--test", str(test))
    results["banking77"] = result
    print("\nBANKING77 (README: TF-IDF+LR 0.9133 computed; best listed full-train 0.9477)")
    show(
        "tierdesk triage",
        result,
        seconds,
        ["accuracy", "macro_f1", "abstain_rate", "accuracy_when_answered"],
    )

    clinc = json.loads((datasets / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    train_rows = [(t, label) for t, label in clinc["train"]] + [
        (t, "") for t, _ in clinc["oos_train"]
    ]
    test_rows = [(t, label) for t, label in clinc["test"]] + [(t, "") for t, _ in clinc["oos_test"]]
    train = write_csv(scratch / "c-train.csv", train_rows)
    test = write_csv(scratch / "c-test.csv", test_rows)
    result, seconds = run_cli("routing", "--train", str(train), "--test", str(test))
    results["clinc150"] = result
    print(
        "\nCLINC150 (README: TF-IDF+LR threshold in-scope 0.9209 / oos recall 0.506;"
        " MLP(USE) 0.934 / 0.491; BERT 0.962 / 0.523)"
    )
    show(
        "tierdesk triage",
        result,
        seconds,
        ["in_scope_accuracy", "oos_recall", "accuracy", "abstain_rate"],
    )

    xsid = datasets / "xsid"
    train = write_csv(scratch / "x-train.csv", read_xsid(xsid / "en.valid.conll"))
    print(
        "\nxSID, trained on English valid (300) only (README, bag of words: en 0.914, de 0.386,"
        " da 0.472, nl 0.414, it 0.388)"
    )
    english = 0.0
    for language in XSID_LANGUAGES:
        test = write_csv(scratch / f"x-{language}.csv", read_xsid(xsid / f"{language}.test.conll"))
        result, seconds = run_cli("routing", "--train", str(train), "--test", str(test))
        results[f"xsid-{language}"] = result
        if language == "en":
            english = result["accuracy"]
        gap = result["accuracy"] - english
        show(f"xSID {language} (gap {gap:+.3f})", result, seconds, ["accuracy", "macro_f1"])
    return results


def grouping_accuracy(predicted: list[str], truth: list[str]) -> float:
    truth_groups: dict[str, set[int]] = defaultdict(set)
    predicted_groups: dict[str, set[int]] = defaultdict(set)
    for index, (p, t) in enumerate(zip(predicted, truth, strict=True)):
        truth_groups[t].add(index)
        predicted_groups[p].add(index)
    correct = 0
    for lines in predicted_groups.values():
        events = {truth[i] for i in lines}
        if len(events) == 1 and truth_groups[next(iter(events))] == lines:
            correct += len(lines)
    return correct / len(truth)


def logs(datasets: Path, scratch: Path) -> dict[str, float]:
    print("\nloghub-2k grouping accuracy (no per-system configuration) vs Drain (published)")
    scores: dict[str, float] = {}
    for system, drain in DRAIN.items():
        folder = datasets / "loghub-2k" / system
        out = scratch / f"{system}.assignments"
        result, seconds = run_cli(
            "logs", "--log", str(folder / f"{system}_2k.log"), "--assignments", str(out)
        )
        with (folder / f"{system}_2k.log_structured.csv").open(encoding="utf-8") as handle:
            truth = [row["EventId"] for row in csv.DictReader(handle)]
        predicted = out.read_text(encoding="utf-8").split()
        scores[system] = grouping_accuracy(predicted, truth)
        verdict = "≥" if scores[system] >= drain else "<"
        print(
            f"{system:<10} {scores[system]:.4f} {verdict} Drain {drain:.4f}  "
            f"({int(result['templates'])} templates, {seconds:.1f} s)"
        )
    wins = sum(scores[s] >= DRAIN[s] for s in DRAIN)
    print(f"at or above Drain on {wins} of {len(DRAIN)} systems (target: 6)")
    return scores


FACTS = REPO / "bench" / "facts"


def facts() -> dict[str, Any]:
    print("\nFacts on the annotated snippets (bench/facts/README.md), precision / recall per kind")
    results: dict[str, Any] = {}
    for part in ("dev", "held"):
        for catalogue in (False, True):
            arguments = ["facts", "--gold", str(FACTS / f"{part}.jsonl")]
            if catalogue:
                arguments += ["--catalog", str(FACTS / "catalog.txt")]
            result, _seconds = run_cli(*arguments)
            name = f"{part}{' + catalogue' if catalogue else ''}"
            results[name] = result
            print(
                f"{name:<18} precision {result['precision']:.3f}  recall {result['recall']:.3f}"
                f"  F1 {result['f1']:.3f}  ({int(result['texts'])} snippets, "
                f"{int(result['gold'])} facts)"
            )
    kinds = list(results["dev"]["per_kind"])
    print(f"{'kind':<16} {'dev P':>7} {'dev R':>7} {'held P':>7} {'held R':>7}")
    for kind in kinds:
        row = [
            results[part]["per_kind"].get(kind, {}).get(measure)
            for part in ("dev", "held")
            for measure in ("precision", "recall")
        ]
        print(f"{kind:<16} " + " ".join("      -" if v is None else f"{v:7.3f}" for v in row))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--only", choices=["routing", "logs", "facts"])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tierdesk-bench-") as scratch:
        if arguments.only in (None, "facts"):
            facts()
        if arguments.only in (None, "logs"):
            logs(arguments.datasets, Path(scratch))
        if arguments.only in (None, "routing"):
            routing(arguments.datasets, Path(scratch))


if __name__ == "__main__":
    main()
