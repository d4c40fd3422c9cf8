"""The desk's classifier factory: ``TextClassifier`` (assist/triage.py) over the configured
embedder, and label-description similarity for a desk with no history."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from tierdesk.assist.embeddings import Embedder
from tierdesk.assist.triage import TextClassifier
from tierdesk.domain.triage import LabelGuess


class TrainedClassifier:
    def __init__(self, inner: TextClassifier) -> None:
        self._inner = inner
        self.threshold = inner.threshold
        self.metrics = inner.metrics

    def predict(self, texts: Sequence[str]) -> list[LabelGuess]:
        return [
            LabelGuess(p.label, p.confidence, p.best, p.alternatives)
            for p in self._inner.predict(texts)
        ]

    def to_bytes(self) -> bytes:
        return self._inner.to_bytes()


class EmbeddingClassifiers:
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        # Loaded models by key: every new ticket is predicted with the same few.
        self._loaded: dict[str, TrainedClassifier] = {}
        self._lock = threading.Lock()

    def train(self, texts: Sequence[str], labels: Sequence[str]) -> TrainedClassifier:
        return TrainedClassifier(TextClassifier.train(texts, labels, self._embedder))

    def load(self, key: str, data: Callable[[], bytes]) -> TrainedClassifier:
        """The classifier stored under ``key`` (read with ``data`` only the first time)."""
        with self._lock:
            found = self._loaded.get(key)
            if found is None:
                if len(self._loaded) > 32:  # older models are not asked again
                    self._loaded.clear()
                found = TrainedClassifier(TextClassifier.from_bytes(data(), self._embedder))
                self._loaded[key] = found
            return found

    def similarities(self, text: str, descriptions: dict[str, str]) -> dict[str, float]:
        if not descriptions:
            return {}
        labels = list(descriptions)
        vectors = self._embedder.embed([text, *(descriptions[label] for label in labels)])
        scores = vectors[1:] @ vectors[0]
        return {
            label: float(score) for label, score in zip(labels, np.asarray(scores), strict=True)
        }
