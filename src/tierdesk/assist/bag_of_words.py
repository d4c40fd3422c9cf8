"""The bag-of-words side of the triage classifier: TF-IDF word 1-2-grams and character
2-5-grams (sublinear tf) of a set of texts, the share of a text's words the vocabulary knows,
and the vocabulary as plain data for storage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

from tierdesk.assist.linear_models import RowSpace, row_space

_WORD = re.compile(r"\w+", re.UNICODE)


def vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    return words, chars


class TextFeatures:
    """A bag of words' two vectorizers as one transform. One object serves every field of a
    model trained on the same texts (they learnt one vocabulary), and it remembers the features
    of the last texts it was given: a new ticket's fields are predicted one after another from
    the same text, and transforming it once per field was a third of predicting them."""

    def __init__(self, words: TfidfVectorizer, chars: TfidfVectorizer) -> None:
        self.words, self.chars = words, chars
        self.known = set(words.vocabulary_) if hasattr(words, "vocabulary_") else set()
        self._last: tuple[list[str], Any] | None = None

    def of(self, texts: list[str]) -> Any:
        """The texts' features (one row each); the same object for the same texts in a row, so
        not to be changed by its reader."""
        last = self._last  # read once: another thread may replace it meanwhile
        if last is not None and last[0] == texts:
            return last[1]
        words, chars = self.words.transform(texts), self.chars.transform(texts)
        features = sparse.hstack([words, chars]).tocsr()
        self._last = (list(texts), features)
        return features


@dataclass(frozen=True)
class BagOfWords:
    """TF-IDF features of a set of texts, with the vectorizers that made them and their
    coordinates in the rows' span (``row_space``). Fitted without labels, so every field
    trained on the same texts shares one."""

    words: TfidfVectorizer
    chars: TfidfVectorizer
    features: Any
    rows: Any
    space: RowSpace | None
    text_features: TextFeatures  # the same vocabularies, for the texts to predict

    @classmethod
    def of(cls, texts: Sequence[str]) -> BagOfWords:
        words, chars = vectorizers()
        every = [str(text) for text in texts]
        features = sparse.hstack([words.fit_transform(every), _fit_chars(chars, every)]).tocsr()
        with threadpool_limits(limits=1, user_api="blas"):
            rows, space = row_space(features)
        return cls(words, chars, features, rows, space, TextFeatures(words, chars))


def coverage(text: str, known: set[str]) -> float:
    """The share of the text's words the bag-of-words vocabulary knows."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return 0.0
    return sum(token in known for token in tokens) / len(tokens)


def _fit_chars(chars: TfidfVectorizer, texts: list[str]) -> Any:
    try:
        return chars.fit_transform(texts)
    except ValueError:  # too few texts for min_df=2: no character features
        chars.set_params(min_df=1)
        return chars.fit_transform(texts)


def vocabulary(vectorizer: TfidfVectorizer) -> dict[str, int]:
    return {term: int(column) for term, column in vectorizer.vocabulary_.items()}


def restore(vectorizer: TfidfVectorizer, vocabulary: dict[str, int], idf: Any) -> None:
    vectorizer.set_params(vocabulary=vocabulary)
    vectorizer.fit(["restoring"])  # fixes the vocabulary; the idf is set just below
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
