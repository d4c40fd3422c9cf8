"""The vectors of the queries a process was asked last.

One ticket is asked of several kinds in a row (the answerer's known issues, articles, manuals and
solutions, then the knowledge-gap check; the assist panel's similar tickets and manuals), each
with the same text, and embedding a whole ticket is ~5 ms, a tenth of a search. The embedder
gives the same text the same vectors, so they are kept for the last ``REMEMBERED`` queries
(at most 8 passages of 512 floats each: ~4 MB)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

REMEMBERED = 256


class QueryVectors:
    """Least recently asked first out; shared by a process's threads."""

    def __init__(self, embed: Callable[[str], list[bytes]], size: int = REMEMBERED) -> None:
        self._embed = embed
        self._size = size
        self._known: OrderedDict[str, list[bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, query: str) -> list[bytes]:
        with self._lock:
            known = self._known.get(query)
            if known is not None:
                self._known.move_to_end(query)
                return known
        vectors = self._embed(query)  # outside the lock: other threads' queries go on
        with self._lock:
            self._known[query] = vectors
            while len(self._known) > self._size:
                self._known.popitem(last=False)
        return vectors
