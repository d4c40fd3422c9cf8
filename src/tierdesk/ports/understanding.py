"""What the understanding services need: storage of facts, triage predictions and models,
clarifying questions and outage proposals; and the engines (language identification, the
trainable classifier, text similarity, an optional language model) wired in ``bootstrap``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tierdesk.domain.clarify import ClarifyingQuestion, ClarifyMode
from tierdesk.domain.facts import Fact
from tierdesk.domain.outages import OutageProposal, ProposalStatus, RecentTicket
from tierdesk.domain.triage import LabelGuess, TriageField, TriagePrediction


class UnderstandingRepository(Protocol):
    def add_facts(self, facts: Sequence[Fact]) -> None: ...
    def facts(self, ticket_id: int, *, include_internal: bool) -> list[Fact]: ...
    def enriched_message_ids(self, ticket_id: int) -> set[int]: ...
    def mark_enriched(self, ticket_id: int, message_id: int) -> None: ...

    def add_prediction(self, prediction: TriagePrediction) -> TriagePrediction: ...
    def predictions(self, ticket_id: int) -> list[TriagePrediction]: ...
    def all_predictions(self, since: datetime | None) -> list[TriagePrediction]: ...
    def save_decision(self, prediction: TriagePrediction) -> None: ...
    def corrections_since(self, since: datetime | None) -> int: ...

    def add_model(
        self,
        trained_at: datetime,
        examples: int,
        metrics: dict[str, dict[str, float]],
        fields: dict[str, bytes],
    ) -> int: ...
    def latest_model_trained_at(self) -> datetime | None: ...
    def training_rows(self) -> list[dict[str, Any]]:
        """Per solved or decided ticket: ``text`` (``domain.triage.triage_text``), the
        ``queue`` intake routed it to (the first above L0), and the final ``product`` (key),
        ``component`` (name), ``type``, ``priority`` and ``level`` ("L1"); "" where unset."""
        ...

    def examples_since(self, since: datetime | None) -> int:
        """Tickets solved and suggestions decided after ``since`` (None: ever)."""
        ...

    def open_tickets(self, limit: int) -> list[tuple[int, str, set[str]]]:
        """The newest ``limit`` open tickets: id, triage text, fields already decided."""
        ...

    def latest_model_id(self) -> int | None: ...
    def model_fields(self, model_id: int) -> list[str]: ...
    def model_data(self, model_id: int, field: str) -> bytes: ...

    def add_question(self, question: ClarifyingQuestion) -> ClarifyingQuestion: ...
    def questions(self, ticket_id: int) -> list[ClarifyingQuestion]: ...
    def question(self, question_id: int) -> ClarifyingQuestion | None: ...
    def save_question(self, question: ClarifyingQuestion) -> None: ...

    def recent_tickets(self, since: datetime) -> list[RecentTicket]: ...
    def add_proposal(self, proposal: OutageProposal) -> OutageProposal: ...
    def proposals(self, status: ProposalStatus | None) -> list[OutageProposal]: ...
    def proposal(self, proposal_id: int) -> OutageProposal | None: ...
    def open_proposal_with(self, ticket_ids: Sequence[int]) -> OutageProposal | None: ...
    def save_proposal(self, proposal: OutageProposal) -> None: ...


class LanguageDetector(Protocol):
    def detect(self, text: str) -> tuple[str, float] | None:
        """ISO 639-1 code and confidence, or None when the text is too short to tell."""
        ...


class Classifier(Protocol):
    threshold: float
    metrics: dict[str, float]

    def predict(self, texts: Sequence[str]) -> list[LabelGuess]: ...
    def to_bytes(self) -> bytes: ...


class ClassifierFactory(Protocol):
    def train(self, texts: Sequence[str], labels: Sequence[str]) -> Classifier: ...
    def train_fields(
        self, texts: Sequence[str], labels: Mapping[str, Sequence[str]]
    ) -> Mapping[str, Classifier]:
        """One classifier per field, each on the texts with a label for it ("": none)."""
        ...

    def load(self, key: str, data: Callable[[], bytes]) -> Classifier:
        """The classifier stored under ``key``; ``data`` reads its bytes when not cached."""
        ...

    def similarities(self, text: str, descriptions: dict[str, str]) -> dict[str, float]:
        """Cosine similarity of ``text`` to each label's description (cold start)."""
        ...


class LanguageModel(Protocol):
    """An OpenAI-compatible chat endpoint (optional)."""

    def complete(self, system: str, user: str) -> str: ...


@dataclass(frozen=True)
class UnderstandingConfig:
    clarify: ClarifyMode = ClarifyMode.PROPOSE
    apply_triage: bool = False  # True: a confident suggestion sets the ticket's fields at intake
    cold_start_similarity: float = 0.35
    retrain_after_corrections: int = 20  # 0: only `tierdesk triage train`
    retrain_after_tickets: int = 50  # new solved tickets or decisions since the last model
    outage_window_minutes: int = 60
    outage_min_tickets: int = 3
    outage_min_organisations: int = 2
    outage_similarity: float = 0.35


@dataclass(frozen=True)
class Understanding:
    """The engines behind understanding tickets, wired in ``bootstrap``."""

    languages: LanguageDetector
    classifiers: ClassifierFactory
    config: UnderstandingConfig
    llm: LanguageModel | None = None  # None: no abstractive summaries, drafts or translation


FIELDS = tuple(TriageField)
