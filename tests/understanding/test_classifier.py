"""The triage text classifier: learns labels, abstains by held-back precision, stores as
arrays. The hashing embedder keeps this fast; bench/ measures the real model."""

from __future__ import annotations

import random

from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.assist.triage import Prediction, TextClassifier, choose_threshold

TOPICS = {
    "billing": ["invoice", "charged twice", "refund", "payment failed", "credit note"],
    "voice": ["calls drop", "no audio", "sip trunk down", "echo on calls", "one-way audio"],
    "licence": ["licence expired", "activation key", "more seats", "licence file", "renewal"],
}


def _rows(seed: int, per_label: int = 20) -> tuple[list[str], list[str]]:
    chance = random.Random(seed)
    texts, labels = [], []
    for label, phrases in TOPICS.items():
        for _ in range(per_label):
            texts.append(
                f"Hello, {chance.choice(phrases)} since {chance.choice(['monday', 'today'])}"
            )
            labels.append(label)
    return texts, labels


def test_it_learns_the_labels_and_round_trips_through_bytes() -> None:
    texts, labels = _rows(1)
    classifier = TextClassifier.train(texts, labels, HashingEmbedder())
    asked = [
        "we were charged twice on the invoice",
        "calls drop after a minute",
        "renewal of the licence",
    ]
    predictions = classifier.predict(asked)
    assert [p.best for p in predictions] == ["billing", "voice", "licence"]
    restored = TextClassifier.from_bytes(classifier.to_bytes(), HashingEmbedder())
    again = restored.predict(asked)
    assert [round(p.confidence, 9) for p in again] == [round(p.confidence, 9) for p in predictions]
    assert restored.threshold == classifier.threshold
    assert classifier.metrics["examples"] == len(texts)


def test_rows_without_a_label_are_never_a_class() -> None:
    texts, labels = _rows(2)
    classifier = TextClassifier.train(
        [*texts, "what is the weather"], [*labels, ""], HashingEmbedder()
    )
    assert sorted(classifier.classes) == sorted(TOPICS)


def test_the_threshold_is_the_lowest_confidence_that_reaches_the_precision() -> None:
    def guess(best: str, confidence: float) -> Prediction:
        return Prediction(best, confidence, best, ())

    predictions = [
        guess("a", 0.9),
        guess("a", 0.8),
        guess("b", 0.7),
        guess("a", 0.6),
        guess("a", 0.5),
    ]
    gold = ["a", "a", "b", "b", "a"]  # the 0.6 answer is wrong
    threshold, metrics = choose_threshold(predictions, gold, target_precision=0.95)
    assert threshold == 0.7
    assert metrics["validation_abstain_rate"] == 0.4
    lenient, _ = choose_threshold(predictions, gold, target_precision=0.8)
    assert lenient == 0.5


def test_an_out_of_scope_row_counts_as_a_wrong_answer() -> None:
    predictions = [Prediction("a", 0.9, "a", ()), Prediction("a", 0.4, "a", ())]
    threshold, _ = choose_threshold(predictions, ["a", ""], target_precision=0.9)
    assert threshold == 0.9
