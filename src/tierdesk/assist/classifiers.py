"""The desk's classifier factory: ``TextClassifier`` (assist/triage.py) over the configured
embedder, and label-description similarity for a desk with no history."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from tierdesk.assist.embeddings import Embedder
from tierdesk.domain.triage import LabelGuess

if TYPE_CHECKING:  # scikit-learn and scipy take seconds to import; cold start needs neither
    from tierdesk.assist.triage import Alike, TextClassifier

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


class _Embedded:
    """An embedder over vectors computed once: every field of a model is trained on (a subset
    of) the same tickets, so each text is embedded once per training, not once per field."""

    def __init__(self, name: str, texts: Sequence[str], vectors: NDArray[np.float32]) -> None:
        self.name = name
        self._rows = {text: row for row, text in enumerate(texts)}
        self._vectors = vectors

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._vectors[[self._rows[text] for text in texts]]


class _Remembering:
    """The factory's embedder through its memory of recent texts: the fields of one new
    ticket are predicted from one embedding of its text."""

    def __init__(self, owner: EmbeddingClassifiers) -> None:
        self._owner = owner
        self.name = owner.embedder_name

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._owner.vectors(list(texts))


class EmbeddingClassifiers:
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.embedder_name = embedder.name
        # Loaded models by key: every new ticket is predicted with the same few.
        self._loaded: dict[str, TrainedClassifier] = {}
        self._alike: Alike | None = None  # what their fields share (assist/triage.py)
        # Vectors of recently compared texts (label descriptions, the ticket being triaged).
        self._remembered: dict[str, NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def train(self, texts: Sequence[str], labels: Sequence[str]) -> TrainedClassifier:
        return self.train_fields(texts, {"": labels})[""]

    def train_fields(
        self, texts: Sequence[str], labels: Mapping[str, Sequence[str]]
    ) -> dict[str, TrainedClassifier]:
        """One classifier per field, each on the texts whose label for it is not empty."""
        from tierdesk.assist.bag_of_words import BagOfWords
        from tierdesk.assist.triage import TextClassifier

        distinct = list(dict.fromkeys(texts))
        embedded = _Embedded(self._embedder.name, distinct, self._training_vectors(distinct))
        trained = {}
        bags: dict[tuple[str, ...], BagOfWords] = {}  # fields labelled on the same tickets
        for name, values in labels.items():
            rows = [(text, value) for text, value in zip(texts, values, strict=True) if value]
            chosen = tuple(t for t, _ in rows)
            bag = bags.get(chosen) or bags.setdefault(chosen, BagOfWords.of(chosen))
            fitted = TextClassifier.train(list(chosen), [v for _, v in rows], embedded, bag=bag)
            fitted.embed_with(_Remembering(self))
            trained[name] = TrainedClassifier(fitted)
        return trained

    def _training_vectors(self, texts: list[str]) -> NDArray[np.float32]:
        """The texts' vectors: remembered ones (a ticket's text was embedded at intake, for the
        cold start) are not embedded again, and the rest are not kept (a history is larger
        than the memory)."""
        with self._lock:
            known = {t: self._remembered[t] for t in texts if t in self._remembered}
        missing = [t for t in texts if t not in known]
        if missing:
            known |= dict(zip(missing, self._embedder.embed(missing), strict=True))
        if not texts:
            return np.empty((0, 0), np.float32)
        return np.vstack([known[t] for t in texts])

    def load(self, key: str, data: Callable[[], bytes]) -> TrainedClassifier:
        """The classifier stored under ``key`` (read with ``data`` only the first time)."""
        with self._lock:
            found = self._loaded.get(key)
            if found is None:
                from tierdesk.assist.triage import Alike, TextClassifier

                if len(self._loaded) > 32 or self._alike is None:  # older ones are not asked
                    self._loaded.clear()
                    self._alike = Alike()
                inner = TextClassifier.from_bytes(data(), _Remembering(self), self._alike)
                found = TrainedClassifier(inner)
                self._loaded[key] = found
            return found

    def similarities(self, text: str, descriptions: dict[str, str]) -> dict[str, float]:
        """Cosine of ``text`` to each label's description. The descriptions (products,
        components, queues) are the same for every new ticket and one ticket is compared with
        several sets, so vectors are remembered by text: cold start embeds only what is new."""
        if not descriptions:
            return {}
        labels = list(descriptions)
        vectors = self.vectors([text, *(descriptions[label] for label in labels)])
        scores = vectors[1:] @ vectors[0]
        return {
            label: float(score) for label, score in zip(labels, np.asarray(scores), strict=True)
        }

    def vectors(self, texts: list[str]) -> NDArray[np.float32]:
        """The texts' vectors, embedding only those not remembered."""
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
