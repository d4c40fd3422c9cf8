"""Calibrated confidence (``assist.confidence``) and what a hit shows to read: the pure parts."""

from __future__ import annotations

import itertools

import pytest

from tierdesk.assist import calibrated
from tierdesk.assist.confidence import confidence
from tierdesk.domain.knowledge import Evidence, readable_passage

GRID = (0.0, 0.1, 0.3, 0.5, 0.8, 1.0)
SPREAD = (0.0, 0.5, 1.0, 2.0, 4.0)


def evidences(question: bool, dense: bool) -> list[Evidence]:
    return [
        Evidence(question, share, cosine if dense else None, gap, margin)
        for share, cosine, gap, margin in itertools.product(GRID, GRID, SPREAD, SPREAD)
    ]


@pytest.mark.parametrize("question", [True, False])
@pytest.mark.parametrize("embedder", [calibrated.MODEL, "hashing"])
def test_confidence_is_a_probability(question: bool, embedder: str) -> None:
    for evidence in evidences(question, dense=True) + evidences(question, dense=False):
        assert 0.0 <= confidence(evidence, embedder) <= 1.0


@pytest.mark.parametrize("question", [True, False])
@pytest.mark.parametrize("dense", [True, False])
def test_more_evidence_never_means_less_confidence(question: bool, dense: bool) -> None:
    for evidence in evidences(question, dense):
        base = confidence(evidence, calibrated.MODEL)
        more_words = Evidence(question, min(1.0, evidence.share + 0.2), evidence.dense,
                              evidence.gap, evidence.margin)  # fmt: skip
        further_ahead = Evidence(question, evidence.share, evidence.dense, evidence.gap,
                                 evidence.margin + 0.5)  # fmt: skip
        further_behind = Evidence(question, evidence.share, evidence.dense, evidence.gap + 0.5,
                                  evidence.margin)  # fmt: skip
        assert confidence(more_words, calibrated.MODEL) >= base
        assert confidence(further_ahead, calibrated.MODEL) >= base
        assert confidence(further_behind, calibrated.MODEL) <= base
        if dense:
            assert evidence.dense is not None
            closer = Evidence(question, evidence.share, min(1.0, evidence.dense + 0.2),
                              evidence.gap, evidence.margin)  # fmt: skip
            assert confidence(closer, calibrated.MODEL) >= base


def test_a_clear_answer_is_likely_and_a_hit_with_nothing_in_common_is_not() -> None:
    clear = Evidence(question=True, share=1.0, dense=0.7, gap=0.0, margin=2.0)
    nothing = Evidence(question=True, share=0.0, dense=0.2, gap=2.0, margin=0.0)

    assert confidence(clear, calibrated.MODEL) > 0.9
    assert confidence(nothing, calibrated.MODEL) < 0.05


def test_another_embedders_cosines_are_not_read_as_the_calibrated_models() -> None:
    """The meaning weights hold for the model they were fitted with; with another embedder the
    keyword-only model decides, whatever that embedder's cosine is."""
    low = Evidence(question=True, share=0.8, dense=0.0, gap=0.0, margin=1.0)
    high = Evidence(question=True, share=0.8, dense=1.0, gap=0.0, margin=1.0)

    assert confidence(low, "hashing") == confidence(high, "hashing")
    assert confidence(low, calibrated.MODEL) < confidence(high, calibrated.MODEL)


def test_a_passage_that_is_only_the_heading_shows_the_text_under_it() -> None:
    body = "To reset the phone hold the mute key for ten seconds until the light blinks."

    assert readable_passage("Network > Reset", body, "Network > Reset", "reset") == body
    assert readable_passage("Network > Reset", body, "Network > Reset.", "reset") == body
    assert readable_passage("Network > Reset", "", "Network > Reset", "reset") == ""
    assert readable_passage("Network > Reset", "Reset", "Network > Reset", "reset") == ""
