"""Authored KB articles: what support learnt from solved tickets, written down once for every
agent and, when marked public, for customers.

An article is a working copy (``Article``) that agents of any level edit; a lead publishes it,
which freezes the working copy as the next ``ArticleVersion``. What is searchable and what the
portal shows is always the latest version, never the working copy: an edit reaches readers only
when a lead publishes it again. Versions are never changed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.messages import require_text
from tierdesk.errors import InvalidInputError, InvalidTransitionError

MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_STEPS = 50
MAX_FACTS = 30


class ArticleState(StrEnum):
    DRAFT = "draft"  # never published: agents write it, nobody else reads it
    PUBLISHED = "published"  # its latest version is searchable (and, when public, the portal's)
    ARCHIVED = "archived"  # withdrawn: out of every search, kept with its versions and links


class Audience(StrEnum):
    """Who said whether an article helped: counted apart, as they read different things."""

    AGENT = "agent"
    CUSTOMER = "customer"


def _text(value: str, name: str, max_length: int = MAX_TEXT) -> str:
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInputError(f"{name} is longer than {max_length} characters", field=name)
    return value


def _items(values: list[str], name: str, limit: int) -> list[str]:
    cleaned = [" ".join(v.split()) for v in values if v.strip()]
    if len(cleaned) > limit:
        raise InvalidInputError(f"at most {limit} {name}", field=name)
    too_long = [v for v in cleaned if len(v) > 2_000]
    if too_long:
        raise InvalidInputError(f"each of the {name} is at most 2000 characters", field=name)
    return cleaned


@dataclass
class ArticleContent:
    """What an article says; the working copy, a version and a draft all hold this."""

    title: str
    problem: str = ""
    symptoms: str = ""
    environment: str = ""
    steps: list[str] = field(default_factory=list)
    answer: str = ""  # the customer-facing text
    facts: list[str] = field(default_factory=list)  # "error code: ERR_TLS_HANDSHAKE"

    def __post_init__(self) -> None:
        self.title = require_text(self.title, "title", max_length=MAX_TITLE)
        self.problem = _text(self.problem, "problem")
        self.symptoms = _text(self.symptoms, "symptoms")
        self.environment = _text(self.environment, "environment")
        self.answer = _text(self.answer, "answer")
        self.steps = _items(self.steps, "steps", MAX_STEPS)
        self.facts = _items(self.facts, "facts", MAX_FACTS)

    def require_publishable(self) -> None:
        """A reader needs at least the problem and what to do about it."""
        if not self.problem:
            raise InvalidInputError("say what the problem is before publishing", field="problem")
        if not self.answer and not self.steps:
            raise InvalidInputError(
                "write the answer (or the steps) before publishing", field="answer"
            )


CONTENT_FIELDS = ("title", "problem", "symptoms", "environment", "steps", "answer", "facts")


@dataclass(eq=False)
class Article:
    title: str
    problem: str
    symptoms: str
    environment: str
    steps: list[str]
    answer: str
    facts: list[str]
    created_at: datetime
    updated_at: datetime
    created_by: str
    product_id: int | None = None
    public: bool = False  # customers may read it (once published)
    state: ArticleState = ArticleState.DRAFT
    source_ticket_ids: list[int] = field(default_factory=list)
    version: int = 0  # the latest published version's number; 0 before the first publish
    id: int | None = None

    @property
    def reference(self) -> str:
        return f"KB-{self.id}"

    def content(self) -> ArticleContent:
        return ArticleContent(**{name: getattr(self, name) for name in CONTENT_FIELDS})

    def write(self, content: ArticleContent, at: datetime) -> dict[str, object]:
        """Replace the working copy; returns what changed (for the audit trail)."""
        if self.state is ArticleState.ARCHIVED:
            raise InvalidTransitionError(f"{self.reference} is archived", article=self.id)
        changed: dict[str, object] = {}
        for name in CONTENT_FIELDS:
            new = getattr(content, name)
            if getattr(self, name) != new:
                setattr(self, name, new)
                changed[name] = "changed" if name != "title" else new
        if changed:
            self.updated_at = at
        return changed

    def publish(self, by: str, at: datetime) -> ArticleVersion:
        """Freeze the working copy as the next version (archived articles come back)."""
        self.content().require_publishable()
        assert self.id is not None
        self.version += 1
        self.state = ArticleState.PUBLISHED
        self.updated_at = at
        return ArticleVersion(
            article_id=self.id,
            number=self.version,
            title=self.title,
            problem=self.problem,
            symptoms=self.symptoms,
            environment=self.environment,
            steps=list(self.steps),
            answer=self.answer,
            facts=list(self.facts),
            public=self.public,
            product_id=self.product_id,
            published_at=at,
            published_by=by,
        )

    def archive(self, at: datetime) -> None:
        if self.state is ArticleState.ARCHIVED:
            raise InvalidTransitionError(f"{self.reference} is archived already", article=self.id)
        self.state = ArticleState.ARCHIVED
        self.updated_at = at


@dataclass(eq=False)
class ArticleVersion:
    """One published text of an article, as readers saw it; never changed."""

    article_id: int
    number: int
    title: str
    problem: str
    symptoms: str
    environment: str
    steps: list[str]
    answer: str
    facts: list[str]
    public: bool
    published_at: datetime
    published_by: str
    product_id: int | None = None
    id: int | None = None

    def same_text(self, article: Article) -> bool:
        return all(getattr(self, n) == getattr(article, n) for n in CONTENT_FIELDS) and (
            self.public == article.public
        )


@dataclass(frozen=True)
class ArticleFeedback:
    """One reader's "did this help?"; a reader's later answer replaces their earlier one."""

    article_id: int
    voter: str  # "agent:3", "contact:12"
    audience: Audience
    helpful: bool
    created_at: datetime


@dataclass(frozen=True)
class FeedbackCounts:
    agents_helped: int = 0
    agents_not: int = 0
    customers_helped: int = 0
    customers_not: int = 0
