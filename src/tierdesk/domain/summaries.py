"""Extractive summaries: the sentences of a thread or document that say the most, in their
original order. Pure and language-neutral (it scores words, it does not parse grammar), so a
German thread gets a German summary."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from tierdesk.domain.message_prose import MAX_STATEMENT_CHARS, Prose, clip, gist, substance

_SENTENCE = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?[A-ZÀ-Ý0-9¿¡])|\n{2,}|\n(?=\s*(?:[-*•]|\d+[.)])\s)"
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MIN_WORDS = 4


def sentences(text: str) -> list[str]:
    parts = (" ".join(part.split()) for part in _SENTENCE.split(text))
    return [part for part in parts if part]


def summarise(text: str, max_sentences: int = 5, max_chars: int = 1200) -> list[str]:
    """The ``max_sentences`` most central sentences, in document order.

    A sentence scores by the summed tf-isf weight of its words (words that recur across the
    text but not in every sentence), divided by a gentle length penalty; the first sentence
    gets a small bonus because openings state the problem.
    """
    return summarise_sentences(sentences(text), max_sentences, max_chars)


def summarise_sentences(
    split: Sequence[str], max_sentences: int = 5, max_chars: int = 1200
) -> list[str]:
    """``summarise`` over sentences already split (a message read by ``message_prose``)."""
    candidates = [s for s in split if len(_WORD.findall(s)) >= _MIN_WORDS]
    if len(candidates) <= max_sentences:
        return _clip(candidates, max_chars)
    tokenised = [[w.lower() for w in _WORD.findall(s)] for s in candidates]
    frequency = Counter(word for words in tokenised for word in words)
    spread = Counter(word for words in tokenised for word in set(words))
    count = len(candidates)
    scores = []
    for position, words in enumerate(tokenised):
        weight = sum(math.log1p(frequency[w]) * math.log(1 + count / spread[w]) for w in set(words))
        score = weight / math.sqrt(len(words))
        if position == 0:
            score *= 1.2
        scores.append(score)
    chosen = sorted(sorted(range(count), key=lambda i: -scores[i])[:max_sentences])
    return _clip([candidates[i] for i in chosen], max_chars)


def _clip(chosen: Sequence[str], max_chars: int) -> list[str]:
    kept: list[str] = []
    used = 0
    for sentence in chosen:
        if used + len(sentence) > max_chars and kept:
            break
        kept.append(sentence[:max_chars])
        used += len(sentence)
    return kept


def summarise_customer(
    subject: str, messages: Sequence[Prose], max_sentences: int = 5, max_chars: int = 1200
) -> list[str]:
    """What the customer said over a thread (each message read as its own words, pasted logs
    left out), ending with where things stand: the most central sentences of the earlier
    messages, then the substance of the latest one, which a summary always carries."""
    if not messages:
        return summarise_sentences([f"{subject}."], max_sentences, max_chars)
    *earlier, latest = messages
    if not earlier:
        return summarise_sentences(
            [f"{subject}.", *substance(latest.sentences)], max_sentences, max_chars
        )
    now = latest_sentences(latest) or [gist(latest)]  # a log alone: "(pasted a log …)"
    before = [f"{subject}.", *(s for p in earlier for s in substance(p.sentences))]
    budget = max_chars - sum(len(s) for s in now)
    return [*summarise_sentences(before, max(1, max_sentences - len(now)), max(budget, 200)), *now]


def latest_sentences(prose: Prose, count: int = 2) -> list[str]:
    """The first sentences of a message that say something (see ``message_prose.statement``),
    or its first sentence when none does."""
    said = substance(prose.sentences)[:count] or list(prose.sentences[:1])
    return [clip(s, MAX_STATEMENT_CHARS) for s in said]
