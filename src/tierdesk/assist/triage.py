"""The text classifier behind triage (and ``tierdesk eval routing``): one pipeline, any labels.

Two linear models, mixed (assist/linear_models.py; measured in bench/quality_understanding.py):

- a logistic regression on the sentence embedding (multilingual USE by default): knows
  paraphrases and other languages; the five nearest training texts' vote is mixed into its
  probabilities (assist/neighbours.py: a text in another language is still close to what it
  is about, where a linear model turns its offset into a bias between classes);
- a linear SVM on TF-IDF word 1-2-grams and character 2-5-grams: knows exact tokens (codes,
  product names).

Both weight rare classes up (every class weighs the same in total), so a rare but important
category is not drowned by the common ones: macro-F1 is the measure that matters to a desk.

**What is learnt from held-back folds** (assist/calibration.py). The rows are split into
``FOLDS`` stratified folds and each fold is predicted by both models fitted on the others.
On these out-of-fold predictions the classifier fits each model's temperature (the SVM's scores
become probabilities), chooses the share of the bag-of-words model (the best macro-F1), a
temperature that makes the mixture's confidence honest, and the abstain threshold, by the
field's own measure: the confidence from which answering gives the best held-back macro-F1
(an abstention counts as a wrong answer of no class), among the thresholds whose answers
agree with the labels more often than chance (the lower end of their Wilson interval above the
agreement of answers drawn independently of the text with the same shares: a field whose text
does not tell its label, or with too few examples to show it does, is not answered). Rows
with an empty label are out-of-scope examples: never a class, only in that check (answering
them is a false positive), where every fold's models answer each of them (none was fitted
on it). A desk may instead ask for a precision (``target_precision``: the lowest confidence
at which the held-back answers' Wilson lower bound reaches it); the 98 % threshold is reported
with every model. Then both models are fitted again on every row. Nothing is tuned on the
rows it is scored on.

The bag-of-words share is further scaled, per text, by the share of its words the vocabulary
knows, so a German ticket on an English-trained desk is routed by the embedding model rather
than by the few English words it happens to share.

The fitted model is stored as plain arrays (``numpy.savez``, no pickle), so loading a model
from the database never runs code.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from tierdesk.assist.bag_of_words import (
    BagOfWords,
    TextFeatures,
    coverage,
    restore,
    vectorizers,
    vocabulary,
)
from tierdesk.assist.calibration import (
    NEVER,
    calibrate,
    choose_threshold,
    choose_threshold_for_f1,
    choose_word_share,
    combine,
    fit_temperature,
    macro_f1,
)
from tierdesk.assist.embeddings import Embedder
from tierdesk.assist.linear_models import (
    LinearModel,
    fit_logistic,
    fit_margin,
    folds,
    softmax,
)
from tierdesk.assist.neighbours import NeighbourRows, mix, tally, vote
from tierdesk.errors import InvalidInputError

FOLDS = 5
MIN_ROWS_FOR_FOLDS = 10  # fewer: nothing can be measured, so the classifier never answers
# The stricter rule a desk may ask for (``target_precision``), and whose threshold every model
# reports beside its own: answer only where held-back answers were right 98 % of the time.
STRICT_PRECISION = 0.98
# The fold fits of the regression stop at a looser tolerance; the final fit, on every row,
# starts from the last of them.
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


@dataclass(frozen=True)
class _Mixing:
    """How the two models' probabilities become one confidence (chosen on held-back folds)."""

    word_share: float = 0.5
    temperature: float = 1.0
    threshold: float = NEVER


@dataclass(frozen=True)
class Neighbours:
    """The training texts' embeddings and their classes."""

    rows: NeighbourRows
    targets: NDArray[np.int64]

    def vote(self, vectors: NDArray[np.float32], classes: int) -> NDArray[np.float64]:
        if len(self.rows.vectors) == 0 or len(vectors) == 0:
            return np.zeros((len(vectors), classes))
        return tally(*self.rows.nearest(vectors), self.targets, classes)


@dataclass
class Alike:
    """What a model's fields trained on the same tickets have alike, by content: their
    vocabularies and neighbour rows, loaded once per process instead of once per field. Each
    remembers its work on the last text, which the next field predicting it reuses."""

    features: dict[str, list[TextFeatures]] = field(default_factory=dict)  # by their idfs
    rows: dict[str, NeighbourRows] = field(default_factory=dict)

    def text_features(self, header: dict[str, Any], arrays: Any) -> TextFeatures:
        """A stored model's vocabularies, shared with a field loaded before that has the same:
        the idfs name the candidates, the vocabularies decide (comparing them costs a sixth of
        serialising them for a digest)."""
        same_idfs = self.features.setdefault(_digest(arrays["words_idf"], arrays["chars_idf"]), [])
        for known in same_idfs:
            words, chars = known.words.vocabulary_, known.chars.vocabulary_
            if words == header["words"] and chars == header["chars"]:
                return known
        words, chars = vectorizers()
        restore(words, header["words"], arrays["words_idf"])
        restore(chars, header["chars"], arrays["chars_idf"])
        same_idfs.append(TextFeatures(words, chars))
        return same_idfs[-1]


@dataclass(frozen=True)
class _Learnt:
    mixing: _Mixing
    words_scale: float
    meaning_scale: float
    start: LinearModel | None  # the last fold's regression, where the final fit starts
    metrics: dict[str, float]


class TextClassifier:
    def __init__(
        self,
        classes: list[str],
        features: TextFeatures,
        bag: LinearModel,
        meaning: LinearModel,
        mixing: _Mixing,
        embedder: Embedder,
        metrics: dict[str, float],
        neighbours: Neighbours | None = None,
    ) -> None:
        self.classes = classes
        self._features = features
        self._bag, self._meaning = bag, meaning
        self._mixing = mixing
        self._neighbours = neighbours
        self.threshold = mixing.threshold
        self._embedder = embedder
        self.metrics = metrics

    # -- training --------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        embedder: Embedder,
        *,
        target_precision: float | None = None,
        seed: int = 0,
        bag: BagOfWords | None = None,
    ) -> TextClassifier:
        """``target_precision``: None (the desk's rule) answers where that gives the field's
        best held-back macro-F1 (assist/calibration.py, ``choose_threshold_for_f1``); a number
        answers only where held-back answers reached that precision. ``bag``: the texts'
        TF-IDF features when they are made already (``BagOfWords.of`` the same texts)."""
        bag = bag or BagOfWords.of(texts)
        # One BLAS thread: OpenBLAS spreads even small products over every core and spin-waits
        # for the slowest, which on a busy 2-core desk made training three times slower.
        with threadpool_limits(limits=1, user_api="blas"):
            return cls._train(texts, labels, embedder, target_precision, seed, bag)

    @classmethod
    def _train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        embedder: Embedder,
        target_precision: float | None,
        seed: int,
        bag_of_words: BagOfWords,
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
        # fit share one feature space.
        bag_rows, space = bag_of_words.rows, bag_of_words.space
        index = {label: number for number, label in enumerate(classes)}
        targets = np.array([index.get(label, -1) for label in label_array], dtype=np.int64)
        metrics: dict[str, float] = {"examples": float(len(texts)), "classes": float(len(classes))}
        learnt = _Learnt(_Mixing(), 1.0, 1.0, None, {})
        if int(np.sum(targets >= 0)) >= MIN_ROWS_FOR_FOLDS:
            known = bag_of_words.text_features.known
            known_shares = np.array([coverage(text, known) for text in all_texts])
            learnt = _learn(bag_rows, vectors, targets, known_shares, target_precision, seed)
        scope = np.flatnonzero(targets >= 0)
        bag = fit_margin(bag_rows[scope], targets[scope], len(classes))
        if space is not None:
            bag = LinearModel(space.lift(bag.coef), bag.intercept)
        meaning = fit_logistic(vectors[scope], targets[scope], len(classes), start=learnt.start)
        mixing = learnt.mixing
        metrics.update(
            learnt.metrics,
            word_share=mixing.word_share,
            temperature=round(mixing.temperature, 4),
            threshold=round(mixing.threshold, 4),
        )
        return cls(
            classes,
            bag_of_words.text_features,
            bag.scaled(learnt.words_scale),
            meaning.scaled(learnt.meaning_scale),
            mixing,
            embedder,
            metrics,
            Neighbours(NeighbourRows(vectors[scope].astype(np.float16)), targets[scope]),
        )

    def embed_with(self, embedder: Embedder) -> None:
        """Embed the texts to predict with ``embedder`` (the same model as in training)."""
        self._embedder = embedder

    # -- prediction ------------------------------------------------------------------------

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        return self._predict(list(texts), self._embedder.embed(list(texts)))

    def _predict(self, texts: list[str], vectors: NDArray[np.float32]) -> list[Prediction]:
        bag_features = self._features.of(texts)
        known_shares = np.array([coverage(text, self._features.known) for text in texts])
        by_neighbours = (
            None if self._neighbours is None else self._neighbours.vote(vectors, len(self.classes))
        )
        mixed = combine(
            mix(self._meaning.probabilities(vectors), by_neighbours),
            self._bag.probabilities(bag_features),
            known_shares,
            self._mixing.word_share,
        )
        result = []
        for row in calibrate(mixed, self._mixing.temperature):
            ranked = np.argsort(-row)[:3]
            best, confidence = self.classes[ranked[0]], _shown(row[ranked[0]])
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
            "bag_scale": self._bag.scale,
            "meaning_scale": self._meaning.scale,
            "metrics": self.metrics,
            "words": vocabulary(self._features.words),
            "chars": vocabulary(self._features.chars),
        }
        arrays: dict[str, Any] = {
            "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            "words_idf": getattr(self._features.words, "idf_", np.zeros(0)),
            "chars_idf": getattr(self._features.chars, "idf_", np.zeros(0)),
            "bag_coef": self._bag.coef,
            "bag_intercept": self._bag.intercept,
            "meaning_coef": self._meaning.coef,
            "meaning_intercept": self._meaning.intercept,
        }
        if self._neighbours is not None:
            arrays["neighbour_rows"] = self._neighbours.rows.vectors
            arrays["neighbour_targets"] = self._neighbours.targets
        return _archive(arrays)

    @classmethod
    def from_bytes(
        cls, data: bytes, embedder: Embedder, alike: Alike | None = None
    ) -> TextClassifier:
        """``alike``: the parts of models loaded before, which this one shares where equal."""
        alike = alike or Alike()
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        header = json.loads(arrays["header"].tobytes().decode())
        features = alike.text_features(header, arrays)
        neighbours = None
        if "neighbour_rows" in arrays:  # models stored before the vote have none
            vectors = arrays["neighbour_rows"]
            rows = alike.rows.setdefault(_digest(vectors), NeighbourRows(vectors))
            neighbours = Neighbours(rows, arrays["neighbour_targets"])
        # Models stored before the mixing was learnt averaged two regressions evenly, with
        # nothing scaled: the defaults below read them the same way.
        mixing = _Mixing(
            float(header.get("word_share", 0.5)),
            float(header.get("temperature", 1.0)),
            float(header["threshold"]),
        )
        return cls(
            header["classes"],
            features,
            LinearModel(
                arrays["bag_coef"], arrays["bag_intercept"], float(header.get("bag_scale", 1.0))
            ),
            LinearModel(
                arrays["meaning_coef"],
                arrays["meaning_intercept"],
                float(header.get("meaning_scale", 1.0)),
            ),
            mixing,
            embedder,
            header["metrics"],
            neighbours,  # without: the regression alone
        )


def _shown(confidence: Any) -> Any:
    """Confidence as the desk stores and shows it (four decimals): the threshold is chosen and
    applied on these, so a near-certain 0.99999997 is answered like the 1.0 it is shown as."""
    return (
        np.round(confidence, 4)
        if isinstance(confidence, np.ndarray)
        else round(float(confidence), 4)
    )


def _learn(
    bag_features: Any,
    vectors: NDArray[np.float32],
    targets: NDArray[np.int64],
    known_shares: NDArray[np.float64],
    target_precision: float | None,
    seed: int,
) -> _Learnt:
    """Out-of-fold scores of both models, then (assist/calibration.py) each model's
    temperature, the word share, the mixture's temperature and the threshold chosen on them.
    Out-of-scope rows are never fitted, so every fold's models answer each of them: all those
    held-back answers count in the threshold's check (as the one held-back answer of each
    in-scope row does)."""
    classes = int(targets.max()) + 1
    count = min(FOLDS, int(np.sum(targets >= 0)))
    fold_of = folds(targets, count, seed)
    by_meaning = np.zeros((len(targets), classes))
    by_words = np.zeros((len(targets), classes))
    by_neighbours = np.zeros((len(targets), classes))
    outside = np.flatnonzero(targets < 0)
    extra: list[tuple[NDArray[np.int64], Any, Any, Any]] = []  # rows, words, meaning, votes
    regression: LinearModel | None = None
    for fold in range(count):
        held = fold_of == fold
        rows = np.flatnonzero(~held & (targets >= 0))
        bag = fit_margin(bag_features[rows], targets[rows], classes)
        by_words[held] = bag.scores(bag_features[held])
        # Each fold starts afresh: a fit warm-started from another fold's model would start
        # from weights that saw the held-back rows and, stopping early, still remember them.
        regression = fit_logistic(vectors[rows], targets[rows], classes, tol=_FOLD_TOLERANCE)
        by_meaning[held] = regression.scores(vectors[held])
        by_neighbours[held] = vote(vectors[held], vectors[rows], targets[rows], classes)
        others = outside[~held[outside]]
        if len(others):
            extra.append(
                (
                    others,
                    bag.scores(bag_features[others]),
                    regression.scores(vectors[others]),
                    vote(vectors[others], vectors[rows], targets[rows], classes),
                )
            )
    scope = targets >= 0
    # Each model's scores become honest probabilities before they are mixed.
    words_scale = 1.0 / fit_temperature(softmax(by_words[scope]), targets[scope])
    meaning_scale = 1.0 / fit_temperature(softmax(by_meaning[scope]), targets[scope])
    words_p = softmax(by_words * words_scale)
    meaning_p = mix(softmax(by_meaning * meaning_scale), by_neighbours)
    share = choose_word_share(meaning_p[scope], words_p[scope], known_shares[scope], targets[scope])
    mixed = combine(meaning_p, words_p, known_shares, share)
    temperature = fit_temperature(mixed[scope], targets[scope])
    calibrated = calibrate(mixed, temperature)
    checked, checked_targets = calibrated, targets
    if extra:
        answers = [
            calibrate(
                combine(
                    mix(softmax(meaning * meaning_scale), votes),
                    softmax(words * words_scale),
                    known_shares[rows],
                    share,
                ),
                temperature,
            )
            for rows, words, meaning, votes in extra
        ]
        checked = np.vstack([calibrated, *answers])
        checked_targets = np.concatenate([targets, *(np.full(len(a), -1) for a in answers)])
    best = calibrated.argmax(axis=1)
    correct = scope & (best == targets)
    shown, guesses = _shown(checked.max(axis=1)), checked.argmax(axis=1)
    strict = choose_threshold(shown, guesses == checked_targets, STRICT_PRECISION)
    abstention = (
        choose_threshold_for_f1(shown, guesses, checked_targets)
        if target_precision is None
        else choose_threshold(shown, guesses == checked_targets, target_precision)
    )
    metrics = {
        "validation_accuracy": round(float(np.mean(correct[scope])), 4),
        "validation_macro_f1": round(macro_f1(best[scope], targets[scope]), 4),
        "validation_answered": round(abstention.answered_share, 4),
        "validation_precision": round(abstention.precision, 4),
        # the threshold a desk answering only at 98 % held-back precision would use
        "strict_threshold": round(strict.threshold, 4),
    }
    mixing = _Mixing(share, temperature, abstention.threshold)
    return _Learnt(mixing, words_scale, meaning_scale, regression, metrics)


def _digest(*arrays: NDArray[Any]) -> str:
    """A name for arrays of equal content (their shapes and types included)."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _archive(arrays: dict[str, Any]) -> bytes:
    """What ``numpy.savez_compressed`` writes (``numpy.load`` reads it), at the fastest
    deflate level: its default level took 1.3 s of a demo build's training for six fields
    (12.2 MB), level 1 takes 0.4 s for 6 % more bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()
