"""The text classifier behind triage (and ``tierdesk eval routing``): one pipeline, any labels.

Two logistic regressions, averaged (measured in bench/quality_understanding.py):

- on the sentence embedding (multilingual USE by default): knows paraphrases and other
  languages;
- on TF-IDF word 1-2-grams and character 2-5-grams: knows exact tokens (codes, product names).

The bag-of-words model only counts as much as the text's words are known to it (the share of
its words seen in training), so a German ticket on an English-trained desk is routed by the
embedding model rather than by the few English words it happens to share.

**Abstaining.** A share of the training rows (15 %, fixed seed) is held back; the classifier is
fitted on the rest and the confidence threshold set to the lowest value at which the held-back
answers are right at least ``target_precision`` of the time. Rows with an empty label are
out-of-scope examples: never a class, only in that held-back check (answering them is wrong).
Then the classifier is fitted again on every row. Nothing is tuned on the rows it is scored on.

The fitted model is stored as plain arrays (``numpy.savez``, no pickle), so loading a model
from the database never runs code.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from tierdesk.assist.embeddings import Embedder
from tierdesk.errors import InvalidInputError

VALIDATION_SHARE = 0.15
MIN_ROWS_FOR_VALIDATION = 40
DEFAULT_THRESHOLD = 0.5  # too little history to measure one: answer only when fairly sure
# Answer only where held-back rows were right 98 % of the time: a wrong route costs a bounce
# between queues, an abstention only an L0 look. (0.97 was also tried; see bench/README.md.)
DEFAULT_TARGET_PRECISION = 0.98
_WORD = re.compile(r"\w+", re.UNICODE)
_C = 10.0  # regularisation of both regressions (chosen on a split of BANKING77's train.csv)
# The trial fit that only sets the abstain threshold stops at a looser tolerance; the final fit
# starts from its weights and runs to the default one. Together they cost about one cold fit.
_MAX_ITER = 300


@dataclass(frozen=True)
class Prediction:
    label: str | None  # None when the classifier abstains
    confidence: float
    best: str  # the most likely label, also when abstaining (shown as a hint to the agent)
    alternatives: tuple[tuple[str, float], ...]

    @property
    def abstained(self) -> bool:
        return self.label is None


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    return words, chars


def _softmax(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result


@dataclass
class _Linear:
    """A fitted multinomial logistic regression as arrays (a class never seen in training has
    zero weights and a very low bias)."""

    coef: NDArray[np.float64]
    intercept: NDArray[np.float64]

    @classmethod
    def fit(
        cls,
        features: Any,
        labels: NDArray[np.int64],
        classes: int,
        *,
        tol: float = 1e-4,
        start: _Linear | None = None,
    ) -> _Linear:
        present = np.unique(labels)
        coef = np.zeros((classes, features.shape[1]))
        intercept = np.full(classes, -30.0)
        if len(present) == 1:  # one class: certain, with no weights
            intercept[present[0]] = 30.0
            return cls(coef, intercept)
        model = LogisticRegression(C=_C, max_iter=_MAX_ITER, tol=tol)
        if start is not None and len(present) > 2 and start.knows(present):
            # Warm start from the trial fit: the final fit then needs a few iterations only.
            model.set_params(warm_start=True)
            model.coef_, model.intercept_ = start.coef[present], start.intercept[present]
        model.fit(features, labels)
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes
            coef[model.classes_[1]], intercept[model.classes_[1]] = (
                model.coef_[0],
                model.intercept_[0],
            )
            intercept[model.classes_[0]] = 0.0
        else:
            coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
        return cls(coef, intercept)

    def knows(self, present: NDArray[np.int64]) -> bool:
        return bool(np.all(self.intercept[present] > -30.0))

    def probabilities(self, features: Any) -> NDArray[np.float64]:
        scores = features @ self.coef.T + self.intercept
        return _softmax(np.asarray(scores, dtype=np.float64))


class TextClassifier:
    def __init__(
        self,
        classes: list[str],
        words: TfidfVectorizer,
        chars: TfidfVectorizer,
        bag: _Linear,
        meaning: _Linear,
        threshold: float,
        embedder: Embedder,
        metrics: dict[str, float],
    ) -> None:
        self.classes = classes
        self._words, self._chars = words, chars
        self._bag, self._meaning = bag, meaning
        self.threshold = threshold
        self._embedder = embedder
        self._known_words = set(words.vocabulary_) if hasattr(words, "vocabulary_") else set()
        self.metrics = metrics

    # -- training --------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        embedder: Embedder,
        *,
        target_precision: float = DEFAULT_TARGET_PRECISION,
        seed: int = 0,
    ) -> TextClassifier:
        if len(texts) != len(labels):
            raise InvalidInputError("texts and labels differ in length")
        label_array = np.array([label.strip() for label in labels], dtype=object)
        classes = sorted({label for label in label_array if label})
        if not classes:
            raise InvalidInputError("training needs at least one labelled example")
        vectors = embedder.embed(list(texts))
        text_array = np.array(list(texts), dtype=object)
        # The vocabularies see every text (no labels involved), so the trial and the final
        # fit share one feature space and the final fit can start where the trial ended.
        words, chars = _vectorizers()
        all_texts = list(text_array)
        bag_features = sparse.hstack(
            [words.fit_transform(all_texts), _fit_chars(chars, all_texts)]
        ).tocsr()
        index = {label: number for number, label in enumerate(classes)}
        targets = np.array([index.get(label, -1) for label in label_array], dtype=np.int64)
        metrics: dict[str, float] = {"examples": float(len(texts)), "classes": float(len(classes))}
        threshold, trial = DEFAULT_THRESHOLD, None
        if len(texts) >= MIN_ROWS_FOR_VALIDATION and len(classes) > 1:
            # Out-of-scope rows are never fitted, so every one of them is held back.
            order = np.random.default_rng(seed).permutation(len(texts))
            in_scope = order[targets[order] >= 0]
            cut = int(len(in_scope) * VALIDATION_SHARE)
            held = np.concatenate([in_scope[:cut], order[targets[order] < 0]])
            kept = in_scope[cut:]
            trial = _fit_pair(bag_features, vectors, targets, kept, len(classes), tol=1e-3)
            probe = cls(classes, words, chars, *trial, DEFAULT_THRESHOLD, embedder, {})
            predictions = probe._predict(list(text_array[held]), vectors[held], bag_features[held])
            threshold, held_metrics = choose_threshold(
                predictions, list(label_array[held]), target_precision
            )
            metrics.update(held_metrics)
        everything = np.arange(len(texts))
        bag, meaning = _fit_pair(
            bag_features, vectors, targets, everything, len(classes), start=trial
        )
        return cls(
            classes,
            words,
            chars,
            bag,
            meaning,
            threshold,
            embedder,
            {**metrics, "threshold": threshold},
        )

    # -- prediction ------------------------------------------------------------------------

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        return self._predict(list(texts), self._embedder.embed(list(texts)))

    def _predict(
        self, texts: list[str], vectors: NDArray[np.float32], bag_features: Any = None
    ) -> list[Prediction]:
        if bag_features is None:
            bag_features = sparse.hstack(
                [self._words.transform(texts), self._chars.transform(texts)]
            ).tocsr()
        by_words = self._bag.probabilities(bag_features)
        by_meaning = self._meaning.probabilities(vectors)
        coverage = np.array([[self._coverage(text)] for text in texts])
        combined = (by_meaning + coverage * by_words) / (1.0 + coverage)
        result = []
        for row in combined:
            ranked = np.argsort(-row)[:3]
            best, confidence = self.classes[ranked[0]], float(row[ranked[0]])
            result.append(
                Prediction(
                    best if confidence >= self.threshold else None,
                    confidence,
                    best,
                    tuple((self.classes[i], float(row[i])) for i in ranked),
                )
            )
        return result

    def _coverage(self, text: str) -> float:
        tokens = _WORD.findall(text.lower())
        if not tokens:
            return 0.0
        return sum(token in self._known_words for token in tokens) / len(tokens)

    # -- storage ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        header = {
            "classes": self.classes,
            "threshold": self.threshold,
            "metrics": self.metrics,
            "words": _vocabulary(self._words),
            "chars": _vocabulary(self._chars),
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            words_idf=getattr(self._words, "idf_", np.zeros(0)),
            chars_idf=getattr(self._chars, "idf_", np.zeros(0)),
            bag_coef=self._bag.coef,
            bag_intercept=self._bag.intercept,
            meaning_coef=self._meaning.coef,
            meaning_intercept=self._meaning.intercept,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, embedder: Embedder) -> TextClassifier:
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        header = json.loads(arrays["header"].tobytes().decode())
        words, chars = _vectorizers()
        _restore(words, header["words"], arrays["words_idf"])
        _restore(chars, header["chars"], arrays["chars_idf"])
        return cls(
            header["classes"],
            words,
            chars,
            _Linear(arrays["bag_coef"], arrays["bag_intercept"]),
            _Linear(arrays["meaning_coef"], arrays["meaning_intercept"]),
            float(header["threshold"]),
            embedder,
            header["metrics"],
        )


def _fit_chars(chars: TfidfVectorizer, texts: list[str]) -> Any:
    try:
        return chars.fit_transform(texts)
    except ValueError:  # too few texts for min_df=2: no character features
        chars.set_params(min_df=1)
        return chars.fit_transform(texts)


def _fit_pair(
    bag_features: Any,
    vectors: NDArray[np.float32],
    targets: NDArray[np.int64],
    rows: NDArray[np.int64],
    classes: int,
    *,
    tol: float = 1e-4,
    start: tuple[_Linear, _Linear] | None = None,
) -> tuple[_Linear, _Linear]:
    """Both regressions on ``rows`` (out-of-scope rows, target -1, left out)."""
    rows = rows[targets[rows] >= 0]
    bag = _Linear.fit(
        bag_features[rows], targets[rows], classes, tol=tol, start=start[0] if start else None
    )
    meaning = _Linear.fit(
        vectors[rows], targets[rows], classes, tol=tol, start=start[1] if start else None
    )
    return bag, meaning


def _vocabulary(vectorizer: TfidfVectorizer) -> dict[str, int]:
    return {term: int(column) for term, column in vectorizer.vocabulary_.items()}


def _restore(vectorizer: TfidfVectorizer, vocabulary: dict[str, int], idf: Any) -> None:
    vectorizer.set_params(vocabulary=vocabulary)
    vectorizer.fit(["restoring"])  # fixes the vocabulary; the idf is set just below
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)


def choose_threshold(
    predictions: Sequence[Prediction], labels: Sequence[str], target_precision: float
) -> tuple[float, dict[str, float]]:
    """The lowest confidence at which the answers given are right ``target_precision`` of the
    time on held-back rows (empty label: out of scope, so any answer to it is wrong)."""
    confidence = np.array([p.confidence for p in predictions])
    correct = np.array(
        [bool(label) and p.best == label for p, label in zip(predictions, labels, strict=True)]
    )
    order = np.argsort(-confidence)
    hits = np.cumsum(correct[order])
    precision_at = hits / np.arange(1, len(order) + 1)
    threshold = 1.0
    for position in range(len(order) - 1, -1, -1):  # from the lowest confidence upwards
        if precision_at[position] >= target_precision:
            threshold = float(confidence[order[position]])
            break
    answered = confidence >= threshold
    metrics = {
        "validation_accuracy": float(correct.mean()) if len(correct) else 0.0,
        "validation_abstain_rate": float(1 - answered.mean()) if len(answered) else 0.0,
    }
    return threshold, metrics
