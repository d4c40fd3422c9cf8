"""The two linear models inside the triage classifier, fitted with scikit-learn and kept as plain
arrays (so a stored model is numbers, never pickled code):

- a multinomial logistic regression on the sentence embedding;
- a linear support vector machine (one against the rest) on the TF-IDF n-grams: as good as a
  regression there or better on every development set, and several times faster to fit on a
  hundred thousand sparse columns. Its scores become probabilities through a scale fitted on
  held-back folds (assist/calibration.py).

Both weight each training row by its class's size to the power ``-CLASS_WEIGHT_POWER`` (1:
every class weighs the same in total), so a rare but important category is not drowned by the
common ones.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

CLASS_WEIGHT_POWER = 1.0
LOGISTIC_C = 10.0
MARGIN_C = 1.0
_MAX_ITER = 300
MAX_ROWS_IN_ROW_SPACE = 2000  # beyond, the eigendecomposition costs more than it saves
_ABSENT = -30.0  # the bias of a class the rows did not have: never the answer


def softmax(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result


@dataclass(frozen=True)
class LinearModel:
    """Scores ``features @ coef.T + intercept`` per class; probabilities are the softmax of the
    scores times ``scale``."""

    coef: NDArray[np.float64]
    intercept: NDArray[np.float64]
    scale: float = 1.0

    def __post_init__(self) -> None:
        # Kept column by column, so that ``coef.T`` is in row order: SciPy multiplies a sparse
        # matrix only by a row-ordered dense one and would otherwise copy the n-grams x classes
        # weights on every call (most of predicting one ticket). The sums are the same.
        object.__setattr__(self, "coef", np.asfortranarray(self.coef))

    def scores(self, features: Any) -> NDArray[np.float64]:
        return np.asarray(features @ self.coef.T + self.intercept, dtype=np.float64)

    def probabilities(self, features: Any) -> NDArray[np.float64]:
        return softmax(self.scores(features) * self.scale)

    def scaled(self, scale: float) -> LinearModel:
        return replace(self, scale=scale)

    def knows(self, present: NDArray[np.int64]) -> bool:
        return bool(np.all(self.intercept[present] > _ABSENT))


def _weights(labels: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    present, counts = np.unique(labels, return_counts=True)
    per_class = counts.astype(np.float64) ** -CLASS_WEIGHT_POWER
    weights = per_class[np.searchsorted(present, labels)]
    return present, weights / weights.mean()


def _certain(classes: int, columns: int, only: int) -> LinearModel:
    """The model of rows that all have one class: that class, with no weights."""
    intercept = np.full(classes, _ABSENT)
    intercept[only] = -_ABSENT
    return LinearModel(np.zeros((classes, columns)), intercept)


def _spread(
    classes: int,
    columns: int,
    fitted_classes: NDArray[np.int64],
    coef: NDArray[np.float64],
    intercept: NDArray[np.float64],
) -> LinearModel:
    """scikit-learn's arrays over all ``classes`` (absent ones never answer). For two classes
    it keeps one row, the second class's score against the first's zero."""
    full_coef = np.zeros((classes, columns))
    full_intercept = np.full(classes, _ABSENT)
    if len(fitted_classes) == 2:
        full_coef[fitted_classes[1]], full_intercept[fitted_classes[1]] = coef[0], intercept[0]
        full_intercept[fitted_classes[0]] = 0.0
    else:
        full_coef[fitted_classes], full_intercept[fitted_classes] = coef, intercept
    return LinearModel(full_coef, full_intercept)


def fit_logistic(
    features: Any,
    labels: NDArray[np.int64],
    classes: int,
    *,
    tol: float = 1e-4,
    start: LinearModel | None = None,
) -> LinearModel:
    present, weights = _weights(labels)
    if len(present) == 1:
        return _certain(classes, features.shape[1], int(present[0]))
    model = LogisticRegression(C=LOGISTIC_C, max_iter=_MAX_ITER, tol=tol)
    if start is not None and len(present) > 2 and start.knows(present):
        # Warm start from an earlier fit on most of the same rows: a few iterations only.
        model.set_params(warm_start=True)
        model.coef_, model.intercept_ = start.coef[present], start.intercept[present]
    model.fit(features, labels, sample_weight=weights)
    return _spread(classes, features.shape[1], model.classes_, model.coef_, model.intercept_)


def fit_margin(features: Any, labels: NDArray[np.int64], classes: int) -> LinearModel:
    present, weights = _weights(labels)
    if len(present) == 1:
        return _certain(classes, features.shape[1], int(present[0]))
    # A fixed seed for liblinear's shuffling (else drawn from NumPy's global generator): it
    # stops a little short of the optimum, so the same rows would give a slightly different
    # model on every training.
    model = LinearSVC(C=MARGIN_C, random_state=0)
    with warnings.catch_warnings():
        # A few more passes would move the margins by less than the folds differ.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, labels, sample_weight=weights)
    return _spread(classes, features.shape[1], model.classes_, model.coef_, model.intercept_)


@dataclass(frozen=True)
class RowSpace:
    """An orthonormal basis of a few rows' span, kept as the rows (``features``) and each basis
    vector's weights over them (``weights``, rows x basis), never as a dense basis x columns
    matrix: for two thousand tickets and a hundred thousand n-grams that would be gigabytes."""

    features: Any
    weights: NDArray[np.float64]

    def lift(self, coef: NDArray[np.float64]) -> NDArray[np.float64]:
        """Coefficients over the basis as the same coefficients over the columns."""
        return np.asarray((self.features.T @ (self.weights @ coef.T)).T)


def row_space(features: Any) -> tuple[Any, RowSpace | None]:
    """For fewer rows than columns (and not too many rows), the rows' coordinates in an
    orthonormal basis of their span, and that basis (``RowSpace.lift`` takes coefficients
    there back to the columns). An L2-penalised linear model depends on its rows only through
    their dot products, which the coordinates keep, so fitting on them gives the same model,
    with rows x classes weights instead of columns x classes. A ticket desk's few hundred long
    texts have tens of thousands of n-grams: training is several times faster. Otherwise the
    features and None."""
    rows, columns = features.shape
    if rows > MAX_ROWS_IN_ROW_SPACE or rows * 4 > columns:
        return features, None
    gram = np.asarray((features @ features.T).toarray(), dtype=np.float64)
    values, vectors = np.linalg.eigh(gram)
    kept = values > values.max() * 1e-10
    scale = np.sqrt(values[kept])
    coordinates = vectors[:, kept] * scale  # = features @ basis
    return coordinates, RowSpace(features, vectors[:, kept] / scale)  # basis = features.T @ it


def folds(targets: NDArray[np.int64], count: int, seed: int) -> NDArray[np.int64]:
    """Each row's fold: every class (and the out-of-scope rows) dealt round the folds from a
    random starting fold, so each fold holds a fair share of every class."""
    chance = np.random.default_rng(seed)
    result = np.zeros(len(targets), dtype=np.int64)
    for label in np.unique(targets):
        members = chance.permutation(np.flatnonzero(targets == label))
        result[members] = (np.arange(len(members)) + chance.integers(count)) % count
    return result
