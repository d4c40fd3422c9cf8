"""``tierdesk eval facts`` through the CLI, and the annotated development set it is run on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import environment, invoker
from tierdesk.domain.facts import extract_facts

BENCH = Path(__file__).resolve().parents[2] / "bench" / "facts"


def run_eval(tmp_path: Path, *arguments: str) -> tuple[int, str, str]:
    run = invoker(environment(str(tmp_path / "data"), f"sqlite:///{tmp_path}/unused.db"))
    result = run("eval", "facts", *arguments)
    return result.exit_code, result.stdout, result.stderr


def write_lines(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_eval_facts_prints_the_scores_last_and_writes_one_prediction_line_per_text(
    tmp_path: Path,
) -> None:
    gold = write_lines(
        tmp_path / "gold.jsonl",
        [
            {
                "text": "The trunk says SIP/2.0 503 Service Unavailable, again 503 Service "
                "Unavailable. Our SBC runs 5.4.0.",
                # the same status twice, written differently: one fact
                "facts": [
                    {"kind": "sip-status", "value": "503 Service Unavailable"},
                    {"kind": "sip-status", "value": "SIP 503"},
                    {"kind": "version", "value": "5.4.0"},
                ],
            },
            {"text": "No facts here, just thanks.", "facts": []},
            {
                "text": "Phone MAC 00-1A-2B-3C-4D-5E, order 200-4711, error 4711.",
                "facts": [
                    {"kind": "mac-address", "value": "00:1a:2b:3c:4d:5e"},
                    {"kind": "error-code", "value": 4711},  # a number is taken as written
                    {"kind": "serial-number", "value": "KS-1"},  # not in the text: missed
                    {"kind": "language", "value": "en"},  # not the extractor's: skipped
                ],
            },
        ],
    )
    out = tmp_path / "predictions.jsonl"
    code, stdout, stderr = run_eval(tmp_path, "--gold", str(gold), "--predictions", str(out))
    assert code == 0, stderr

    result = json.loads(stdout.strip().splitlines()[-1])
    assert (result["precision"], result["recall"]) == (1.0, 0.8)
    assert result["f1"] == round(2 * 0.8 / 1.8, 4)
    assert (result["gold"], result["predicted"], result["correct"]) == (5, 4, 4)
    kinds = result["per_kind"]
    assert set(kinds) == {"version", "sip-status", "mac-address", "serial-number", "error-code"}
    assert kinds["sip-status"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "gold": 1,
        "predicted": 1,
        "correct": 1,
    }
    assert kinds["serial-number"]["precision"] is None  # nothing read: no precision to speak of
    assert kinds["serial-number"]["recall"] == 0.0
    assert "language" in stderr

    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    predictions = [json.loads(line) for line in lines]
    assert all(list(row) == ["facts"] for row in predictions)
    assert all(list(fact) == ["kind", "value"] for row in predictions for fact in row["facts"])
    assert predictions[1] == {"facts": []}
    assert predictions[0]["facts"] == [
        {"kind": "sip-status", "value": "SIP/2.0 503 Service Unavailable"},
        {"kind": "sip-status", "value": "503 Service Unavailable"},
        {"kind": "version", "value": "5.4.0"},
    ]


def test_eval_facts_reads_product_models_from_a_catalogue(tmp_path: Path) -> None:
    gold = write_lines(
        tmp_path / "gold.jsonl",
        [{"text": "The log shows KP-200 rebooting every hour.", "facts": []}],
    )
    catalog = tmp_path / "catalog.txt"
    catalog.write_text("# our products\nKestrel DeskPhone\nKP-200\n", encoding="utf-8")
    _, without, _ = run_eval(tmp_path, "--gold", str(gold))
    _, with_catalog, _ = run_eval(tmp_path, "--gold", str(gold), "--catalog", str(catalog))
    assert json.loads(without.splitlines()[-1])["predicted"] == 1  # read as an error code
    assert json.loads(with_catalog.splitlines()[-1])["predicted"] == 0


def test_eval_facts_refuses_a_missing_file_an_unknown_kind_and_a_bad_line(tmp_path: Path) -> None:
    code, _, stderr = run_eval(tmp_path, "--gold", str(tmp_path / "nope.jsonl"))
    assert code == 1
    assert "no such file" in stderr
    unknown = write_lines(
        tmp_path / "unknown.jsonl", [{"text": "x", "facts": [{"kind": "ip", "value": "1"}]}]
    )
    code, _, stderr = run_eval(tmp_path, "--gold", str(unknown))
    assert code == 1
    assert "unknown kind 'ip'" in stderr
    assert "ip-address" in stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "facts": []}\n{"text": 3}\n', encoding="utf-8")
    code, _, stderr = run_eval(tmp_path, "--gold", str(bad))
    assert code == 1
    assert "bad.jsonl:2" in stderr


def test_the_gold_files_are_built_from_their_annotated_sources() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "build_gold.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_every_fact_read_from_the_annotated_snippets_points_at_its_words_once() -> None:
    for part in ("dev", "held"):
        for line in (BENCH / f"{part}.jsonl").read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            facts = extract_facts(text)
            for fact in facts:
                assert text[fact.start : fact.end] == fact.value
            spans = [(f.kind, f.start, f.end) for f in facts]
            assert len(spans) == len(set(spans))  # one fact per mention
