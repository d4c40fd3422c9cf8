"""What bench/confidence.py reports: coverage and precision at rank 1 at the shipped floors, the
share of another product's questions that show nothing, per language across languages, and the
reliability of a confidence (predicted against observed)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from confidence_sets import (
    MANUAL_PRODUCTS,
    Ask,
    Hit,
    demo_asks,
    hadoop,
    kestrel_corpus,
    other_products,
    searcher,
    tv_corpus,
    tv_questions,
)
from demo_questions import DemoQuestion


def log_loss(predicted: list[tuple[float, bool]]) -> float:
    import math

    return -sum(
        math.log(min(max(p if right else 1 - p, 1e-6), 1.0)) for p, right in predicted
    ) / len(predicted)


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
    asks = demo_asks(kestrel, "report")
    wrong = [replace(a, right=frozenset()) for _, a in asks]
    with searcher(kestrel) as on_kestrel:
        demo = on_kestrel([a for _, a in asks])
    demo_other = other_products(kestrel, asks)
    with searcher(tv) as on_tv:
        demo_to_tv = on_tv(wrong)
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
    cross_language(floor, [q for q, _ in asks], demo, demo_other, demo_to_tv)
    if sweep:
        print("\nfloor sweep on the development questions (TV dev, GitBugs train)\n")
        print("| floor | TV shown | TV P@1 | GitBugs shown | GitBugs P@1 |")
        print("|---|---|---|---|---|")
        for step in range(1, 10):
            at = step / 10
            tc, tp, _ = figures(tv_dev, Floors(at, at))
            gc, gp, _ = figures(gitbugs_train, Floors(at, at))
            print(f"| {at:.1f} | {tc:.3f} | {tp:.3f} | {gc:.3f} | {gp:.3f} |")


def cross_language(
    floor: Floors,
    questions: list[DemoQuestion],
    demo: list[list[Hit]],
    demo_other: list[list[Hit]],
    demo_to_tv: list[list[Hit]],
) -> None:
    """The reporting half of the demo scenarios (``demo_questions``), per language and form."""
    print("\ncross-language: the demo scenarios of the reporting half → the three (English) "
          "Kestrel manuals\n")  # fmt: skip
    print("| language | form | n | shown | P@1 section (named by the solution) | "
          "P@1 product's manual |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    groups: dict[tuple[str, str], list[int]] = {}
    for at, q in enumerate(questions):
        groups.setdefault((q.language, q.form), []).append(at)
    order = sorted(groups, key=lambda g: (g[1], g[0] != "en", g[0]))
    for language, form in order:
        rows = groups[(language, form)]
        tops = [(questions[at], shown(demo[at], floor)[:1]) for at in rows]
        answered = [(q, top[0]) for q, top in tops if top]
        products = sum(MANUAL_PRODUCTS[h.id.split("#")[0]] == q.product for q, h in answered)
        right = sum(h.right for _, h in answered)
        n = len(answered)
        print(f"| {language} | {form} | {len(rows)} | {n / len(rows):.3f} ({n}) | "
              f"{right / n if n else 0:.3f} ({right}) | "
              f"{products / n if n else 0:.3f} |")  # fmt: skip
    print("\n| another product's documents, per language (reporting half) | n | "
          "showing nothing (target ≥ 0.90) |")  # fmt: skip
    print("|---|---|---|")
    for language, form in order:
        rows = groups[(language, form)]
        for name, results in (
            ("Smart TV manual", demo_to_tv),
            ("other Kestrel manuals", demo_other),
        ):
            # a question whose solution names a section of these manuals is not about another
            # product here
            chosen = [
                results[at]
                for at in rows
                if results is demo_to_tv
                or all(MANUAL_PRODUCTS[s.split("#")[0]] == questions[at].product
                       for s in questions[at].sections)
            ]  # fmt: skip
            print(f"| demo {form}s ({language}) → {name} | {len(chosen)} | "
                  f"{silent(chosen, floor):.3f} |")  # fmt: skip
    across = [
        h
        for found in demo + demo_other + demo_to_tv
        for h in found
        if h.evidence.other_language and h.evidence.dense is not None
    ]
    bins: dict[int, list[Hit]] = {}
    for hit in across:
        bins.setdefault(min(int(hit.confidence * 10), 9), []).append(hit)
    print("\nreliability of the hits in another language than their question (reporting half, "
          "every corpus above)\n\n| confidence | hits | mean | observed right |")  # fmt: skip
    print("|---|---|---|---|")
    for at in sorted(bins):
        rows_ = bins[at]
        mean = sum(h.confidence for h in rows_) / len(rows_)
        observed = sum(h.right for h in rows_) / len(rows_)
        print(f"| {at / 10:.1f}-{(at + 1) / 10:.1f} | {len(rows_)} | {mean:.3f} | {observed:.3f} |")
