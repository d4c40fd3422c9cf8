"""The text classifier behind triage (and ``tierdesk eval routing``): one pipeline, any labels.

Two logistic regressions, mixed (measured in bench/quality_understanding.py):

- on the sentence embedding (multilingual USE by default): knows paraphrases and other
  languages;
- on TF-IDF word 1-2-grams and character 2-5-grams: knows exact tokens (codes, product names).

**Rare classes.** Each training row is weighted by its class's size to the power
``-CLASS_WEIGHT_POWER`` (1: every class weighs the same in total), so a rare but important
category is not drowned by the common ones: macro-F1 is the measure that matters to a desk.

**What is learnt from held-back folds** (assist/calibration.py). The rows are split into
``FOLDS`` stratified folds and each fold is predicted by both models fitted on the others.
On these out-of-fold predictions the classifier chooses the share of the bag-of-words model
(the one with the best macro-F1), a temperature that makes its confidence honest, and the
abstain threshold: the lowest confidence at which the held-back answers were right at least
``target_precision`` of the time, with the lower end of their Wilson interval (so a field with
few examples is answered only once enough answers were right). Rows with an empty label are
out-of-scope examples: never a class, only in that check (answering them is wrong). Then both
models are fitted again on every row. Nothing is tuned on the rows it is scored on.

The bag-of-words share is further scaled, per text, by the share of its words the vocabulary
knows, so a German ticket on an English-trained desk is routed by the embedding model rather
than by the few English words it happens to share.

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
from threadpoolctl import threadpool_limits

from tierdesk.assist.calibration import (
    NEVER,
    calibrate,
    choose_threshold,
    choose_word_share,
    combine,
    fit_temperature,
    macro_f1,
)
from tierdesk.assist.embeddings import Embedder
from tierdesk.errors import InvalidInputError

FOLDS = 5
MAX_ROWS_IN_ROW_SPACE = 3000  # beyond, the eigendecomposition costs more than it saves
MIN_ROWS_FOR_FOLDS = 10  # fewer: nothing can be measured, so the classifier never answers
# Answer only where held-back rows were right 98 % of the time: a wrong route costs a bounce
# between queues, an abstention only an L0 look. (0.97 was also tried; see bench/README.md.)
DEFAULT_TARGET_PRECISION = 0.98
CLASS_WEIGHT_POWER = 1.0
_WORD = re.compile(r"\w+", re.UNICODE)
_C = 10.0  # regularisation of both regressions
# The fold fits stop at a looser tolerance, each starting from the previous one's weights; the
# final fit starts from the last of them and runs to the default tolerance.
_MAX_ITER = 300
_FOLD_TOLERANCE = 1e-3


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
        present, counts = np.unique(labels, return_counts=True)
        coef = np.zeros((classes, features.shape[1]))
        intercept = np.full(classes, -30.0)
        if len(present) == 1:  # one class: certain, with no weights
            intercept[present[0]] = 30.0
            return cls(coef, intercept)
        # Every class weighs (its size)^(1-power) in total, normalised to a mean weight of one.
        per_class = counts.astype(np.float64) ** -CLASS_WEIGHT_POWER
        weights = per_class[np.searchsorted(present, labels)]
        weights /= weights.mean()
        model = LogisticRegression(C=_C, max_iter=_MAX_ITER, tol=tol)
        if start is not None and len(present) > 2 and start.knows(present):
            # Warm start from an earlier fit on most of the same rows: a few iterations only.
            model.set_params(warm_start=True)
            model.coef_, model.intercept_ = start.coef[present], start.intercept[present]
        model.fit(features, labels, sample_weight=weights)
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


@dataclass(frozen=True)
class _Mixing:
    """How the two models' probabilities become one confidence (chosen on held-back folds)."""

    word_share: float = 0.5
    temperature: float = 1.0
    threshold: float = NEVER


class TextClassifier:
    def __init__(
        self,
        classes: list[str],
        words: TfidfVectorizer,
        chars: TfidfVectorizer,
        bag: _Linear,
        meaning: _Linear,
        mixing: _Mixing,
        embedder: Embedder,
        metrics: dict[str, float],
    ) -> None:
        self.classes = classes
        self._words, self._chars = words, chars
        self._bag, self._meaning = bag, meaning
        self._mixing = mixing
        self.threshold = mixing.threshold
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
        # One BLAS thread: OpenBLAS spreads even small products over every core and spin-waits
        # for the slowest, which on a busy 2-core desk made training three times slower.
        with threadpool_limits(limits=1, user_api="blas"):
            return cls._train(texts, labels, embedder, target_precision, seed)

    @classmethod
    def _train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        embedder: Embedder,
        target_precision: float,
        seed: int,
    ) -> TextClassifier:
        if len(texts) != len(labels):
            raise InvalidInputError("texts and labels differ in length")
        label_array = np.array([label.strip() for label in labels], dtype=object)
        classes = sorted({label for label in label_array if label})
        if not classes:
            raise InvalidInputError("training needs at least one labelled example")
        vectors = embedder.embed(list(texts))
        all_texts = [str(text) for text in texts]
        # The vocabularies see every text (no labels involved), so the fold fits and the final
        # fit share one feature space and each fit can start where the previous one ended.
        words, chars = _vectorizers()
        bag_features = sparse.hstack(
            [words.fit_transform(all_texts), _fit_chars(chars, all_texts)]
        ).tocsr()
        # Few long texts have many more n-grams than rows: the regression then runs on the
        # rows' coordinates in their own span, which gives the same model far faster.
        bag_rows, lift = _row_space(bag_features)
        index = {label: number for number, label in enumerate(classes)}
        targets = np.array([index.get(label, -1) for label in label_array], dtype=np.int64)
        metrics: dict[str, float] = {"examples": float(len(texts)), "classes": float(len(classes))}
        mixing, start = _Mixing(), None
        in_scope = int(np.sum(targets >= 0))
        if in_scope >= MIN_ROWS_FOR_FOLDS:
            known = set(words.vocabulary_)
            coverage = np.array([_coverage(text, known) for text in all_texts])
            mixing, start, held_metrics = _learn_mixing(
                bag_rows, vectors, targets, coverage, target_precision, seed
            )
            metrics.update(held_metrics)
        bag, meaning = _fit_pair(
            bag_rows, vectors, targets, np.arange(len(texts)), len(classes), start=start
        )
        if lift is not None:
            bag = _Linear(np.asarray(bag.coef @ lift), bag.intercept)
        metrics.update(
            word_share=mixing.word_share,
            temperature=round(mixing.temperature, 4),
            threshold=round(mixing.threshold, 4),
        )
        return cls(classes, words, chars, bag, meaning, mixing, embedder, metrics)

    def embed_with(self, embedder: Embedder) -> None:
        """Embed the texts to predict with ``embedder`` (the same model as in training)."""
        self._embedder = embedder

    # -- prediction ------------------------------------------------------------------------

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        return self._predict(list(texts), self._embedder.embed(list(texts)))

    def _predict(self, texts: list[str], vectors: NDArray[np.float32]) -> list[Prediction]:
        bag_features = sparse.hstack(
            [self._words.transform(texts), self._chars.transform(texts)]
        ).tocsr()
        coverage = np.array([_coverage(text, self._known_words) for text in texts])
        mixed = combine(
            self._meaning.probabilities(vectors),
            self._bag.probabilities(bag_features),
            coverage,
            self._mixing.word_share,
        )
        result = []
        for row in calibrate(mixed, self._mixing.temperature):
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

    # -- storage ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        header = {
            "classes": self.classes,
            "threshold": self._mixing.threshold,
            "word_share": self._mixing.word_share,
            "temperature": self._mixing.temperature,
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
        # Models stored before the mixing was learnt averaged the two evenly, uncalibrated.
        mixing = _Mixing(
            float(header.get("word_share", 0.5)),
            float(header.get("temperature", 1.0)),
            float(header["threshold"]),
        )
        return cls(
            header["classes"],
            words,
            chars,
            _Linear(arrays["bag_coef"], arrays["bag_intercept"]),
            _Linear(arrays["meaning_coef"], arrays["meaning_intercept"]),
            mixing,
            embedder,
            header["metrics"],
        )


def _row_space(features: Any) -> tuple[Any, Any]:
    """For fewer rows than features (and not too many rows), the rows' coordinates in an
    orthonormal basis of their span, and the map back (coefficients there @ lift = the same
    coefficients over the features). An L2-penalised regression's weights lie in that span, so
    fitting on the coordinates is exact; it has rows x classes weights instead of features x
    classes, which is what L-BFGS spends its time on. Otherwise the features and None."""
    rows, columns = features.shape
    if rows > MAX_ROWS_IN_ROW_SPACE or rows * 4 > columns:
        return features, None
    gram = np.asarray((features @ features.T).toarray(), dtype=np.float64)
    values, vectors = np.linalg.eigh(gram)
    kept = values > values.max() * 1e-10
    scale = np.sqrt(values[kept])
    coordinates = vectors[:, kept] * scale  # = features @ basis
    lift = (vectors[:, kept] / scale).T @ features  # = basis.T
    return coordinates, np.asarray(lift)


def _coverage(text: str, known: set[str]) -> float:
    """The share of the text's words the bag-of-words vocabulary knows."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return 0.0
    return sum(token in known for token in tokens) / len(tokens)


def _folds(targets: NDArray[np.int64], count: int, seed: int) -> NDArray[np.int64]:
    """Each row's fold: every class (and the out-of-scope rows) dealt round the folds from a
    random starting fold, so each fold holds a fair share of every class."""
    chance = np.random.default_rng(seed)
    folds = np.zeros(len(targets), dtype=np.int64)
    for label in np.unique(targets):
        members = chance.permutation(np.flatnonzero(targets == label))
        folds[members] = (np.arange(len(members)) + chance.integers(count)) % count
    return folds


def _learn_mixing(
    bag_features: Any,
    vectors: NDArray[np.float32],
    targets: NDArray[np.int64],
    coverage: NDArray[np.float64],
    target_precision: float,
    seed: int,
) -> tuple[_Mixing, tuple[_Linear, _Linear] | None, dict[str, float]]:
    """Out-of-fold probabilities of both models, then the word share, the temperature and the
    threshold chosen on them (assist/calibration.py)."""
    classes = int(targets.max()) + 1
    count = min(FOLDS, int(np.sum(targets >= 0)))
    folds = _folds(targets, count, seed)
    by_meaning = np.zeros((len(targets), classes))
    by_words = np.zeros((len(targets), classes))
    fitted: tuple[_Linear, _Linear] | None = None
    for fold in range(count):
        held = folds == fold
        fitted = _fit_pair(
            bag_features,
            vectors,
            targets,
            np.flatnonzero(~held),
            classes,
            tol=_FOLD_TOLERANCE,
            start=fitted,
        )
        by_words[held] = fitted[0].probabilities(bag_features[held])
        by_meaning[held] = fitted[1].probabilities(vectors[held])
    scope = targets >= 0
    share = choose_word_share(by_meaning[scope], by_words[scope], coverage[scope], targets[scope])
    mixed = combine(by_meaning, by_words, coverage, share)
    temperature = fit_temperature(mixed[scope], targets[scope])
    calibrated = calibrate(mixed, temperature)
    best = calibrated.argmax(axis=1)
    correct = scope & (best == targets)
    abstention = choose_threshold(calibrated.max(axis=1), correct, target_precision)
    metrics = {
        "validation_accuracy": round(float(np.mean(correct[scope])), 4),
        "validation_macro_f1": round(macro_f1(best[scope], targets[scope]), 4),
        "validation_answered": round(abstention.answered_share, 4),
        "validation_precision": round(abstention.precision, 4),
    }
    return _Mixing(share, temperature, abstention.threshold), fitted, metrics


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
