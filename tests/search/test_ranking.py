"""How text is cut into terms and passages for retrieval, and how candidates are scored and
fused (pure functions; no index needed)."""

from __future__ import annotations

from collections import Counter

import pytest

from tierdesk.assist.analysis import CACHED_TEXT_CHARS, prose, terms
from tierdesk.assist.ranking import (
    best_window_bm25,
    fuse_standardised,
    idf,
    keyword_cosine,
    keyword_shares,
    query_weights,
    standardised,
)
from tierdesk.assist.search import document_terms, subject_scores
from tierdesk.domain.knowledge import DocumentKind, SearchDocument


def test_identifiers_count_whole_and_by_their_parts() -> None:
    found = terms("FSNamesystem.getBlockLocations failed; upgrade aws-java-sdk-bundle to 1.12.262")

    assert "fsnamesystem.getblocklocations" in found  # the whole name is the rarest evidence
    assert {"fsnamesystem", "namesystem", "getblocklocations", "block", "locations"} <= set(found)
    assert {"aws-java-sdk-bundle", "aws", "java", "sdk", "bundle"} <= set(found)
    assert {"1.12.262", "12", "262"} <= set(found)
    assert "failed" in found and "upgrade" in found


def test_acronyms_and_digits_split_from_camel_case() -> None:
    assert terms("HTTPServer2 ipv6") == ["httpserver2", "http", "server2", "ipv6"]


def test_a_very_long_dotted_chain_is_kept_as_parts_only() -> None:
    chain = ".".join(f"p{i}" for i in range(12))

    found = terms(chain)

    assert chain not in found
    assert found == [f"p{i}" for i in range(12)]


def test_remembered_terms_are_the_same_and_a_caller_changing_its_list_changes_no_other() -> None:
    text = "NameNode getBlockLocations fails after upgrade to 3.3.6"
    first = terms(text)
    assert first == terms(text + " ")[: len(first)]  # a text not remembered: cut the same way
    first.append("mine")
    assert terms(text)[-1] != "mine"
    long_text = "word " * (CACHED_TEXT_CHARS // 5 + 1)  # past the remembered length
    assert terms(long_text) == ["word"] * (CACHED_TEXT_CHARS // 5 + 1)


def test_prose_drops_stack_traces_and_keeps_sentences() -> None:
    text = (
        "The namenode crashes after the upgrade.\n"
        "at org.apache.hadoop.hdfs.server.namenode.FSNamesystem.run(FSNamesystem.java:123)\n"
        "java.io.IOException: 0x7f3a 0x11 0x22\n"
        "It happens on every restart of the cluster.\n"
    )

    assert prose(text) == (
        "The namenode crashes after the upgrade.\nIt happens on every restart of the cluster."
    )


def test_text_that_is_all_code_is_kept_rather_than_embedding_nothing() -> None:
    code = "x = f(1, 2)\ny = g(x)"

    assert prose(code) == code


def test_a_rarer_shared_term_weighs_more() -> None:
    weights = query_weights({"cluster": 1, "quota": 1}, {"cluster": 1.1, "quota": 4.0})
    about_quota = Counter({"quota": 1, "other": 1})
    about_cluster = Counter({"cluster": 1, "other": 1})

    assert keyword_cosine(weights, about_quota) > keyword_cosine(weights, about_cluster) > 0


def test_a_term_no_document_holds_has_no_weight() -> None:
    assert idf(0, 100) == 0.0
    assert query_weights({"nowhere": 3}, {"nowhere": 0.0}) == {}


def test_the_keyword_cosine_is_one_for_the_same_text_without_idf_differences() -> None:
    weights = query_weights({"a": 1, "b": 1}, {"a": 1.0, "b": 1.0})

    assert keyword_cosine(weights, Counter({"a": 1, "b": 1})) == pytest.approx(1.0)


def test_standardising_a_signal_that_tells_nothing_apart_gives_zeros() -> None:
    assert standardised({1: 0.5, 2: 0.5}) == {1: 0.0, 2: 0.0}


def test_fusion_puts_both_signals_on_one_scale_and_fills_the_gaps_with_the_floor() -> None:
    # lexically 1 is far ahead; by meaning 2 is a little ahead of 1
    fused = fuse_standardised([({1: 0.9, 2: 0.1, 3: 0.1}, 0.5), ({1: 0.50, 2: 0.52, 4: 0.20}, 0.5)])

    assert set(fused) == {1, 2, 3, 4}
    assert max(fused, key=lambda d: fused[d]) == 1
    assert fused[4] < fused[2]
    only_dense = fuse_standardised([({1: 0.9, 2: 0.1}, 0.0), ({1: 0.1, 2: 0.9}, 1.0)])
    assert only_dense[2] > only_dense[1]


def test_a_short_query_leans_on_bm25_and_a_whole_ticket_on_the_cosine() -> None:
    question, ticket = keyword_shares(6, 32), keyword_shares(200, 32)

    assert question == (1.0, 0.0) and keyword_shares(0, 32) == (1.0, 0.0)
    assert ticket == pytest.approx((0.16, 0.84))


def test_a_question_answered_by_one_window_of_a_long_text_scores_as_in_a_short_one() -> None:
    idfs = {"remote": 2.0, "pairing": 3.0}
    answer = terms("to redo the remote pairing hold the two buttons")
    filler = terms("unrelated words about picture modes and sound settings " * 40)
    short = best_window_bm25(idfs, [], answer, window=32, step=24)
    buried = best_window_bm25(idfs, [], [*filler, *answer, *filler], window=32, step=24)
    scattered = best_window_bm25(idfs, [], [*answer[:4], *filler, *answer[4:]], window=32, step=24)

    assert buried == pytest.approx(short) == pytest.approx(2.0 + 3.0)
    assert scattered < short  # "remote" and "pairing" never meet in one window
    assert best_window_bm25({"remote": 2.0}, [], filler, window=32, step=24) == 0.0


def test_a_heading_counts_in_every_window_and_repeats_saturate() -> None:
    idfs = {"pairing": 1.0}
    in_heading = best_window_bm25(idfs, ["pairing"], terms("nothing here " * 50), 32, 24)
    repeated = best_window_bm25(idfs, [], ["pairing"] * 20, 32, 24)

    assert in_heading == pytest.approx(1.0)
    assert 1.0 < repeated < 2.2  # k1 = 1.2 bounds a term's weight at 2.2 idf


def test_a_whole_ticket_query_is_scored_by_both_subjects() -> None:
    documents = {
        1: SearchDocument("a", DocumentKind.TICKET, "Jetty upgrade to 9.4.35", "Bump the server."),
        2: SearchDocument("b", DocumentKind.TICKET, "Disk quota report", "Jetty is mentioned."),
    }
    counted = {d: document_terms(doc) for d, doc in documents.items()}
    query = "Update the Jetty dependency\nThe jetty version has a CVE; upgrade to 9.4.35."
    idfs = dict.fromkeys(terms(query), 1.0)
    weights = query_weights(Counter(terms(query)), idfs)

    covers_theirs, covers_ours = subject_scores(query, weights, idfs, documents, counted)

    assert covers_theirs[1] > 0 == covers_theirs[2]  # only the first subject is about jetty
    assert covers_ours[1] > 0 and covers_ours[2] > 0
    assert subject_scores("jetty upgrade", weights, idfs, documents, counted) == [{}, {}]
