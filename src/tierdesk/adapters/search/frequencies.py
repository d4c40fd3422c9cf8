"""A per-process memory of how many documents hold the *common* words.

Counting a word's documents costs time in proportion to how many hold it: FTS5's vocabulary
table (and PostgreSQL's GIN index) walk the whole posting list. At 100k tickets one word that
every ticket holds costs ~10 ms, more than the rest of the look-up together, while a rare
word costs well under one. So words held by at least ``COMMON`` documents are remembered for
``MAX_AGE`` seconds and everything else is counted afresh each search. A common word's count
moves slowly in relative terms (its idf hardly at all), whereas a rare word's count can jump
(an outage brings many tickets with a new error code at once) and is cheap to count anyway.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import Engine

COMMON = 1_000  # documents holding a word before its count is remembered
MAX_AGE = 60.0  # seconds a remembered count is used


class CommonWordCounts:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def remembered(self, terms: Sequence[str]) -> dict[str, int]:
        oldest = self._clock() - MAX_AGE
        with self._lock:
            found = {t: self._counts.get(t) for t in terms}
        return {t: c[0] for t, c in found.items() if c is not None and c[1] >= oldest}

    def remember(self, counts: Mapping[str, int]) -> None:
        now = self._clock()
        with self._lock:
            self._counts.update((t, (n, now)) for t, n in counts.items() if n >= COMMON)


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, CommonWordCounts] = weakref.WeakKeyDictionary()
_BY_ENGINE_LOCK = threading.Lock()


def common_word_counts(engine: Engine) -> CommonWordCounts:
    with _BY_ENGINE_LOCK:
        found = _BY_ENGINE.get(engine)
        if found is None:
            found = _BY_ENGINE[engine] = CommonWordCounts()
        return found
