"""The pure rules of workflow part 2: versions, exposure, tracker state, reproduction, incident
and enhancement transitions, the metrics replay. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from packaging.version import Version

from tierdesk.domain.defects import (
    Defect,
    Severity,
    TrackerIssue,
    fix_notice,
    fixed_version,
    reproduction_from_packet,
)
from tierdesk.domain.enhancements import Enhancement, EnhancementStatus
from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.incidents import Incident, IncidentSeverity, IncidentStatus
from tierdesk.domain.l3_outcomes import checklist_message
from tierdesk.domain.metrics import ClockVerdict, TicketTrail, TrailEvent, compute_metrics
from tierdesk.domain.versions import Exposure, compare_versions, exposure
from tierdesk.errors import InvalidInputError, InvalidTransitionError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("4.1", "4.2.1"),
        ("4.2", "4.2.1"),
        ("4.9", "4.10"),
        ("4.2.1rc2", "4.2.1"),
        ("4.2.1a1", "4.2.1b1"),
        ("4.2.1b3", "4.2.1rc1"),
        ("4.2.1.dev1", "4.2.1a1"),
        ("1.0", "1.0.1"),
        ("9.9.9", "10.0"),
    ],
)
def test_versions_order_as_packaging_orders_release_numbers(older: str, newer: str) -> None:
    assert Version(older) < Version(newer)  # the reference agrees on the pair
    assert compare_versions(older, newer) == -1
    assert compare_versions(newer, older) == 1


@pytest.mark.parametrize(
    ("left", "right"), [("4.2", "4.2.0"), ("v4.2.1", "4.2.1"), ("4.2 LTS", "4.2")]
)
def test_equal_versions_compare_equal(left: str, right: str) -> None:
    assert compare_versions(left, right) == 0


def test_vendor_versions_that_are_not_pep_440_still_compare() -> None:
    assert compare_versions("6.0.0-rc1", "6.0.0") == -1
    assert compare_versions("4.2 LTS", "4.10") == -1
    with pytest.raises(InvalidInputError):
        compare_versions("latest", "4.1")


@pytest.mark.parametrize(
    ("runs", "verdict"),
    [
        ("4.1", Exposure.AFFECTED),
        ("4.2.1rc1", Exposure.AFFECTED),
        ("4.2.1", Exposure.NOT_AFFECTED),
        ("4.3", Exposure.NOT_AFFECTED),
        (None, Exposure.UNKNOWN),
        ("the newest", Exposure.UNKNOWN),
    ],
)
def test_every_version_before_the_fix_is_affected(runs: str | None, verdict: Exposure) -> None:
    assert exposure(runs, "4.2.1") is verdict


def test_the_fixing_release_comes_from_a_label_or_a_version_milestone() -> None:
    closed = TrackerIssue("1", "u", "closed", "completed", ("bug", "Fixed-in: 4.2.1"), "Q3")
    assert fixed_version(closed) == "4.2.1"
    assert fixed_version(TrackerIssue("1", "u", "closed", "completed", (), "v4.3")) == "4.3"
    assert fixed_version(TrackerIssue("1", "u", "closed", "completed", (), "Q3 sprint")) is None
    assert fixed_version(TrackerIssue("1", "u", "open", None, (), "4.3")) is None
    assert fixed_version(TrackerIssue("1", "u", "closed", "not_planned", (), "4.3")) is None


def _defect() -> Defect:
    reproduction = reproduction_from_packet(
        PacketContent(symptoms="drops", steps_tried=[TriedStep("call")], version="4.1"),
        severity=Severity.MAJOR,
    )
    return Defect("Calls drop", reproduction.to_dict(), Severity.MAJOR, T0, T0, "l3", id=7)


def test_a_fix_notice_tells_each_customer_their_own_verdict() -> None:
    defect = _defect()
    assert defect.mark_fixed("4.2.1", T0)
    assert not defect.mark_fixed("4.2.1", T0)  # known already: nothing to announce again
    affected, verdict = fix_notice(defect, "4.1")
    assert verdict is Exposure.AFFECTED
    assert "Upgrading to 4.2.1 or later fixes it" in affected
    unknown, verdict = fix_notice(defect, None)
    assert verdict is Exposure.UNKNOWN
    assert "versions before 4.2.1 are affected" in unknown
    with pytest.raises(InvalidInputError):
        defect.mark_fixed("soon", T0)


def test_a_reproduction_needs_steps_and_what_actually_happens() -> None:
    with pytest.raises(InvalidInputError, match="no steps tried"):
        reproduction_from_packet(PacketContent(symptoms="drops"), severity=Severity.MINOR)
    with pytest.raises(InvalidInputError, match="no symptoms"):
        reproduction_from_packet(
            PacketContent(steps_tried=[TriedStep("call")]), severity=Severity.MINOR
        )
    given = reproduction_from_packet(
        None, severity=Severity.MINOR, steps=["dial 200"], actual="silence", environment="lab"
    )
    assert (given.steps, given.environment, given.affected_versions) == (["dial 200"], "lab", [])


def test_an_incident_is_updated_until_resolved_and_noted_after() -> None:
    incident = Incident("Outage", "", IncidentSeverity.SEV1, T0, "l4", T0, id=1)
    incident.move_to(IncidentStatus.IDENTIFIED, T0)
    incident.move_to(IncidentStatus.IDENTIFIED, T0)  # a second update in the same status
    with pytest.raises(InvalidTransitionError):
        incident.write_post_incident_note("early", T0)
    with pytest.raises(InvalidTransitionError):
        incident.move_to(IncidentStatus.RESOLVED, T0)
    incident.resolve(T0)
    with pytest.raises(InvalidTransitionError):
        incident.resolve(T0)
    incident.write_post_incident_note("line card", T0)
    assert incident.post_incident_note == "line card"


def test_an_enhancement_ships_once_with_a_release() -> None:
    enhancement = Enhancement("BLF", "", T0, T0, "l1", id=3)
    with pytest.raises(InvalidInputError):
        enhancement.change_status(EnhancementStatus.SHIPPED, T0)
    enhancement.ship("5.0", T0)
    with pytest.raises(InvalidTransitionError):
        enhancement.ship("5.1", T0)
    assert "shipped in release 5.0" in enhancement.shipped_notice()


def test_a_checklist_lists_every_item_and_refuses_none() -> None:
    text = checklist_message(["a trace", " firmware "], None)
    assert "[ ] a trace\n[ ] firmware" in text
    with pytest.raises(InvalidInputError):
        checklist_message([], None)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_metrics_replay_counts_rates_time_in_level_and_backlog() -> None:
    # Ticket 1: L0 → L1 (intake) → L2 (bounced back) → L2 again → solved at L2.
    bounced = TicketTrail(
        1,
        _at(0),
        0,
        (
            TrailEvent(_at(0), "ticket.escalated", 0, 1),
            TrailEvent(_at(60), "ticket.escalated", 1, 2),
            TrailEvent(_at(90), "ticket.de_escalated", 2, 1),
            TrailEvent(_at(90), "escalation.bounced", 2, 1),
            TrailEvent(_at(120), "ticket.escalated", 1, 2),
            TrailEvent(_at(240), "ticket.status_changed", status="solved"),
        ),
    )
    # Ticket 2: solved at L1 without escalating beyond intake (first contact).
    simple = TicketTrail(
        2,
        _at(0),
        0,
        (
            TrailEvent(_at(0), "ticket.escalated", 0, 1),
            TrailEvent(_at(30), "ticket.status_changed", status="solved"),
        ),
    )
    # Ticket 3: still open at L1 at the end of the period.
    waiting = TicketTrail(3, _at(0), 1, ())
    clocks = [
        ClockVerdict(1, False, _at(10), breached=False),
        ClockVerdict(1, False, _at(20), breached=True),
        ClockVerdict(None, True, _at(30), breached=False),
    ]

    report = compute_metrics([bounced, simple, waiting], clocks, [(_at(5), "defect")], T0, _at(300))

    l1, l2 = report.levels[1], report.levels[2]
    assert (report.escalations, report.bounces, report.solved) == (4, 1, 2)
    assert report.first_contact_resolution == 0.5
    assert (l1.handled, l1.escalated_out, l1.escalation_rate) == (
        3,
        1,
        pytest.approx(1 / 3, abs=1e-4),
    )
    assert (l1.bounced_back, l1.escalations_out, l1.bounce_back_rate) == (1, 2, 0.5)
    assert (l2.escalations_in, l2.solvable_lower_share) == (2, 0.5)
    assert (l2.solved, l2.first_contact_resolution) == (1, 1.0)
    assert l1.total_hours == pytest.approx(1.0 + 0.5 + 0.5 + 5.0)
    assert l2.total_hours == pytest.approx(0.5 + 2.0)
    assert (l1.sla_compliance, report.sla_compliance) == (0.5, 1.0)
    assert (l1.backlog, l2.backlog) == (1, 0)
    assert report.l3_outcomes == {"known-fix": 0, "more-info": 0, "defect": 1}


def test_the_metrics_count_only_what_happened_in_the_period() -> None:
    trail = TicketTrail(
        1,
        _at(0),
        1,
        (TrailEvent(_at(60), "ticket.escalated", 1, 2),),
    )
    before = compute_metrics([trail], [], [], _at(0), _at(30))
    after = compute_metrics([trail], [], [], _at(120), _at(180))
    assert before.escalations == 0
    assert before.levels[1].total_hours == pytest.approx(0.5)
    assert after.escalations == 0
    assert after.levels[2].total_hours == pytest.approx(1.0)
    assert after.levels[1].handled == 0
