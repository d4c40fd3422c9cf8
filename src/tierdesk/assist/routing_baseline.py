"""The reference every routing figure is printed beside: TF-IDF word 1-2-grams and character
2-5-grams (sublinear tf) with a logistic regression (C=10), exactly as the data sets' READMEs
computed it, fitted on the same training rows in the same run (``tierdesk eval routing
--baseline``). Its most likely label is one answer; for the comparison with abstaining, the
same regression also abstains by the desk's own rule, with its threshold chosen on five
held-back folds of the training rows as the desk's classifier chooses its own."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from tierdesk.assist.calibration import choose_threshold, choose_threshold_for_f1
from tierdesk.assist.linear_models import folds

FOLDS = 5


@dataclass(frozen=True)
class BaselineAnswers:
    best: list[str]  # the most likely label of each test text
    answered: list[str | None]  # the same, None where the desk's rule abstains
    threshold: float


def baseline_predictions(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    target_precision: float | None = None,
    abstain: bool = True,
) -> BaselineAnswers:
    """The baseline's labels for the test texts (rows with an empty label are not trained on:
    the baseline has no out-of-scope class; they take part in the abstention check, as wrong
    answers). ``target_precision``: as ``TextClassifier.train``."""
    texts = [str(text) for text in train_texts]
    labels = [label.strip() for label in train_labels]
    classes = sorted({label for label in labels if label})
    index = {label: number for number, label in enumerate(classes)}
    targets = np.array([index.get(label, -1) for label in labels], dtype=np.int64)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    scope = np.flatnonzero(targets >= 0)
    with threadpool_limits(limits=1, user_api="blas"):
        # the vocabulary of the labelled rows, as the READMEs' baseline
        words.fit([texts[i] for i in scope])
        chars.fit([texts[i] for i in scope])
        features = sparse.hstack([words.transform(texts), chars.transform(texts)]).tocsr()
        test = sparse.hstack([words.transform(test_texts), chars.transform(test_texts)]).tocsr()
        model = _fit(features[scope], targets[scope])
        probabilities = _spread(model, test, len(classes))
        threshold = 0.0
        if abstain:
            threshold = _threshold(features, targets, len(classes), target_precision)
    best = probabilities.argmax(axis=1)
    confidence = np.round(probabilities.max(axis=1), 4)
    return BaselineAnswers(
        [classes[i] for i in best],
        [classes[i] if c >= threshold else None for i, c in zip(best, confidence, strict=True)],
        threshold,
    )


def _fit(features: object, targets: np.ndarray, *, fold: bool = False) -> LogisticRegression:
    # The fold fits only rank held-back answers for a threshold: a looser tolerance (as the
    # desk's own fold fits) keeps five of them affordable on the larger sets.
    model = LogisticRegression(C=10.0, max_iter=300 if fold else 1000, tol=1e-3 if fold else 1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, targets)
    return model


def _spread(model: LogisticRegression, features: object, classes: int) -> np.ndarray:
    """Probabilities over every class (a fold may lack a rare one)."""
    result = np.zeros((features.shape[0], classes))  # type: ignore[attr-defined]
    result[:, model.classes_] = model.predict_proba(features)
    return result


def _threshold(
    features: sparse.csr_matrix, targets: np.ndarray, classes: int, target_precision: float | None
) -> float:
    """The desk's rule on the regression's held-back answers (out-of-scope rows answered by
    every fold's model, as in assist/triage.py)."""
    fold_of = folds(targets, FOLDS, 0)
    answers, gold = [], []
    for fold in range(FOLDS):
        held = fold_of == fold
        rows = np.flatnonzero(~held & (targets >= 0))
        asked = np.flatnonzero(held | (targets < 0))
        model = _fit(features[rows], targets[rows], fold=True)
        answers.append(_spread(model, features[asked], classes))
        gold.append(targets[asked])
    probabilities, expected = np.vstack(answers), np.concatenate(gold)
    shown, guesses = np.round(probabilities.max(axis=1), 4), probabilities.argmax(axis=1)
    if target_precision is None:
        return choose_threshold_for_f1(shown, guesses, expected).threshold
    return choose_threshold(shown, guesses == expected, target_precision).threshold
