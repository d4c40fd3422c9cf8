"""How text is cut up for retrieval: identifier-aware terms for keyword scoring, and the prose
windows a sentence encoder is given.

Support text is full of names that a plain word tokenizer breaks badly: ``FSNamesystem``,
``getBlockLocations``, ``dfs.namenode.name.dir``, ``aws-java-sdk-bundle``, ``1.12.262``,
``CVE-2021-22569``. ``terms`` keeps such a name whole (it is the most specific evidence a
duplicate report shares) *and* adds its parts, camelCase split, so that "block locations" in
prose still meets ``getBlockLocations`` in a stack trace. Sentence encoders, in turn, are trained
on sentences: lines that are mostly code, paths or numbers only blur a passage's vector, so
``prose`` drops them before embedding (keyword search still reads them).
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter

# A word, or several joined by . _ - (dotted names, versions, artifact and CVE ids).
_COMPOUND = re.compile(r"[^\W_]+(?:[._-][^\W_]+)*", re.UNICODE)
_JOINER = re.compile(r"[._-]")
# camelCase and PascalCase humps and acronyms ("HTTPServer2" → HTTP, Server2); digits stay
# with the hump before them, so "ipv6" or "p10" are not split.
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+", re.UNICODE)
_LETTER_WORD = re.compile(r"^[^\W\d_]{2,}[.,;:!?)'\"]*$", re.UNICODE)

MAX_COMPOUND_PARTS = 8  # a longer chain (a package path, a URL) is kept as parts only
# A search cuts the same passages into terms again and again (the manual sections a desk's
# questions keep finding: ~140 texts a KB search, a third of its time). Texts up to this long
# are remembered, their terms interned (one string per distinct term, shared by every entry):
# at most ~4,096 × (8 kB of text + 8 bytes a term) in all.
CACHED_TEXT_CHARS = 8_000
CACHED_TEXTS = 4_096


def terms(text: str) -> list[str]:
    """Lower-cased terms in text order: each word, each compound whole, and the camelCase
    parts of a word that has humps. Single characters are dropped (they carry no evidence),
    except as parts of a compound such as ``9.4``."""
    if len(text) <= CACHED_TEXT_CHARS:
        return list(_remembered_terms(text))
    return _terms(text)


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _remembered_terms(text: str) -> tuple[str, ...]:
    return tuple(sys.intern(term) for term in _terms(text))


def _terms(text: str) -> list[str]:
    found: list[str] = []
    for token in _COMPOUND.findall(text):
        if token.isalnum() and token[1:].islower():  # the common case: a plain word, no humps
            if len(token) > 1:
                found.append(token.lower())
            continue
        parts = _JOINER.split(token)
        if 1 < len(parts) <= MAX_COMPOUND_PARTS:
            found.append(token.lower())
        for part in parts:
            lowered = part.lower()
            if len(lowered) > 1:
                found.append(lowered)
            humps = _HUMP.findall(part)
            if len(humps) > 1:
                found += [h.lower() for h in humps if len(h) > 1]
    return found


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))


def is_compound(term: str) -> bool:
    return _JOINER.search(term) is not None


def compound_parts(term: str) -> list[str]:
    return [p for p in _JOINER.split(term) if p]


def prose(text: str, min_word_share: float = 0.6) -> str:
    """The lines of ``text`` that read as language: at least ``min_word_share`` of their tokens
    are plain words. Stack traces, configuration dumps and log lines go; if nothing is left
    (a text that is all code), the text is kept as it is, since a vector of something beats
    none."""
    kept = []
    for line in text.splitlines():
        tokens = line.split()
        if not tokens:
            continue
        plain = sum(1 for t in tokens if _LETTER_WORD.match(t))
        if plain / len(tokens) >= min_word_share:
            kept.append(line.strip())
    return "\n".join(kept) if kept else text
