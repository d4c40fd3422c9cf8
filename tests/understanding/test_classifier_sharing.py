"""A model's fields trained on the same tickets share their vocabulary and neighbour rows once
loaded, and what one field worked out for a text serves the next field asked about it — never
another text."""

from __future__ import annotations

import random

from tierdesk.assist.classifiers import EmbeddingClassifiers, TrainedClassifier
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.assist.triage import TextClassifier

TOPICS = {
    "billing": ["invoice", "charged twice", "refund", "payment failed"],
    "voice": ["calls drop", "no audio", "sip trunk down", "one-way audio"],
    "licence": ["licence expired", "activation key", "more seats", "renewal"],
}
ASKED = [
    "we were charged twice on the invoice",
    "calls drop after a minute",
    "renewal of the licence",
    "Rechnung doppelt bezahlt",
]


def _history() -> tuple[list[str], dict[str, list[str]]]:
    chance = random.Random(7)
    texts, topic, urgency, product = [], [], [], []
    for label, phrases in TOPICS.items():
        for n in range(16):
            texts.append(f"Hello, {chance.choice(phrases)} since {chance.choice(['may', 'today'])}")
            topic.append(label)
            urgency.append("high" if "drop" in texts[-1] or "twice" in texts[-1] else "normal")
            product.append(label.upper() if n % 3 else "")  # labelled on fewer tickets
    return texts, {"topic": topic, "urgency": urgency, "product": product}


def _stored() -> dict[str, bytes]:
    texts, fields = _history()
    trained = EmbeddingClassifiers(HashingEmbedder()).train_fields(texts, fields)
    return {name: classifier.to_bytes() for name, classifier in trained.items()}


def _load(classifiers: EmbeddingClassifiers, name: str, data: bytes) -> TrainedClassifier:
    return classifiers.load(f"1:{name}", lambda: data)


def _inner(classifier: TrainedClassifier) -> TextClassifier:
    return classifier._inner


def test_fields_trained_on_the_same_tickets_load_one_vocabulary_and_one_set_of_rows() -> None:
    stored = _stored()
    classifiers = EmbeddingClassifiers(HashingEmbedder())
    loaded = {name: _inner(_load(classifiers, name, d)) for name, d in stored.items()}
    topic, urgency, product = loaded["topic"], loaded["urgency"], loaded["product"]
    assert topic._features is urgency._features
    assert topic._features is not product._features  # fewer tickets: its own vocabulary
    assert topic._neighbours is not None and urgency._neighbours is not None
    assert product._neighbours is not None
    assert topic._neighbours.rows is urgency._neighbours.rows
    assert topic._neighbours.rows is not product._neighbours.rows


def test_each_field_predicts_as_if_loaded_alone_whatever_the_others_read_before() -> None:
    stored = _stored()
    classifiers = EmbeddingClassifiers(HashingEmbedder())
    together = {name: _load(classifiers, name, d) for name, d in stored.items()}
    alone = {
        name: TrainedClassifier(TextClassifier.from_bytes(data, HashingEmbedder()))
        for name, data in stored.items()
    }
    batch = list(ASKED)
    for round_ in range(2):
        for text in [*ASKED, *reversed(ASKED)]:
            for name in ["topic", "urgency", "product"] if round_ else ["product", "urgency"]:
                assert together[name].predict([text]) == alone[name].predict([text]), (name, text)
        for name in together:
            assert together[name].predict(batch) == alone[name].predict(batch)
        batch.reverse()  # the same list, changed in place: not the texts it held before
