"""The routing sets bench/quality_understanding.py scores the triage classifier on, read from
../shared/datasets into (text, label) rows; an empty label is an out-of-scope row.

Each set comes in two splits: ``test`` (train on the training split, score the test split; run
once, at the end) and ``development`` (train on part of the training split, score the rest or
the validation split), on which every choice of method and setting was made, leave one set
out: a choice had to hold on each set when made on the others.

- BANKING77 (77 intents, mildly imbalanced): train.csv → test.csv. Development: 15 % of
  train.csv (seed 0) held back.
- CLINC150 with out-of-scope rows: train + oos_train → test + oos_test. Development: → val +
  oos_val.
- xSID: the 300 English ``valid`` sentences → each language's ``test``. Development: five folds
  of the English ``valid`` sentences, each held-back fold scored in English and in its German,
  Italian and Dutch translations.
- GitBugs Hadoop priority: real issue reports (summary and description) and the priority their
  reporters gave (Major 69 %, Minor 22 %, Critical, Blocker, Trivial 3 % each); the issues in
  the order of their ids, the first 80 % → the last 20 %. Development: the first 64 % → the next
  16 %.
- Long-tailed variants, standing in for a desk's heavily imbalanced categories: BANKING77 with
  its classes cut to sizes falling geometrically from the largest to 1/40 of it (at least 3),
  the test rows cut in the same proportions (at least 2); CLINC150's ten domains as labels,
  seven of them, falling to 1/60 (at least 15), the test rows in proportion (at least 8).
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Rows = list[tuple[str, str]]
XSID_LANGUAGES = ["en", "de", "it", "nl", "da"]


@dataclass(frozen=True)
class RoutingSet:
    name: str
    train: Rows
    test: Rows


def read_banking(path: Path) -> Rows:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def read_xsid(path: Path) -> Rows:
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


def read_gitbugs(path: Path) -> Rows:
    with path.open(encoding="utf-8", newline="") as handle:
        issues = sorted(csv.DictReader(handle), key=lambda row: int(row["Issue id"]))
    return [(f"{i['Summary']}\n{i['Description'][:4000]}", i["Priority"]) for i in issues]


def _held_back(rows: Rows, share: float, seed: int) -> tuple[Rows, Rows]:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a fixed split, not a secret
    cut = int(len(rows) * share)
    held = set(order[:cut])
    return [r for i, r in enumerate(rows) if i not in held], [rows[i] for i in sorted(held)]


def long_tail(
    train: Rows, test: Rows, ratio: float, floor: int, test_floor: int, seed: int
) -> tuple[Rows, Rows]:
    """Classes (in a random order) cut to sizes falling geometrically from the largest to
    1/``ratio`` of it; the test rows of each class cut in the same proportion."""
    chance = random.Random(seed)  # noqa: S311 - a fixed sample, not a secret
    sizes = Counter(label for _, label in train)
    labels = sorted(sizes)
    chance.shuffle(labels)
    top = max(sizes.values())
    steps = max(len(labels) - 1, 1)
    wanted = {
        label: max(floor, min(sizes[label], round(top * ratio ** (-i / steps))))
        for i, label in enumerate(labels)
    }
    share = len(test) / len(train)
    test_wanted = {label: max(test_floor, round(n * share)) for label, n in wanted.items()}

    def cut(rows: Rows, keep: dict[str, int]) -> Rows:
        by_label: dict[str, list[int]] = {}
        for index, (_, label) in enumerate(rows):
            by_label.setdefault(label, []).append(index)
        chosen: set[int] = set()
        for label, indexes in sorted(by_label.items()):
            if label in keep:
                chosen.update(chance.sample(indexes, min(keep[label], len(indexes))))
        return [rows[i] for i in sorted(chosen)]

    return cut(train, wanted), cut(test, test_wanted)


def routing_sets(datasets: Path, development: bool) -> list[RoutingSet]:
    sets: list[RoutingSet] = []
    add: Callable[[str, Rows, Rows], None] = lambda n, a, b: sets.append(RoutingSet(n, a, b))  # noqa: E731

    banking = read_banking(datasets / "banking77" / "train.csv")
    if development:
        banking_train, banking_test = _held_back(banking, 0.15, seed=0)
    else:
        banking_train, banking_test = banking, read_banking(datasets / "banking77" / "test.csv")
    add("BANKING77", banking_train, banking_test)

    clinc = json.loads((datasets / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    scored, oos = ("val", "oos_val") if development else ("test", "oos_test")
    clinc_train = [(t, label) for t, label in clinc["train"]]
    oos_train = [(t, "") for t, _ in clinc["oos_train"]]
    clinc_test = [(t, label) for t, label in clinc[scored]]
    add(
        "CLINC150 (+ out of scope)",
        clinc_train + oos_train,
        clinc_test + [(t, "") for t, _ in clinc[oos]],
    )

    xsid = datasets / "xsid"
    english = read_xsid(xsid / "en.valid.conll")
    if development:
        translated = {
            lang: read_xsid(xsid / f"{lang}.valid.conll") for lang in ("en", "de", "it", "nl")
        }
        folds = [i % 5 for i in range(len(english))]
        random.Random(3).shuffle(folds)  # noqa: S311
        for fold in range(5):
            train = [r for r, f in zip(english, folds, strict=True) if f != fold]
            for language, rows in translated.items():
                held = [r for r, f in zip(rows, folds, strict=True) if f == fold]
                add(f"xSID {language} (5 folds)", train, held)
    else:
        for language in XSID_LANGUAGES:
            add(f"xSID {language}", english, read_xsid(xsid / f"{language}.test.conll"))

    gitbugs = read_gitbugs(datasets / "gitbugs-hadoop" / "hadoop_bugs.csv")
    end = int(len(gitbugs) * 0.8)
    if development:
        middle = int(len(gitbugs) * 0.64)
        add("GitBugs Hadoop priority", gitbugs[:middle], gitbugs[middle:end])
    else:
        add("GitBugs Hadoop priority", gitbugs[:end], gitbugs[end:])

    add("BANKING77 long tail", *long_tail(banking_train, banking_test, 40, 3, 2, seed=1))
    domains = json.loads((datasets / "clinc150" / "domains.json").read_text(encoding="utf-8"))
    domain_of = {intent: domain for domain, intents in domains.items() for intent in intents}
    seven = sorted(domains)
    random.Random(2).shuffle(seven)  # noqa: S311
    kept = set(seven[:7])

    def by_domain(rows: Rows) -> Rows:
        return [(t, domain_of[label]) for t, label in rows if domain_of.get(label) in kept]

    add(
        "CLINC150 domains long tail",
        *long_tail(by_domain(clinc_train), by_domain(clinc_test), 60, 15, 8, seed=2),
    )
    return sets
