"""The desk's classifier factory: ``TextClassifier`` (assist/triage.py) over the configured
embedder, and label-description similarity for a desk with no history."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from tierdesk.assist.embeddings import Embedder
from tierdesk.domain.triage import LabelGuess

if TYPE_CHECKING:  # scikit-learn and scipy take seconds to import; cold start needs neither
    from tierdesk.assist.triage import TextClassifier

# Texts whose vectors ``similarities`` keeps: a desk's descriptions number in the tens, so this
# holds them all plus the tickets of a burst of intake.
MAX_REMEMBERED_VECTORS = 2048


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
        # Vectors of recently compared texts (label descriptions, the ticket being triaged).
        self._remembered: dict[str, NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def train(self, texts: Sequence[str], labels: Sequence[str]) -> TrainedClassifier:
        from tierdesk.assist.triage import TextClassifier

        return TrainedClassifier(TextClassifier.train(texts, labels, self._embedder))

    def load(self, key: str, data: Callable[[], bytes]) -> TrainedClassifier:
        """The classifier stored under ``key`` (read with ``data`` only the first time)."""
        with self._lock:
            found = self._loaded.get(key)
            if found is None:
                from tierdesk.assist.triage import TextClassifier

                if len(self._loaded) > 32:  # older models are not asked again
                    self._loaded.clear()
                found = TrainedClassifier(TextClassifier.from_bytes(data(), self._embedder))
                self._loaded[key] = found
            return found

    def similarities(self, text: str, descriptions: dict[str, str]) -> dict[str, float]:
        """Cosine of ``text`` to each label's description. The descriptions (products,
        components, queues) are the same for every new ticket and one ticket is compared with
        several sets, so vectors are remembered by text: cold start embeds only what is new."""
        if not descriptions:
            return {}
        labels = list(descriptions)
        vectors = self._vectors([text, *(descriptions[label] for label in labels)])
        scores = vectors[1:] @ vectors[0]
        return {
            label: float(score) for label, score in zip(labels, np.asarray(scores), strict=True)
        }

    def _vectors(self, texts: list[str]) -> NDArray[np.float32]:
        with self._lock:
            known = {t: self._remembered[t] for t in texts if t in self._remembered}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = dict(zip(missing, self._embedder.embed(missing), strict=True))
            known |= fresh
            with self._lock:
                if len(self._remembered) + len(fresh) > MAX_REMEMBERED_VECTORS:
                    self._remembered.clear()  # the descriptions changed a lot: start afresh
                self._remembered.update(fresh)
        return np.vstack([known[t] for t in texts])
