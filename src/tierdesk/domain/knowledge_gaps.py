"""Knowing what is missing: questions the desk's knowledge did not answer, and their topics.

A *miss* is a customer's portal search, or a new ticket, for which the search (with its
relevance floor) returned no passage, known issue or solved ticket. A *suggestion read* is a
portal suggestion shown to a customer, later tied to the ticket they opened anyway. Topics
group misses and bounced escalations by their words, so a lead sees what to write an article
about.

Clustering is TF-IDF over the batch (stems of words, ``1 + log tf``, smoothed idf, unit
length) and one threshold pass: each text, oldest first, joins the topic whose centroid is
closest when the cosine reaches ``ALIKE_IN_WORDS``, else starts a topic; then every text is
placed once more against the final centroids. The threshold is not tuned here: it is the
desk's one definition of two tickets "alike in words" (0.35, ``domain/outages.py``, which
groups a burst of tickets about one failure), so a topic means the same as elsewhere.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ALIKE_IN_WORDS = 0.35  # as domain/outages.py's detect: the desk's "alike in words"
MAX_TEXT = 2000  # characters of a miss kept
LABEL_CHARACTERS = 80

_TOKEN = re.compile(r"[^\W_]{2,}", re.UNICODE)
# Words that say nothing about a topic (English, and the commonest of de/it/fr/es).
_STOP_WORDS = """
the and for with our not are you your can cannot does doesn don has have how what when why who
where which this that these those there from into after before about again any all but was
were been being will would should could its it is in on at to of or an as by be do we my me us
no yes so if then than too very just also get got still keeps please help hello hi thanks
thank since now one every some der die das und ist nicht ein eine mit von il la le di che non
les des est pas el los las que por
"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class GapPolicy:
    """How long misses are kept, how a customer's actions are tied together, how much a view
    reads (settings ``knowledge.*``)."""

    retention_days: int = 180
    follow_minutes: int = 60  # a suggestion read, or a draft's miss, leads to a ticket within
    max_misses: int = 2000  # the newest misses a view groups


class MissSource(StrEnum):
    PORTAL_SEARCH = "portal-search"
    NEW_TICKET = "new-ticket"
    BOUNCE = "bounce"  # not stored as a miss: a bounced escalation, read from its packet


@dataclass(frozen=True)
class KnowledgeMiss:
    """A question nothing in the desk's knowledge answered above the relevance floor."""

    source: MissSource
    text: str
    organisation_id: int | None
    created_at: datetime
    last_seen_at: datetime
    contact_id: int | None = None
    ticket_id: int | None = None
    product: str | None = None
    language: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class SuggestionRead:
    """A portal suggestion a customer was shown; ``ticket_id`` when they opened one after."""

    contact_id: int
    organisation_id: int
    source: str  # as a deflection names it: "kb:<article>#<anchor>", "known-issue:<id>", …
    title: str
    shown_at: datetime
    ticket_id: int | None = None
    id: int | None = None


def miss_text(subject: str, problem: str, limit: int = 300) -> str:
    """A new ticket as a miss: its subject and the start of its problem."""
    short = " ".join(problem.split())
    if len(short) > limit:
        short = short[:limit].rsplit(" ", 1)[0] + " …"
    return f"{' '.join(subject.split())}\n{short}".strip()[:MAX_TEXT]


def one_per_draft(misses: Sequence[KnowledgeMiss], window: timedelta) -> list[KnowledgeMiss]:
    """A customer's portal misses less than ``window`` apart are one draft (its newest words):
    the portal searches at each pause in typing, and two of those may be stored at once."""
    kept: list[KnowledgeMiss] = []
    # (contact, ticket) -> when the draft kept for it (or an older part of it) was started
    started: dict[tuple[int, int | None], datetime] = {}
    for miss in sorted(misses, key=lambda m: (m.last_seen_at, m.id or 0), reverse=True):
        if miss.source is not MissSource.PORTAL_SEARCH or miss.contact_id is None:
            kept.append(miss)
            continue
        key = (miss.contact_id, miss.ticket_id)
        later = started.get(key)
        if later is None or later - miss.last_seen_at >= window:
            kept.append(miss)
        started[key] = miss.created_at
    return kept


# -- topics ------------------------------------------------------------------------------


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # dropp(ing) -> drop
    return word


def stems(text: str) -> list[tuple[str, str]]:
    """(stem, word as written) for the text's words that carry meaning."""
    found = []
    for token in _TOKEN.findall(text.lower()):
        if token in _STOP or token.isdigit():
            continue
        found.append((_stem(token), token))
    return found


Vector = dict[str, float]


def _unit(weights: dict[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def tfidf(texts: Sequence[str]) -> list[Vector]:
    counts = [Counter(s for s, _ in stems(t)) for t in texts]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
    return [_unit({t: (1 + math.log(c)) * idf[t] for t, c in cnt.items()}) for cnt in counts]


def _centroid(members: Sequence[Vector]) -> Vector:
    total: dict[str, float] = defaultdict(float)
    for vector in members:
        for t, w in vector.items():
            total[t] += w
    return _unit(total)


def _key_terms(vector: Vector, threshold: float) -> list[str]:
    """The text's heaviest terms, enough of them that the rest weigh less than ``threshold``:
    a centroid (unit length) sharing none of them has a cosine below it with the text, so
    only centroids holding one of these need to be compared. Exact, and it spares comparing
    every text with every group that shares a common word."""
    ranked = sorted(vector.items(), key=lambda tw: (-tw[1], tw[0]))
    rest = sum(w * w for _, w in ranked)
    keys = []
    for term, weight in ranked:
        if math.sqrt(max(rest, 0.0)) < threshold:
            break
        keys.append(term)
        rest -= weight * weight
    return keys


def cluster(vectors: Sequence[Vector], threshold: float = ALIKE_IN_WORDS) -> list[list[int]]:
    """Groups of indexes into ``vectors`` (given oldest first): a text joins the closest
    centroid at ``threshold`` or more, else starts a group; then each is placed once more
    against the final centroids. Deterministic: ties go to the older group. A text with no
    words that carry meaning is a group of its own."""
    groups: list[list[int]] = []
    sums: list[dict[str, float]] = []  # a group's summed vectors; its centroid is their unit
    centroids: list[Vector] = []
    home: list[int] = []  # the group each text joined in the first pass
    by_term: dict[str, set[int]] = defaultdict(set)  # term -> groups whose centroid holds it

    def best(vector: Vector) -> tuple[int, float]:
        candidates = sorted({g for t in _key_terms(vector, threshold) for g in by_term[t]})
        scored = [(g, _cosine(vector, centroids[g])) for g in candidates]
        return max(scored, key=lambda s: (s[1], -s[0]), default=(-1, 0.0))

    for i, vector in enumerate(vectors):
        g, score = best(vector)
        if g < 0 or score < threshold:
            groups.append([i])
            sums.append(dict(vector))
            centroids.append(vector)
            g = len(groups) - 1
        else:
            groups[g].append(i)
            total = sums[g]
            for t, w in vector.items():
                total[t] = total.get(t, 0.0) + w
            centroids[g] = _unit(total)
        home.append(g)
        for t in vector:
            by_term[t].add(g)
    # One more placement against the final centroids: an early text is not stuck with the
    # group it happened to meet first.
    placed: list[list[int]] = [[] for _ in groups]
    for i, vector in enumerate(vectors):
        g, score = best(vector)
        placed[g if g >= 0 and score >= threshold else home[i]].append(i)
    return [members for members in placed if members]


@dataclass(frozen=True)
class TopicItem:
    """One text to group: a miss or a bounced escalation."""

    source: MissSource
    text: str
    at: datetime
    ticket_id: int | None = None
    guidance: str | None = None  # a bounce's: what the receiving level said


@dataclass(frozen=True)
class Topic:
    label: str  # the most central text's first line
    terms: list[str]  # its most distinctive words, as written
    count: int
    sources: dict[str, int]  # per MissSource
    first_seen: datetime
    last_seen: datetime
    ticket_ids: list[int]  # up to five, newest first
    queries: list[str]  # up to five example texts, newest first
    guidance: list[str]  # what bounces said, newest first


def topics(items: Sequence[TopicItem], threshold: float = ALIKE_IN_WORDS) -> list[Topic]:
    """The items grouped into topics, the largest (then the most recent) first."""
    # oldest first; equal times in a fixed order, so the input's order never matters
    ordered = sorted(items, key=lambda it: (it.at, it.text, it.ticket_id or 0, str(it.source)))
    vectors = tfidf([it.text for it in ordered])
    found = []
    for members in cluster(vectors, threshold):
        group = [ordered[m] for m in members]
        centre = _centroid([vectors[m] for m in members])
        central = max(members, key=lambda m: (_cosine(vectors[m], centre), ordered[m].at))
        found.append(_topic(group, ordered[central].text, centre))
    return sorted(found, key=lambda t: (-t.count, -t.last_seen.timestamp(), t.label))


def _topic(group: list[TopicItem], central: str, centre: Vector) -> Topic:
    newest = sorted(group, key=lambda it: it.at, reverse=True)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for item in group:
        for stem, word in stems(item.text):
            written[stem][word] += 1
    top = sorted(centre.items(), key=lambda tw: (-tw[1], tw[0]))[:3]
    tickets: list[int] = []
    for item in newest:
        if item.ticket_id is not None and item.ticket_id not in tickets:
            tickets.append(item.ticket_id)
    queries: list[str] = []
    for item in newest:
        if item.source is not MissSource.BOUNCE and item.text not in queries:
            queries.append(item.text)
    first_line = central.strip().split("\n", 1)[0]
    return Topic(
        label=first_line[:LABEL_CHARACTERS],
        terms=[written[t].most_common(1)[0][0] for t, _ in top if written[t]],
        count=len(group),
        sources=dict(Counter(str(it.source) for it in group)),
        first_seen=newest[-1].at,
        last_seen=newest[0].at,
        ticket_ids=tickets[:5],
        queries=queries[:5],
        guidance=[it.guidance for it in newest if it.guidance][:5],
    )
