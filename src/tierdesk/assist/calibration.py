"""What the triage classifier learns from its own training rows, held back fold by fold: how
much to trust words against meaning, how sure it really is, and when to say nothing.

Every choice here is made on out-of-fold predictions (each training row predicted by a model
that never saw it), so a desk with a few hundred tickets still gets measured figures, and no
row the classifier is later scored on takes part.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MIN_TEMPERATURE = 0.25
# The share given to the bag-of-words model is one of these (0: meaning only, 1: words only).
WORD_SHARES = tuple(round(0.1 * step, 1) for step in range(11))
# How far the held-back evidence must clear the precision target: a one-sided Wilson bound
# with this z (1.0: about 84 % sure). It is what keeps a field with few examples silent until
# enough of its held-back answers were right (a perfect record needs about 49 answers at 0.98).
EVIDENCE_Z = 1.0
NEVER = 2.0  # a threshold no confidence reaches: the field is not answered


def combine(
    meaning: NDArray[np.float64],
    words: NDArray[np.float64],
    coverage: NDArray[np.float64],
    word_share: float,
) -> NDArray[np.float64]:
    """The two models' probabilities mixed; the words' share shrinks with the share of the
    text's words they know (a German ticket on an English desk is read by meaning)."""
    share = word_share * coverage[:, None]
    mixed: NDArray[np.float64] = (1.0 - word_share) * meaning + share * words
    total = mixed.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    result: NDArray[np.float64] = mixed / total
    return result


def macro_f1(predicted: NDArray[np.int64], gold: NDArray[np.int64]) -> float:
    """Macro-F1 over the classes present in ``gold`` (the measure that gives a rare but
    important category as much weight as the common ones)."""
    scores = []
    for label in np.unique(gold):
        hits = float(np.sum((predicted == label) & (gold == label)))
        guessed, actual = float(np.sum(predicted == label)), float(np.sum(gold == label))
        scores.append(2 * hits / (guessed + actual) if guessed + actual else 0.0)
    return float(np.mean(scores)) if scores else 0.0


def choose_word_share(
    meaning: NDArray[np.float64],
    words: NDArray[np.float64],
    coverage: NDArray[np.float64],
    targets: NDArray[np.int64],
) -> float:
    """The share of the bag-of-words model that gives the best out-of-fold macro-F1 (ties: the
    lower log-loss), over in-scope rows."""
    best: tuple[float, float] = (-1.0, 0.0)
    chosen = 0.5
    rows = np.arange(len(targets))
    for share in WORD_SHARES:
        mixed = combine(meaning, words, coverage, share)
        loss = -float(np.mean(np.log(mixed[rows, targets] + 1e-12)))
        score = (round(macro_f1(mixed.argmax(axis=1), targets), 6), -loss)
        if score > best:
            best, chosen = score, share
    return chosen


def fit_temperature(probabilities: NDArray[np.float64], targets: NDArray[np.int64]) -> float:
    """The temperature that makes out-of-fold confidences honest (least log-loss): a shown
    90 % is then right about nine times in ten, on every field."""
    logs = np.log(probabilities + 1e-12)
    rows = np.arange(len(targets))

    def loss(temperature: float) -> float:
        scaled = logs / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        normaliser = np.log(np.exp(scaled).sum(axis=1))
        return float(np.mean(normaliser - scaled[rows, targets]))

    # A golden-section search over log(temperature), where the loss is unimodal. Below 1/4 a
    # temperature only sharpens confidences that are near certain already, until they all
    # round to 1.0 and their order (what the threshold is chosen by) is lost.
    low, high = math.log(MIN_TEMPERATURE), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    loss_a, loss_b = loss(math.exp(a)), loss(math.exp(b))
    for _ in range(40):
        if loss_a < loss_b:
            high, b, loss_b = b, a, loss_a
            a = high - ratio * (high - low)
            loss_a = loss(math.exp(a))
        else:
            low, a, loss_a = a, b, loss_b
            b = low + ratio * (high - low)
            loss_b = loss(math.exp(b))
    return math.exp((low + high) / 2)


def calibrate(probabilities: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    scaled = np.log(probabilities + 1e-12) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result


def wilson_lower(right: float, answered: float, z: float = EVIDENCE_Z) -> float:
    """The lower end of the Wilson interval for ``right`` of ``answered``."""
    if answered <= 0:
        return 0.0
    share = right / answered
    centre = share + z * z / (2 * answered)
    spread = z * math.sqrt(share * (1 - share) / answered + z * z / (4 * answered * answered))
    return (centre - spread) / (1 + z * z / answered)


@dataclass(frozen=True)
class Abstention:
    threshold: float  # answer at or above this (calibrated) confidence; NEVER: not at all
    answered_share: float  # of the held-back rows
    precision: float  # of the held-back answers given


def choose_threshold(
    confidence: Sequence[float] | NDArray[np.float64],
    correct: Sequence[bool] | NDArray[np.bool_],
    target_precision: float,
    z: float = EVIDENCE_Z,
) -> Abstention:
    """The lowest confidence at which the held-back answers given (every row at or above it)
    were right often enough that even the lower end of their Wilson interval reaches
    ``target_precision``. An out-of-scope row counts as a wrong answer. None reaching it: the
    threshold is above every confidence (the field is never answered)."""
    values = np.asarray(confidence, dtype=np.float64)
    hits = np.asarray(correct, dtype=bool)
    order = np.argsort(-values, kind="stable")
    cumulative = np.cumsum(hits[order])
    threshold, chosen = NEVER, 0
    for position in range(len(order) - 1, -1, -1):  # from the lowest confidence upwards
        if position + 1 < len(order) and values[order[position + 1]] == values[order[position]]:
            continue  # equal confidences are answered together
        if wilson_lower(float(cumulative[position]), position + 1.0, z) >= target_precision:
            threshold, chosen = float(values[order[position]]), position + 1
            break
    if not chosen:
        return Abstention(threshold, 0.0, 0.0)
    return Abstention(threshold, chosen / len(values), float(cumulative[chosen - 1]) / chosen)


def choose_threshold_for_f1(
    confidence: Sequence[float] | NDArray[np.float64],
    predicted: Sequence[int] | NDArray[np.int64],
    targets: Sequence[int] | NDArray[np.int64],
    z: float = EVIDENCE_Z,
) -> Abstention:
    """The confidence at or above which answering gives the field's best held-back macro-F1,
    an abstention counting as a wrong answer (of no class) and an answer to an out-of-scope row
    (target -1) as a false positive of the class answered — among the thresholds whose answers
    agree with the labels more often than chance would (the lower end of their Wilson interval
    above the agreement of answers drawn independently of the text with the same shares:
    Cohen's kappa above 0 with evidence). None such: the field is not answered (its text does
    not tell the label). Ties: the higher threshold (fewer answers for the same measure).

    Not "right more often than always answering the commonest label" (the rule until
    2026-12-05): on a field where one label is most of the rows (GitBugs priorities, 69 %
    "Major"), answers that find the rare labels are right less often than that label alone yet
    give a far better macro-F1, the field's measure; that rule left a third of them unanswered
    (bench/README.md)."""
    values = np.asarray(confidence, dtype=np.float64)
    guesses = np.asarray(predicted, dtype=np.int64)
    gold = np.asarray(targets, dtype=np.int64)
    scope = gold >= 0
    if not np.any(scope):
        return Abstention(NEVER, 0.0, 0.0)
    classes = int(max(guesses.max(initial=0), gold.max())) + 1
    actual = np.bincount(gold[scope], minlength=classes).astype(np.float64)
    present = actual > 0
    hits, guessed = np.zeros(classes), np.zeros(classes)
    seen = np.zeros(classes)  # the answered rows' labels (out-of-scope rows have none)
    scores = np.zeros(classes)  # per-class F1, updated as rows are answered
    order = np.argsort(-values, kind="stable")
    best, threshold, chosen, right = -1.0, NEVER, 0, 0.0
    cumulative_right = 0.0
    for position, row in enumerate(order):
        label = guesses[row]
        guessed[label] += 1
        if gold[row] >= 0:
            seen[gold[row]] += 1
        if gold[row] == label:
            hits[label] += 1
            cumulative_right += 1
        if present[label]:
            scores[label] = 2 * hits[label] / (guessed[label] + actual[label])
        if position + 1 < len(order) and values[order[position + 1]] == values[row]:
            continue  # equal confidences are answered together
        answered = position + 1.0
        chance = float(guessed @ seen) / (answered * answered)
        if wilson_lower(cumulative_right, answered, z) <= chance:
            continue
        measure = float(scores[present].mean())
        if measure > best + 1e-12:
            best, threshold = measure, float(values[row])
            chosen, right = position + 1, cumulative_right
    if not chosen:
        return Abstention(NEVER, 0.0, 0.0)
    return Abstention(threshold, chosen / len(values), right / chosen)
