"""Counts of common words are remembered for a while; rare words are always counted afresh."""

from __future__ import annotations

from tierdesk.adapters.search.frequencies import COMMON, MAX_AGE, CommonWordCounts


def test_only_common_words_are_remembered_and_only_for_a_while() -> None:
    now = [100.0]
    counts = CommonWordCounts(clock=lambda: now[0])

    counts.remember({"call": COMMON + 5, "e4711": 3})

    assert counts.remembered(["call", "e4711", "codec"]) == {"call": COMMON + 5}
    now[0] += MAX_AGE - 1
    assert counts.remembered(["call"]) == {"call": COMMON + 5}
    now[0] += 2
    assert counts.remembered(["call"]) == {}
    counts.remember({"call": COMMON + 9})
    assert counts.remembered(["call"]) == {"call": COMMON + 9}
