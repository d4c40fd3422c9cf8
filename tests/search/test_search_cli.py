"""kb add|list|search|remove, index rebuild|status and eval retrieval, run in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, environment, invoker
from tests.factories import make_ticket
from tests.follow_ups import run_follow_ups
from tierdesk.config import Settings
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.services.desk import Desk

MANUALS = CONTENT_DIR / "manuals"


@pytest.fixture
def tierdesk(settings: Settings) -> Invoke:
    env = environment(str(settings.data_dir), settings.database)
    env["TIERDESK_SEARCH__EMBEDDER"] = settings.search.embedder  # the same model as ``desk``
    return invoker(env)


def test_kb_add_list_search_and_remove(tierdesk: Invoke) -> None:
    added = tierdesk(
        "kb",
        "add",
        str(MANUALS / "kestrel-sbc-admin-guide-6.0.md"),
        str(MANUALS / "kestrel-edge-configuration-guide-13.0.pdf"),
        "--product",
        "Kestrel",
        "--version",
        "6.0",
    )
    again = tierdesk(
        "kb",
        "add",
        str(MANUALS / "kestrel-sbc-admin-guide-6.0.md"),
        "--product",
        "Kestrel",
        "--version",
        "6.0",
    )
    listed = tierdesk("kb", "list")
    found = tierdesk("kb", "search", "destination NAT port forwarding", "--limit", "2")

    assert added.exit_code == 0, added.output
    assert "Added article 1: Kestrel SBC Administration Guide, release 6.0" in added.stdout
    assert "Added article 2: Kestrel Edge Configuration Guide" in added.stdout
    assert again.stdout.startswith("Already added article 1")
    assert "Kestrel SBC Administration Guide" in listed.stdout and "pdf" in listed.stdout
    assert "4.2 Port forwarding (destination NAT), page 2" in found.stdout.splitlines()[0]

    removed = tierdesk("kb", "remove", "2")
    assert removed.exit_code == 0
    assert "Port forwarding (destination NAT)" not in tierdesk("kb", "search", "NAT").stdout


def test_kb_add_reports_a_missing_or_unsupported_file(tierdesk: Invoke, tmp_path: Path) -> None:
    missing = tierdesk("kb", "add", str(tmp_path / "nope.md"))
    odd = tmp_path / "manual.docx"
    odd.write_bytes(b"PK")
    unsupported = tierdesk("kb", "add", str(odd))

    assert missing.exit_code == 1 and "Error:" in missing.stderr
    assert unsupported.exit_code == 1 and "unsupported format" in unsupported.stderr


def test_index_rebuild_reindexes_tickets_and_manuals(tierdesk: Invoke, desk: Desk) -> None:
    make_ticket(desk, subject="Trunk registration fails", body="The SIP trunk cannot register.")
    run_follow_ups(desk)  # indexed
    tierdesk("kb", "add", str(MANUALS / "kestrel-sbc-admin-guide-6.0.md"))
    before = tierdesk("index", "status").stdout

    rebuilt = tierdesk("index", "rebuild")

    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.stdout.strip().startswith("Indexed ")
    assert tierdesk("index", "status").stdout == before
    assert before.splitlines()[2].split() == ["ticket", "1"]
    assert rebuilt.stdout.strip() == "Indexed 35 documents."


def write_beir(directory: Path) -> tuple[Path, Path, Path]:
    corpus = directory / "corpus.jsonl"
    queries = directory / "queries.jsonl"
    qrels = directory / "qrels.tsv"
    documents = [
        {"_id": "d1", "title": "Reset the phone", "text": "Hold the star key to reset the phone."},
        {"_id": "d2", "title": "Voice VLAN", "text": "The phone reads the voice VLAN from LLDP."},
        {"_id": "d3", "title": "Echo on calls", "text": "Lower the speaker volume to stop echo."},
        {"_id": "q1", "title": "Echo during calls", "text": "Callers hear an echo on calls."},
    ]
    corpus.write_text("\n".join(json.dumps(d) for d in documents) + "\n")
    asked = [{"_id": "q1", "text": "echo during calls"}, {"_id": "q2", "text": "voice VLAN LLDP"}]
    queries.write_text("\n".join(json.dumps(q) for q in asked) + "\n")
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\td3\t1\nq1\tq1\t1\nq2\td2\t1\n")
    return corpus, queries, qrels


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_eval_retrieval_prints_metrics_as_json_last(
    tierdesk: Invoke, tmp_path: Path, mode: str
) -> None:
    corpus, queries, qrels = write_beir(tmp_path)

    result = tierdesk(
        "eval",
        "retrieval",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
        "--mode",
        mode,
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) >= {"recall@1", "recall@5", "recall@10", "recall@20", "mrr", "ndcg@10"}
    assert figures["mode"] == mode and figures["queries"] == 2
    # q1's own document never counts: q1 can reach at most half its qrels
    assert figures["recall@20"] == pytest.approx(0.75)
    if mode != "dense":  # hashing vectors are too crude to rank; keywords are not
        assert figures["recall@1"] == pytest.approx(0.75) and figures["mrr"] == 1.0


def test_eval_retrieval_refuses_a_qrels_file_without_its_header(
    tierdesk: Invoke, tmp_path: Path
) -> None:
    corpus, queries, qrels = write_beir(tmp_path)
    qrels.write_text("q1\td3\t1\n")

    result = tierdesk(
        "eval",
        "retrieval",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--qrels",
        str(qrels),
    )

    assert result.exit_code == 1
    assert "query-id corpus-id score" in result.stderr
