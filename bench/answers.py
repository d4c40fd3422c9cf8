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
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from confidence import (
    DEFAULT_DATASETS,
    Ask,
    Floors,
    figures,
    kestrel_corpus,
    searcher,
    silent,
    tv_corpus,
    tv_questions,
)

from tierdesk.config import AnswersSettings

CANDIDATES = [round(0.5 + 0.025 * i, 3) for i in range(20)]


def at(threshold: float) -> Floors:
    """The answerer's one threshold, for questions and whole tickets alike (``confidence.py``
    keeps the search's two floors apart)."""
    return Floors(threshold, threshold)


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
        "| threshold | dev coverage | dev precision | reported coverage | reported precision "
        "| answered on Kestrel |"
    )
    chosen = None
    for floor in CANDIDATES:
        dc, dp, _ = figures(dev, at(floor))
        rc, rp, _ = figures(rep, at(floor))
        wrong = 1 - silent(elsewhere, at(floor))
        print(f"| {floor} | {dc:.3f} | {dp:.3f} | {rc:.3f} | {rp:.3f} | {wrong:.3f} |")
        if chosen is None and dp >= args.target:
            chosen = floor
    print(f"chosen (lowest with development precision >= {args.target}): {chosen}")
    shipped = AnswersSettings().min_confidence
    dc, dp, _ = figures(dev, at(shipped))
    rc, rp, _ = figures(rep, at(shipped))
    wrong_all = 1 - silent(elsewhere, at(shipped))
    wrong_rep = 1 - silent(elsewhere_rep, at(shipped))
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


if __name__ == "__main__":
    main()
