"""The engines behind understanding tickets (language identification, the trainable classifier,
text similarity, an optional language model), wired in ``bootstrap``. Their storage is per noun:
``ports/facts.py``, ``triage.py``, ``clarify.py``, ``outages.py``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tierdesk.domain.clarify import ClarifyMode
from tierdesk.domain.triage import LabelGuess, TriageField


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
