"""The reference every routing figure is printed beside: TF-IDF word 1-2-grams and character
2-5-grams (sublinear tf) with a logistic regression (C=10), exactly as the data sets' READMEs
computed it, fitted on the same training rows in the same run (``tierdesk eval routing
--baseline``). No abstaining: its most likely label is its answer."""

from __future__ import annotations

from collections.abc import Sequence

from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits


def baseline_predictions(
    train_texts: Sequence[str], train_labels: Sequence[str], test_texts: Sequence[str]
) -> list[str]:
    """The baseline's label for each test text (rows with an empty label are not trained on:
    the baseline has no out-of-scope class)."""
    rows = [(text, label) for text, label in zip(train_texts, train_labels, strict=True) if label]
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    texts = [text for text, _ in rows]
    with threadpool_limits(limits=1, user_api="blas"):
        features = sparse.hstack([words.fit_transform(texts), chars.fit_transform(texts)])
        model = LogisticRegression(C=10.0, max_iter=1000)
        model.fit(features.tocsr(), [label for _, label in rows])
        test = sparse.hstack([words.transform(test_texts), chars.transform(test_texts)])
        return [str(label) for label in model.predict(test.tocsr())]
