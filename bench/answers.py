"""The answerer's threshold (``answers.min_confidence``), picked on development questions only.

    python bench/answers.py [--datasets DIR] [--target 0.9]

Runs the desk's own search over the Smart TV manual (``bench/confidence.py``'s throwaway desk,
confidence floor off) for the development questions (the Normal Q&A questions not among the 50
CSV questions) and prints, for each candidate threshold, coverage (share of questions whose best
hit reaches it) and precision (share of those whose best hit is a right section). The shipped
default is the lowest threshold whose development precision is at least ``--target``; the
reported questions (the CSV ones) are printed beside it for the record and never used to pick.
The same questions asked of the demo's Kestrel manuals (which cannot answer them) give the share
that would wrongly be answered there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from confidence import (
    DEFAULT_DATASETS,
    Ask,
    figures,
    kestrel_corpus,
    searcher,
    silent,
    tv_corpus,
    tv_questions,
)

CANDIDATES = [round(0.5 + 0.025 * i, 3) for i in range(20)]


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
        elsewhere = on_kestrel([Ask(a.id, a.text, frozenset()) for a in reported + development])
    print(f"development questions: {len(development)}, reported: {len(reported)}")
    print(
        "| threshold | dev coverage | dev precision | reported coverage | reported precision "
        "| answered on Kestrel |"
    )
    chosen = None
    for floor in CANDIDATES:
        dc, dp, _ = figures(dev, floor)
        rc, rp, _ = figures(rep, floor)
        wrong = 1 - silent(elsewhere, floor)
        print(f"| {floor} | {dc:.3f} | {dp:.3f} | {rc:.3f} | {rp:.3f} | {wrong:.3f} |")
        if chosen is None and dp >= args.target:
            chosen = floor
    print(f"chosen (lowest with development precision >= {args.target}): {chosen}")


if __name__ == "__main__":
    main()
