"""``tierdesk eval routing`` and ``tierdesk eval logs``: the triage classifier and the log
template miner run on public data with exactly the code the desk uses; the last line is JSON."""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from tierdesk.assist.embeddings import make_embedder
from tierdesk.domain.log_templates import analyse_log
from tierdesk.entrypoints.cli.search import eval_app
from tierdesk.entrypoints.cli.wiring import load_settings, note, say
from tierdesk.errors import InvalidInputError


def read_labelled_csv(path: Path) -> tuple[list[str], list[str]]:
    """Rows of a CSV with ``text`` and ``label`` columns; an empty label marks an
    out-of-scope row (never a class; answering it counts as wrong)."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            raise InvalidInputError(f"{path}: needs the columns text,label")
        rows = [(row["text"] or "", (row["label"] or "").strip()) for row in reader]
    if not rows:
        raise InvalidInputError(f"{path}: no rows")
    return [text for text, _ in rows], [label for _, label in rows]


def routing_metrics(
    predicted: list[str | None], best: list[str], gold: list[str]
) -> dict[str, float]:
    """``accuracy`` and ``macro_f1`` of the most likely label over in-scope rows; then the
    same as the desk applies it, abstaining below the threshold: ``in_scope_accuracy`` and
    ``answered_macro_f1`` (an abstention is a wrong answer, of no class), ``abstain_rate`` and
    ``accuracy_when_answered`` over all rows and, when the test has out-of-scope rows,
    ``oos_recall`` (the share of them the classifier abstained on)."""
    in_scope = [i for i, label in enumerate(gold) if label]
    out_of_scope = [i for i, label in enumerate(gold) if not label]
    answered = [i for i, label in enumerate(predicted) if label is not None]
    in_scope_gold = [gold[i] for i in in_scope]
    result = {
        "accuracy": _share(best[i] == gold[i] for i in in_scope),
        "macro_f1": macro_f1([best[i] for i in in_scope], in_scope_gold),
        "in_scope_accuracy": _share(predicted[i] == gold[i] for i in in_scope),
        "answered_macro_f1": macro_f1([predicted[i] or "" for i in in_scope], in_scope_gold),
        "abstain_rate": 1.0 - len(answered) / len(gold),
        "accuracy_when_answered": _share(predicted[i] == gold[i] for i in answered),
    }
    if out_of_scope:
        result["oos_recall"] = _share(predicted[i] is None for i in out_of_scope)
    return result


def _share(flags: object) -> float:
    values = list(flags)  # type: ignore[call-overload]
    return sum(values) / len(values) if values else 0.0


def macro_f1(predicted: list[str], gold: list[str]) -> float:
    """Mean F1 over the gold labels (a predicted "" is no label: it only costs recall)."""
    labels = set(gold)
    true_positive = Counter(g for p, g in zip(predicted, gold, strict=True) if p == g)
    predicted_count, gold_count = Counter(predicted), Counter(gold)
    scores = []
    for label in labels:
        precision = true_positive[label] / predicted_count[label] if predicted_count[label] else 0
        recall = true_positive[label] / gold_count[label]
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0)
    return sum(scores) / len(scores) if scores else 0.0


@eval_app.command("routing")
def routing(
    train: Annotated[Path, typer.Option(help="CSV with text,label (empty label: out of scope).")],
    test: Annotated[Path, typer.Option(help="CSV with text,label to score on.")],
    target_precision: Annotated[
        float | None,
        typer.Option(
            help="Abstain below the confidence that reaches this held-back precision "
            "[default: the desk's rule, the field's best held-back macro-F1]."
        ),
    ] = None,
    baseline: Annotated[
        bool,
        typer.Option(
            "--baseline",
            help="Also train TF-IDF + logistic regression on TRAIN and score it on TEST, "
            "with and without abstaining by the same rule.",
        ),
    ] = False,
) -> None:
    """Train the triage classifier on TRAIN (the embedder from the settings) and score it on
    TEST; the last line is JSON with accuracy and macro_f1 (the most likely label), the same
    with abstaining as the desk does (in_scope_accuracy, answered_macro_f1, abstain_rate,
    accuracy_when_answered, oos_recall), the same at the strict 98 % threshold every model
    reports (``strict_*``), training CPU seconds and, with --baseline, baseline_accuracy and
    baseline_macro_f1 and the baseline abstaining by the same rule (``baseline_in_scope_accuracy``,
    ``baseline_answered_macro_f1``, ``baseline_oos_recall``)."""
    # imported here: scikit-learn and scipy would slow every other command's start by seconds
    from tierdesk.assist.triage import TextClassifier

    if target_precision is not None and not 0.0 < target_precision <= 1.0:
        raise InvalidInputError("--target-precision must be in (0, 1]")
    train_texts, train_labels = read_labelled_csv(train)
    test_texts, test_labels = read_labelled_csv(test)
    embedder = make_embedder(load_settings().search)
    started, cpu_started = time.perf_counter(), time.process_time()
    classifier = TextClassifier.train(
        train_texts, train_labels, embedder, target_precision=target_precision
    )
    trained = time.perf_counter() - started
    # CPU seconds do not grow with other processes' load, wall seconds do: report both.
    trained_cpu = time.process_time() - cpu_started
    predictions = classifier.predict(test_texts)
    best = [p.best for p in predictions]
    result = routing_metrics([p.label for p in predictions], best, test_labels)
    strict = float(classifier.metrics.get("strict_threshold", 2.0))
    at_strict = routing_metrics(
        [p.best if p.confidence >= strict else None for p in predictions], best, test_labels
    )
    result |= {f"strict_{key}": at_strict[key] for key in _ABSTAINING if key in at_strict}
    if baseline:
        from tierdesk.assist.routing_baseline import baseline_predictions

        cpu_started = time.process_time()
        guessed = baseline_predictions(train_texts, train_labels, test_texts, target_precision)
        scored = routing_metrics(guessed.answered, guessed.best, test_labels)
        result["baseline_accuracy"] = scored["accuracy"]
        result["baseline_macro_f1"] = scored["macro_f1"]
        result |= {f"baseline_{key}": scored[key] for key in _ABSTAINING if key in scored}
        result["baseline_cpu_seconds"] = time.process_time() - cpu_started
    rule = "best held-back macro-F1" if target_precision is None else f"{target_precision}"
    note(
        f"{len(train_texts)} training rows, {len(classifier.classes)} labels, embedder "
        f"{embedder.name}, threshold {classifier.threshold:.3f} (rule: {rule}; strict 98 % "
        f"threshold {strict:.3f})"
    )
    say(
        json.dumps(
            {
                **{key: round(value, 4) for key, value in result.items()},
                "threshold": round(classifier.threshold, 4),
                "strict_threshold": round(strict, 4),
                "train_seconds": round(trained, 1),
                "train_cpu_seconds": round(trained_cpu, 1),
                "test_rows": len(test_texts),
            }
        )
    )


# The figures that depend on abstaining (reported again for the strict threshold and the
# baseline).
_ABSTAINING = (
    "in_scope_accuracy",
    "answered_macro_f1",
    "abstain_rate",
    "accuracy_when_answered",
    "oos_recall",
)


@eval_app.command("logs")
def logs(
    log: Annotated[Path, typer.Option(help="A raw log file, one line per line.")],
    assignments: Annotated[
        Path | None, typer.Option(help="Write each line's template id here, one per line.")
    ] = None,
) -> None:
    """Group a raw log into templates with the desk's own miner; the last line is JSON with the
    number of templates."""
    if not log.is_file():
        raise InvalidInputError(f"{log}: no such file")
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    started = time.perf_counter()
    analysis = analyse_log(lines)
    took = time.perf_counter() - started
    if assignments is not None:
        assignments.write_text("".join(f"{t}\n" for t in analysis.assignments), encoding="utf-8")
    for template in analysis.surfaced(limit=10):
        flag = "error" if template.is_error else "rare"
        note(f"[{flag}] x{template.count} {template.text[:120]}")
    say(
        json.dumps(
            {
                "lines": analysis.line_count,
                "templates": len(analysis.templates),
                "errors": sum(t.is_error for t in analysis.templates),
                "rare": sum(t.is_rare for t in analysis.templates),
                "seconds": round(took, 3),
            }
        )
    )
