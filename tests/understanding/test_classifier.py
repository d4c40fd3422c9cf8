"""The triage text classifier: learns labels (rare ones too), abstains by held-back precision,
stores as arrays. The hashing embedder keeps this fast; bench/ measures the real model."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from scipy import sparse

from tierdesk.assist import linear_models
from tierdesk.assist.calibration import NEVER, choose_threshold, choose_threshold_for_f1
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.assist.neighbours import vote
from tierdesk.assist.triage import TextClassifier

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
    confidence = [0.9, 0.8, 0.7, 0.6, 0.5]
    right = [True, True, True, False, True]  # the 0.6 answer is wrong
    strict = choose_threshold(confidence, right, target_precision=0.95, z=0.0)
    assert strict.threshold == 0.7
    assert strict.answered_share == 0.6
    assert choose_threshold(confidence, right, target_precision=0.8, z=0.0).threshold == 0.5


def test_a_field_with_few_held_back_answers_is_answered_only_once_enough_were_right() -> None:
    few = choose_threshold([0.9, 0.8, 0.7], [True, True, True], target_precision=0.95)
    assert few.threshold == NEVER  # three right answers do not show 95 %
    many = choose_threshold([0.99] * 30 + [0.4], [True] * 30 + [False], target_precision=0.95)
    assert many.threshold == 0.99


def test_a_field_answers_from_the_confidence_that_gives_its_best_held_back_macro_f1() -> None:
    # five of six answers right down to 0.4: far from 98 %, but each helps the field's macro-F1
    confidence = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
    predicted = [0, 1, 0, 1, 0, 1, 1]
    gold = [0, 1, 0, 0, 0, 1, 0]  # the 0.6 and the 0.3 answers are wrong
    chosen = choose_threshold_for_f1(confidence, predicted, gold, z=0.0)
    assert chosen.threshold == 0.4  # answering the 0.3 one costs more than it brings
    assert chosen.answered_share == 6 / 7
    right = [p == g for p, g in zip(predicted, gold, strict=True)]
    assert choose_threshold(confidence, right, 0.98).threshold == NEVER


def test_a_field_whose_answers_agree_with_its_labels_no_more_than_chance_is_not_answered() -> None:
    # seven of ten rows are class 0; the answers are right six times in ten, as answers drawn
    # at random with the same shares would be
    gold = [0, 0, 0, 1, 0, 0, 0, 1, 1, 0]
    predicted = [0, 1, 0, 0, 0, 0, 1, 1, 0, 0]
    confidence = [0.9 - 0.05 * i for i in range(10)]
    assert choose_threshold_for_f1(confidence, predicted, gold).threshold == NEVER
    # the same answers on a field of three even classes tell it better than any one label
    even = choose_threshold_for_f1(confidence, [0, 1, 2] * 3 + [0], [0, 1, 2] * 3 + [1], z=0.0)
    assert even.threshold < NEVER


def test_a_field_whose_answers_find_its_rare_label_is_answered_below_its_commonest_share() -> None:
    # thirty of forty rows are class 0; the answers find all ten class-1 rows but call ten
    # class-0 rows class 1 too: right 75 % of the time, no more than always answering 0 would
    # be, yet far better by the field's macro-F1 (0.73 against 0.43) and far above chance
    gold = [0] * 30 + [1] * 10
    predicted = [0] * 20 + [1] * 10 + [1] * 10
    chosen = choose_threshold_for_f1([0.9] * 40, predicted, gold)
    assert chosen.threshold == 0.9
    assert chosen.answered_share == 1.0


def test_an_answered_out_of_scope_row_is_a_false_positive_of_the_class_it_was_given() -> None:
    confidence = [0.9, 0.8, 0.7, 0.6]
    alone = choose_threshold_for_f1(confidence, [0, 1, 0, 1], [0, 1, 0, 1], z=0.0)
    assert alone.threshold == 0.6
    warned = choose_threshold_for_f1(
        [*confidence, 0.65, 0.65], [0, 1, 0, 1, 1, 1], [0, 1, 0, 1, -1, -1], z=0.0
    )
    assert warned.threshold == 0.7  # answering at 0.65 would give class 1 two false positives


def test_out_of_scope_rows_are_held_back_as_wrong_answers_and_raise_the_threshold() -> None:
    texts, labels = _rows(3, per_label=30)
    days = ("monday", "friday", "sunday", "today", "tuesday")
    confusable = [f"Hello, refund of the licence since {day}" for day in days]
    alone = TextClassifier.train(texts, labels, HashingEmbedder())
    warned = TextClassifier.train(
        [*texts, *confusable * 4], [*labels, *[""] * 20], HashingEmbedder()
    )
    assert sorted(warned.classes) == sorted(TOPICS)
    assert warned.threshold > alone.threshold
    assert all(p.abstained for p in warned.predict(confusable))


def _imbalanced() -> tuple[list[str], list[str]]:
    """Sixty network tickets and six security ones that share most of their words."""
    chance = random.Random(4)
    devices = ["the vpn", "our router", "the firewall", "wifi", "the switch"]
    when = ["often", "today", "again"]
    texts = [
        f"{chance.choice(devices)} drops the connection {chance.choice(when)}" for _ in "x" * 60
    ]
    texts += [
        f"{chance.choice(devices)} shows a phishing login page {chance.choice(when)}"
        for _ in "x" * 6
    ]
    return texts, ["network"] * 60 + ["security"] * 6


def test_a_rare_class_is_not_drowned_by_a_common_one(monkeypatch: pytest.MonkeyPatch) -> None:
    texts, labels = _imbalanced()
    asked = ["a phishing page on the router"]

    [weighted] = TextClassifier.train(texts, labels, HashingEmbedder()).predict(asked)
    monkeypatch.setattr(linear_models, "CLASS_WEIGHT_POWER", 0.0)
    [unweighted] = TextClassifier.train(texts, labels, HashingEmbedder()).predict(asked)

    assert weighted.best == "security"
    assert unweighted.best == "network"  # each row counting the same, the six are outvoted


def test_word_share_temperature_and_threshold_are_learnt_on_held_back_folds() -> None:
    texts, labels = _rows(5)
    classifier = TextClassifier.train(texts, labels, HashingEmbedder())
    metrics = classifier.metrics
    assert 0.0 <= metrics["word_share"] <= 1.0
    assert metrics["temperature"] > 0
    assert metrics["validation_accuracy"] == 1.0  # every row predicted by a model without it
    assert metrics["validation_answered"] > 0.5
    restored = TextClassifier.from_bytes(classifier.to_bytes(), HashingEmbedder())
    assert restored.metrics == metrics


def test_abstaining_costs_the_macro_f1_of_the_class_it_leaves_unanswered() -> None:
    from tierdesk.entrypoints.cli.evaluation_understanding import routing_metrics

    gold = ["a", "a", "b", "b"]
    metrics = routing_metrics(["a", "a", "b", None], ["a", "a", "b", "b"], gold)
    assert metrics["macro_f1"] == 1.0
    assert metrics["in_scope_accuracy"] == 0.75
    # a: precision 1, recall 1; b: precision 1, recall 1/2 -> F1 2/3
    assert metrics["answered_macro_f1"] == (1.0 + 2 / 3) / 2


def test_the_nearest_training_texts_vote_and_a_rare_class_is_not_outvoted() -> None:
    # three rows of class 0 at similarity 0.90 to the query, two of class 1 at 0.92
    rows = np.array([[0.9, 0.4359], [0.9, -0.4359], [0.9, 0.4359], [0.92, 0.3919], [0.92, 0.3919]])
    targets = np.array([0, 0, 0, 1, 1])
    query = np.array([[1.0, 0.0]], dtype=np.float32)
    shares = vote(query, rows, targets, classes=3)
    assert shares[0].sum() == pytest.approx(1.0)
    # counted row by row, class 0's three votes would win; each class weighing the same in
    # total, the closer class does
    assert shares[0, 1] > shares[0, 0] > 0.0
    assert shares[0, 2] == 0.0  # a class without training rows gets no vote


def test_a_stored_model_keeps_its_neighbours_vote() -> None:
    texts, labels = _rows(4)
    classifier = TextClassifier.train(texts, labels, HashingEmbedder())
    stored = classifier.to_bytes()
    assert "neighbour_rows" in np.load(io.BytesIO(stored), allow_pickle=False)
    asked = ["a refund for the invoice please", "sip trunk down and calls drop"]
    restored = TextClassifier.from_bytes(stored, HashingEmbedder())
    assert [round(p.confidence, 3) for p in restored.predict(asked)] == [
        round(p.confidence, 3) for p in classifier.predict(asked)
    ]


def test_coefficients_fitted_in_the_rows_span_lift_to_the_same_scores_over_the_columns() -> None:
    # Few rows, many sparse columns: the case row_space serves. The basis is kept as weights
    # over the rows, so the map back never holds a basis x columns matrix.
    chance = np.random.default_rng(3)
    features = sparse.random(30, 400, density=0.05, random_state=4, format="csr")
    coordinates, space = linear_models.row_space(features)
    assert space is not None
    assert np.allclose(coordinates @ coordinates.T, (features @ features.T).toarray())
    coef = chance.normal(size=(3, coordinates.shape[1]))
    lifted = space.lift(coef)
    assert lifted.shape == (3, 400)
    assert np.allclose(features @ lifted.T, coordinates @ coef.T)
