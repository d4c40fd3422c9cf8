"""The triage report counts every decision an agent made, for every field: what the API calls
accepted is accepted in the report, even when the model had abstained and offered only a hint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tierdesk.domain.triage import Outcome, TriageField, TriagePrediction, report

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def prediction(field: TriageField, best: str, *, abstained: bool) -> TriagePrediction:
    return TriagePrediction(1, field, best, 0.4, abstained, "cold-start", AT)


@pytest.mark.parametrize("field", list(TriageField))
def test_every_decision_is_counted_accepted_or_corrected_whether_or_not_the_model_abstained(
    field: TriageField,
) -> None:
    kept_answer = prediction(field, "a", abstained=False)
    kept_answer.decide("a", "Ana", AT)
    changed_answer = prediction(field, "a", abstained=False)
    changed_answer.decide("b", "Ana", AT)
    kept_hint = prediction(field, "a", abstained=True)
    kept_hint.decide("a", "Ana", AT)
    changed_hint = prediction(field, "a", abstained=True)
    changed_hint.decide("b", "Ana", AT)
    undecided = prediction(field, "a", abstained=True)
    assert kept_hint.outcome is Outcome.ACCEPTED

    [row] = [
        r
        for r in report([kept_answer, changed_answer, kept_hint, changed_hint, undecided])
        if r.field is field
    ]

    assert (row.predictions, row.abstained, row.decided) == (5, 3, 4)
    assert (row.accepted, row.corrected) == (2, 2)
    assert row.accepted + row.corrected == row.decided
    assert row.accuracy == 0.5  # of the answers the model gave, agents kept one of two
