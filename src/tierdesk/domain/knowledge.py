"""The pure parts of retrieval: what the index holds, how text becomes sections and passages, and
the FTS expression a search sends (scoring and fusion are in ``assist.ranking``).

Nothing here touches storage or a model (STYLE section 8.10): the index adapters store and
query, ``assist.search`` embeds and asks, and these functions decide.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class DocumentKind(StrEnum):
    TICKET = "ticket"  # a ticket's subject, public messages and answer for the customer
    TICKET_NOTES = "ticket-notes"  # internal notes and resolution: never shown to customers
    MANUAL = "manual"  # a section of an ingested manual or KB article
    KNOWN_ISSUE = "known-issue"  # a section of an ingested known-issue article
    DOCUMENT = "document"  # anything indexed from outside the desk (e.g. an evaluation corpus)
    # An authored article's published version (domain/articles.py): customers find only the
    # public ones; the others are for agents, like a ticket's notes.
    ARTICLE = "article"
    ARTICLE_INTERNAL = "article-internal"


KNOWLEDGE_KINDS = (
    DocumentKind.MANUAL,
    DocumentKind.KNOWN_ISSUE,
    DocumentKind.ARTICLE,
    DocumentKind.ARTICLE_INTERNAL,
)
AGENTS_ONLY_KINDS = (DocumentKind.TICKET_NOTES, DocumentKind.ARTICLE_INTERNAL)
TICKET_KINDS = (DocumentKind.TICKET, DocumentKind.TICKET_NOTES)


@dataclass
class SearchDocument:
    """One searchable unit. Ticket documents carry what access checks need (organisation,
    level, queue, assignee) so that a search is filtered before anything is ranked."""

    key: str  # stable: "ticket:12", "ticket:12:notes", "article:3:7"
    kind: DocumentKind
    title: str
    body: str
    ticket_id: int | None = None
    article_id: int | None = None
    organisation_id: int | None = None
    status: str | None = None
    tier: int | None = None
    queue: str | None = None
    assignee_id: int | None = None
    citation: dict[str, str | int | None] = field(default_factory=dict)
    id: int | None = None

    @property
    def internal(self) -> bool:
        return self.kind in AGENTS_ONLY_KINDS

    def fingerprint(self, model: str) -> str:
        """What decides whether the document must be embedded again."""
        digest = hashlib.sha256(f"{model}\x00{self.title}\x00{self.body}".encode()).hexdigest()
        return digest[:32]


@dataclass(frozen=True)
class SearchFilter:
    """Which documents one search may consider. Ticket access mirrors ``visibility.Scope``."""

    kinds: tuple[DocumentKind, ...]
    everything: bool = False
    organisation_id: int | None = None
    agent_id: int | None = None
    max_tier: int | None = None
    queues: tuple[str, ...] = ()
    nothing: bool = False
    exclude_ticket_id: int | None = None
    statuses: tuple[str, ...] = ()  # empty: any status
    product: str | None = None  # knowledge only: the manual's product
    # Agents only: also solved and closed tickets' public documents beyond the ticket scope
    # (a solution is desk knowledge, ``visibility.solution_of``); never their notes.
    solutions: bool = False


@dataclass(frozen=True)
class Evidence:
    """What a hit has of its own, the features ``assist.confidence`` maps to a probability of
    being right. ``question``: a short query (a question) rather than a whole ticket; ``share``:
    the share of the query's term weight the hit holds (``ranking.query_share_held``);
    ``dense``: its best passage cosine (None without meaning scores); ``gap``: how far its fused
    score is below the best hit's; ``margin``: how far above the next candidate's;
    ``title_share``: the share its title holds; ``lead``: its cosine minus the best cosine of
    any other candidate (0 without meaning scores); ``other_language``: the query and the hit
    are written in different languages (both identified with certainty), so no shared word can
    be expected and only the meaning features count; ``standing`` and ``lead_spread``: its
    cosine's standing among every candidate's (how many standard deviations above their mean)
    and its lead in the same unit, which a query's language does not shift (a translated query
    has lower cosines to every document, and closer together)."""

    question: bool
    share: float
    dense: float | None
    gap: float
    margin: float
    title_share: float = 0.0  # the share of the query's term weight its title holds
    lead: float = 0.0  # its cosine minus the best cosine of any other candidate
    other_language: bool = False  # query and hit in different languages
    standing: float = 0.0  # (its cosine - the candidates' mean cosine) / their deviation
    lead_spread: float = 0.0  # its lead / the candidates' cosine deviation


@dataclass(frozen=True)
class ScoredDocument:
    document_id: int
    score: float
    lexical: float | None  # normalised 0..1, None when the lexical search did not find it
    dense: float | None  # best passage cosine, None when the dense search did not find it
    passage: str | None = None  # the passage that matched best (dense), for citations
    # calibrated probability that this hit is right (``assist.confidence``); 1.0 when unknown
    confidence: float = 1.0
    evidence: Evidence | None = None

    @property
    def why(self) -> str:
        parts = []
        if self.lexical is not None:
            parts.append(f"shares rare words (keyword score {self.lexical:.2f})")
        if self.dense is not None:
            parts.append(f"similar meaning (cosine {self.dense:.2f})")
        return "; ".join(parts) or "matched"


# -- sections and passages ------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    """A part of a manual under one heading, with where to find it again."""

    path: tuple[str, ...]  # headings from the top: ("Networking", "Setting up VLANs")
    text: str
    page: int | None = None

    @property
    def title(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def anchor(self) -> str:
        return slugify(self.title)


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def split_markdown(text: str, document_title: str = "") -> list[Section]:
    """Sections by ATX heading (``#`` … ``######``); text before the first heading belongs to
    the document title. Headings inside fenced code blocks are text."""
    sections: list[Section] = []
    path: list[str] = [document_title] if document_title else []
    depth_of: list[int] = [0] if document_title else []
    lines: list[str] = []
    fenced = False

    def flush() -> None:
        body = "\n".join(lines).strip()
        if path:
            sections.append(Section(tuple(path), body))
        lines.clear()

    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match is None:
            lines.append(line)
            continue
        flush()
        depth = len(match.group(1))
        while depth_of and depth_of[-1] >= depth:
            depth_of.pop()
            path.pop()
        path.append(match.group(2).strip())
        depth_of.append(depth)
    flush()
    return fold_heading_stubs(sections)


# A section with fewer words of its own than this, followed by its sub-sections, is only a
# heading (perhaps with a line such as "This chapter describes:"): on its own it would be a
# search hit that shows a heading and nothing to read.
MIN_SECTION_WORDS = 12


def fold_heading_stubs(sections: Sequence[Section]) -> list[Section]:
    """Sections in document order, as a reader would cite them: a heading whose text is in
    its sub-sections ("8 Factory reset" over "8.1 …" and "8.2 …") is no section of its own;
    its few words, if any, lead its first sub-section (whose path names it anyway). A section
    without a single word (an empty heading, a rule, a lone table border) is dropped, so the
    index never holds a passage that is only a heading."""
    folded: list[Section] = []
    stub: Section | None = None  # a short section that may lead its first sub-section
    for section in sections:
        if stub is not None:
            below = len(section.path) > len(stub.path)
            if below and section.path[: len(stub.path)] == stub.path:
                section = Section(
                    section.path,
                    f"{stub.text}\n\n{section.text}".strip(),
                    stub.page if stub.page is not None else section.page,
                )
            elif words(stub.text):
                folded.append(stub)  # no sub-section follows: a short section after all
        stub = section if len(words(section.text)) < MIN_SECTION_WORDS else None
        if stub is None:
            folded.append(section)
    if stub is not None and words(stub.text):
        folded.append(stub)
    return folded


def passages(text: str, size: int = 80, overlap: int = 20) -> list[str]:
    """Overlapping windows of ``size`` words: long text needs several vectors, since one
    vector for a whole bug report or manual chapter blurs what it is about."""
    words = text.split()
    if len(words) <= size:
        return [" ".join(words)] if words else []
    step = max(1, size - overlap)
    found = []
    for start in range(0, len(words), step):
        found.append(" ".join(words[start : start + size]))
        if start + size >= len(words):
            break
    return found


def heading_only(title: str, text: str) -> bool:
    """The text says nothing its heading does not: empty, or only the heading's own words (a
    heading-only section, or the passage that is the title alone)."""
    said = words(text)
    return not said or set(said) <= set(words(title))


def readable_passage(title: str, body: str, passage: str | None, query: str, size: int = 48) -> str:
    """What a hit shows to read: the passage that matched, unless that is only the heading
    (the title alone is embedded as a passage of its own, and a question that names a
    section matches it best); then the window of the body that holds most of the query's
    words, or the body's opening. A heading is never what is shown: "" when the body says
    nothing more than its heading (the caller shows nothing for it)."""
    if passage and not heading_only(title, passage):
        return passage
    body_words = body.split()
    if heading_only(title, body):
        return ""
    asked = {w for w in words(query) if w not in STOPWORDS}
    step = max(1, size * 3 // 4)
    best_start, best_count = 0, 0
    for start in range(0, max(1, len(body_words) - size + step), step):
        window = words(" ".join(body_words[start : start + size]))
        count = len(asked.intersection(window))
        if count > best_count:
            best_start, best_count = start, count
    shown = " ".join(body_words[best_start : best_start + size])
    lead = "… " if best_start else ""
    return f"{lead}{shown}{' …' if best_start + size < len(body_words) else ''}"


# -- query shaping --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[._-][^\W_]+)*", re.UNICODE)

# Function words of the languages the demo customers write in; they only slow an OR query down.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "mit",
        "für",
        "auf",
        "ich",
        "wir",
        "sie",
        "es",
        "zu",
        "den",
        "dem",
        "von",
        "bei",
        "il",
        "lo",
        "la",
        "le",
        "gli",
        "un",
        "una",
        "di",
        "da",
        "che",
        "non",
        "per",
        "con",
        "su",
        "sono",
        "è",
        "mi",
        "ho",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "et",
        "est",
        "pas",
        "pour",
        "dans",
        "avec",
        "sur",
        "je",
        "nous",
        "vous",
        "ce",
        "qui",
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "y",
        "es",
        "no",
        "para",
        "con",
        "por",
        "en",
        "que",
        "se",
        "mi",
    ]
)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def fts_expression(terms: Sequence[str]) -> str:
    """An FTS OR-expression of quoted terms (quotes make every term a literal, so user text can
    never be read as query syntax)."""
    return " OR ".join('"' + t.replace('"', "") + '"' for t in terms if t.replace('"', ""))


@dataclass(frozen=True)
class Passage:
    """A piece of a document with its embedding (packed little-endian float32)."""

    text: str
    vector: bytes


class IndexState(StrEnum):
    """How far an article's sections are in the search index. A large manual is stored at
    once and indexed by a background job, section batch by section batch."""

    PENDING = "pending"  # waiting for the job
    INDEXING = "indexing"  # ``indexed_sections`` of ``section_count`` are searchable
    DONE = "done"
    FAILED = "failed"  # ``index_error`` says why; the job tries again while it has attempts


@dataclass
class KnowledgeArticle:
    """An ingested manual or KB article; its sections are search documents."""

    title: str
    source_name: str
    format: str  # markdown, html, pdf, text
    sha256: str
    kind: DocumentKind
    section_count: int
    created_at: datetime
    product: str | None = None
    version: str | None = None
    id: int | None = None
    index_state: IndexState = IndexState.DONE
    indexed_sections: int = 0
    index_error: str | None = None


@dataclass(frozen=True)
class ManualLimits:
    """What one manual may expand to when it is read. A 20 KB PDF can inflate to megabytes of
    text and a small Markdown file can hold 20,000 headings; past these it is refused (checked
    while reading, so a refused file costs no more than the limit)."""

    pages: int = 500
    characters: int = 1_000_000
    sections: int = 2_000


@dataclass(frozen=True)
class ParsedDocument:
    """A manual file read into sections (``assist.documents``), ready to be ingested."""

    title: str
    format: str
    sha256: str
    sections: list[Section]
