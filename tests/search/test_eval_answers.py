"""``tierdesk eval answers``: the answerer's decision on a BEIR question set — coverage,
precision and the threshold as the last line, and one prediction line per query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, environment, invoker
from tests.search.test_search_cli import write_beir
from tierdesk.config import Settings


def tierdesk_with(settings: Settings, threshold: float) -> Invoke:
    env = environment(str(settings.data_dir), settings.database)
    env["TIERDESK_SEARCH__EMBEDDER"] = settings.search.embedder
    env["TIERDESK_ANSWERS__MIN_CONFIDENCE"] = str(threshold)
    return invoker(env)


def _run(settings: Settings, tmp_path: Path, threshold: float) -> tuple[dict[str, float], Path]:
    corpus, queries, qrels = write_beir(tmp_path)
    predictions = tmp_path / "predictions.jsonl"
    result = tierdesk_with(settings, threshold)(
        "eval",
        "answers",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
        "--predictions",
        str(predictions),
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1]), predictions


def test_eval_answers_answers_every_question_at_threshold_zero(
    settings: Settings, tmp_path: Path
) -> None:
    figures, predictions = _run(settings, tmp_path, 0.0)

    assert figures["threshold"] == 0.0 and figures["queries"] == 2
    assert figures["coverage"] == 1.0
    assert figures["precision"] == pytest.approx(1.0)  # d3 for the echo, d2 for the VLAN
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert {(p["query_id"], p["answered"], p["doc_id"]) for p in lines} == {
        ("q1", True, "d3"),
        ("q2", True, "d2"),
    }


def test_eval_answers_abstains_below_its_threshold(settings: Settings, tmp_path: Path) -> None:
    figures, predictions = _run(settings, tmp_path, 1.0)

    assert (figures["coverage"], figures["precision"], figures["threshold"]) == (0.0, 0.0, 1.0)
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert all(not p["answered"] and p["doc_id"] is None for p in lines)
