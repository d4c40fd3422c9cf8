"""The answerer's threshold (``answers.min_confidence``), picked on development questions only.

    python bench/answers.py [--datasets DIR] [--target 0.9]

Runs the desk's own search over the Smart TV manual (``bench/confidence.py``'s throwaway desk,
confidence floor off) for the development questions (the Normal Q&A questions not among the 50
CSV questions) and prints, for each candidate threshold, coverage (share of questions whose best
hit reaches it) and precision (share of those whose best hit is a right section). The shipped
default is the lowest threshold whose development precision is at least ``--target``; the
reported questions (the CSV ones) are printed beside it for the record and never used to pick.
The same questions asked of the demo's Kestrel manuals (which cannot answer them) give the share
that would wrongly be answered there. The last lines give every figure at the shipped threshold
beside the issue's targets (Smart TV: coverage >= 0.6 with precision >= 0.9; Kestrel: answered
<= 10 %).

Which hit is the answer is the answerer's rule (``domain.answers.pick_in_ranking`` over the
first ``ANSWER_CANDIDATES`` hits): the highest-ranked one reaching the threshold ("now"); the
answerer took the most confident of them before ("before"), printed beside it. Coverage is the
same under both (a question is answered when any of its first hits reaches the threshold).

The last table tries a learned answer confidence instead of the one threshold: logistic
regressions over each of the first hits (features below), the answer the hit with the highest
learned score, its threshold the lowest whose precision on the training folds reaches the
target; measured by 10-fold cross-validation within the development questions (repeated over
5 shuffles), on the held-out folds only: pooled coverage and precision at the chosen threshold,
precision at 0.60 and 0.65 coverage, coverage at 0.9 precision.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from confidence import (
    DEFAULT_DATASETS,
    Ask,
    Hit,
    kestrel_corpus,
    searcher,
    tv_corpus,
    tv_questions,
)

from tierdesk.config import AnswersSettings
from tierdesk.domain.answers import ANSWER_CANDIDATES, pick_in_ranking

CANDIDATES = [round(0.5 + 0.025 * i, 3) for i in range(20)]


def chosen_hit(hits: list[Hit], threshold: float, rule: str) -> Hit | None:
    """The hit the answerer answers with (None: not answered) under ``rule``: "now"
    (``pick_in_ranking``) or "before" (the most confident of the first hits)."""
    first = hits[:ANSWER_CANDIDATES]
    if rule == "now":
        at = pick_in_ranking([h.confidence for h in first], threshold)
        best = first[at] if at is not None else None
    else:
        best = max(first, key=lambda h: h.confidence, default=None)
    return best if best is not None and best.confidence >= threshold else None


def figures(results: list[list[Hit]], threshold: float, rule: str) -> tuple[float, float]:
    """(coverage, precision) of the answerer's decision at ``threshold``."""
    answers = [chosen_hit(hits, threshold, rule) for hits in results]
    given = [a for a in answers if a is not None]
    precision = sum(a.right for a in given) / len(given) if given else 0.0
    return len(given) / len(results), precision


# -- a learned answer confidence, cross-validated on the development questions ---------------

FEATURE_SETS = {
    "confidence, best other, rank": ("logit", "other", "rank"),
    "confidence, rank": ("logit", "rank"),
    "confidence, best other": ("logit", "other"),
    "evidence refitted on answers": ("share", "dense", "gap", "margin", "lead", "other"),
}


def _row(hits: list[Hit], at: int) -> dict[str, float]:
    """One of the first hits as the learned models see it: its calibrated confidence (as
    log-odds), the best confidence among the other first hits (0 when none reaches 0.5, the
    desk's search floor, which keeps them from the answerer), its rank, and its evidence."""
    hit, first = hits[at], hits[:ANSWER_CANDIDATES]
    p = min(max(hit.confidence, 1e-3), 1 - 1e-3)
    others = [h.confidence for h in first if h is not hit and h.confidence >= 0.5]
    e = hit.evidence
    return {
        "logit": math.log(p / (1 - p)),
        "other": max(others, default=0.0),
        "rank": float(at),
        "share": e.share,
        "dense": e.dense or 0.0,
        "gap": e.gap,
        "margin": e.margin,
        "lead": e.lead,
    }


Scorer = Callable[[dict[str, float]], float]


def _decide(hits: list[Hit], score: Scorer) -> tuple[float, bool]:
    """(the best learned score among the first hits, whether that hit is right)."""
    first = range(len(hits[:ANSWER_CANDIDATES]))
    scored = [(score(_row(hits, at)), -at, hits[at].right) for at in first]
    best = max(scored, default=(0.0, 0, False))
    return best[0], best[2]


Scored = list[tuple[float, bool]]  # (learned score, right) per question
Decisions = Callable[[float], list[tuple[bool, bool]]]  # threshold -> (answered, right) each


def _at(decisions: list[tuple[bool, bool]]) -> tuple[float, float]:
    given = [right for answered, right in decisions if answered]
    return len(given) / len(decisions), (sum(given) / len(given) if given else 0.0)


def _lowest_reaching(decide: Decisions, thresholds: Sequence[float], target: float) -> float:
    for threshold in sorted(set(thresholds)):
        coverage, precision = _at(decide(threshold))
        if coverage > 0 and precision >= target:
            return threshold
    return 2.0


def _curve(decide: Decisions, thresholds: Sequence[float]) -> tuple[float, float, float]:
    """(precision where coverage first reaches 0.60 and 0.65 as the threshold falls, the
    largest coverage with precision >= 0.9)."""
    points = [_at(decide(t)) for t in sorted(set(thresholds), reverse=True)]
    p60 = next((p for c, p in points if c >= 0.6), 0.0)
    p65 = next((p for c, p in points if c >= 0.65), 0.0)
    return p60, p65, max((c for c, p in points if p >= 0.9), default=0.0)


def cross_validated(
    dev: list[list[Hit]], names: tuple[str, ...] | None, target: float
) -> tuple[float, ...]:
    """Held-out figures, averaged over 5 shuffles of a 10-fold split of the development
    questions: coverage and precision at the threshold chosen on the training folds, and the
    held-out curve. ``names`` None: the calibrated confidence and one threshold (the
    answerer's "now" rule); else a logistic regression on those features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    labels = [any(h.right for h in hits[:ANSWER_CANDIDATES]) for hits in dev]
    runs = []
    for seed in range(5):
        held: list[tuple[float, bool]] = []  # learned: (score, right) per held-out question
        answered = right = 0
        folds = StratifiedKFold(10, shuffle=True, random_state=seed).split(dev, labels)
        for train, test in folds:
            if names is None:
                training = [dev[i] for i in train]

                def rule(t: float, qs: list[list[Hit]] = training) -> list[tuple[bool, bool]]:
                    chosen = [chosen_hit(hits, t, "now") for hits in qs]
                    return [(h is not None, h is not None and h.right) for h in chosen]

                seen = [h.confidence for hits in training for h in hits[:ANSWER_CANDIDATES]]
                threshold = _lowest_reaching(rule, seen, target)
                for i in test:
                    best = chosen_hit(dev[i], threshold, "now")
                    answered += best is not None
                    right += best is not None and best.right
                continue
            rows = [
                ([_row(dev[i], at)[n] for n in names], dev[i][at].right)
                for i in train
                for at in range(len(dev[i][:ANSWER_CANDIDATES]))
            ]
            model = LogisticRegression(C=1.0, max_iter=3000)
            model.fit([x for x, _ in rows], [int(y) for _, y in rows])
            weights, bias = [float(w) for w in model.coef_[0]], float(model.intercept_[0])

            def score(row: dict[str, float], w: list[float] = weights, b: float = bias) -> float:
                z = b + sum(c * row[n] for c, n in zip(w, names, strict=True))
                return 1 / (1 + math.exp(-z))

            fitted = [_decide(dev[i], score) for i in train]

            def learned(
                t: float, pairs: list[tuple[float, bool]] = fitted
            ) -> list[tuple[bool, bool]]:
                return [(s >= t, r) for s, r in pairs]

            threshold = _lowest_reaching(learned, [s for s, _ in fitted], target)
            for i in test:
                s, r = _decide(dev[i], score)
                held.append((s, r))
                answered += s >= threshold
                right += s >= threshold and r
        if names is None:

            def whole(t: float) -> list[tuple[bool, bool]]:
                chosen = [chosen_hit(hits, t, "now") for hits in dev]
                return [(h is not None, h is not None and h.right) for h in chosen]

            curve = _curve(whole, [h.confidence for hits in dev for h in hits[:3]])
        else:

            def out_of_fold(t: float, pairs: Scored = held) -> list[tuple[bool, bool]]:
                return [(s >= t, r) for s, r in pairs]

            curve = _curve(out_of_fold, [s for s, _ in held])
        runs.append((answered / len(dev), right / max(answered, 1), *curve))
    return tuple(sum(run[k] for run in runs) / len(runs) for k in range(5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--target", type=float, default=0.9)
    args = parser.parse_args()
    tv = tv_corpus(args.datasets)
    reported, development = tv_questions(args.datasets, tv)
    with searcher(tv) as on_tv:
        dev = on_tv(development)
        rep = on_tv(reported)
    with searcher(kestrel_corpus()) as on_kestrel:
        elsewhere_rep = on_kestrel([Ask(a.id, a.text, frozenset()) for a in reported])
        elsewhere_dev = on_kestrel([Ask(a.id, a.text, frozenset()) for a in development])
    elsewhere = elsewhere_rep + elsewhere_dev
    print(f"development questions: {len(development)}, reported: {len(reported)}")
    print(
        "| threshold | dev coverage | dev precision before / now | reported coverage "
        "| reported precision before / now | answered on Kestrel |"
    )
    print("|---|---|---|---|---|---|")
    chosen = None
    for floor in CANDIDATES:
        dc, dp_old = figures(dev, floor, "before")
        _, dp = figures(dev, floor, "now")
        rc, rp_old = figures(rep, floor, "before")
        _, rp = figures(rep, floor, "now")
        wrong, _ = figures(elsewhere, floor, "now")
        print(
            f"| {floor} | {dc:.3f} | {dp_old:.3f} / {dp:.3f} | {rc:.3f} | {rp_old:.3f} / "
            f"{rp:.3f} | {wrong:.3f} |"
        )
        if chosen is None and dp >= args.target:
            chosen = floor
    print(f"chosen (lowest with development precision >= {args.target}, now): {chosen}")
    shipped = AnswersSettings().min_confidence
    dc, dp = figures(dev, shipped, "now")
    rc, rp = figures(rep, shipped, "now")
    wrong_all, _ = figures(elsewhere, shipped, "now")
    wrong_rep, _ = figures(elsewhere_rep, shipped, "now")
    print(f"\nat the shipped threshold (answers.min_confidence = {shipped}):")
    print(f"  Smart TV, development questions: coverage {dc:.3f}, precision {dp:.3f}")
    met = "met" if rc >= 0.6 and rp >= 0.9 else "not met"
    print(
        f"  Smart TV, reported questions: coverage {rc:.3f}, precision {rp:.3f} "
        f"(target: coverage >= 0.6 with precision >= 0.9: {met})"
    )
    met = "met" if wrong_all <= 0.1 else "not met"
    print(
        f"  the same questions asked of the Kestrel manuals, which cannot answer them: "
        f"answered {wrong_all:.3f} of {len(elsewhere)} (reported alone: {wrong_rep:.3f} of "
        f"{len(elsewhere_rep)}; target: <= 0.10: {met})"
    )
    print(
        "\na learned answer confidence against the one threshold, development questions, "
        "10-fold cross-validation x 5 (held-out folds only)\n"
    )
    print(
        "| confidence | coverage at its threshold | precision at its threshold "
        "| precision at 0.60 coverage | at 0.65 | coverage at precision 0.9 |"
    )
    print("|---|---|---|---|---|---|")
    for name, names in [("calibrated, one threshold (now)", None), *FEATURE_SETS.items()]:
        c, p, p60, p65, c90 = cross_validated(dev, names, args.target)
        print(f"| {name} | {c:.3f} | {p:.3f} | {p60:.3f} | {p65:.3f} | {c90:.3f} |")


if __name__ == "__main__":
    main()
