"""First-contact resolution per level: of the tickets that entered a level, the share solved
there without going up (domain/metrics.py), on hand-built trails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tierdesk.domain.metrics import (
    TicketTrail,
    TrailEvent,
    compute_metrics,
    first_contact_resolution,
    level_entries,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END = T0 + timedelta(days=7)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def solved(hours: float) -> TrailEvent:
    return TrailEvent(at(hours), "ticket.status_changed", status="solved")


def escalated(hours: float, frm: int, to: int) -> TrailEvent:
    return TrailEvent(at(hours), "ticket.escalated", frm, to)


def bounced(hours: float, frm: int, to: int) -> tuple[TrailEvent, TrailEvent]:
    # A bounce writes both: the level moves down, and the escalation is marked bounced.
    return (
        TrailEvent(at(hours), "ticket.de_escalated", frm, to),
        TrailEvent(at(hours), "escalation.bounced", frm, to),
    )


def test_a_ticket_escalated_into_a_level_and_solved_there_counts_for_that_level() -> None:
    trail = TicketTrail(1, at(0), 1, (escalated(1, 1, 2), solved(3)))
    fcr = first_contact_resolution([trail], T0, END)
    assert fcr == {1: (1, 0), 2: (1, 1)}


def test_a_ticket_escalated_further_is_not_solved_at_the_level_it_left() -> None:
    trail = TicketTrail(1, at(0), 1, (escalated(1, 1, 2), escalated(2, 2, 3), solved(5)))
    assert first_contact_resolution([trail], T0, END) == {1: (1, 0), 2: (1, 0), 3: (1, 1)}


def test_a_ticket_bounced_back_down_and_solved_lower_is_not_solved_at_the_higher_level() -> None:
    trail = TicketTrail(1, at(0), 1, (escalated(1, 1, 2), *bounced(2, 2, 1), solved(4)))
    fcr = first_contact_resolution([trail], T0, END)
    assert fcr[2] == (1, 0)
    # Nor at level 1: it went up from there before it came back.
    assert fcr[1] == (1, 0)


def test_a_ticket_solved_where_it_was_opened_is_first_contact_resolved() -> None:
    trail = TicketTrail(1, at(0), 1, (solved(1),))
    (entry,) = level_entries(trail)
    assert (entry.level, entry.solved_here, entry.went_up) == (1, True, False)


def test_a_ticket_still_open_at_the_level_counts_against_it() -> None:
    open_one = TicketTrail(1, at(0), 1, ())
    done = TicketTrail(2, at(0), 1, (solved(1),))
    assert first_contact_resolution([open_one, done], T0, END) == {1: (2, 1)}


def test_only_tickets_entering_the_level_in_the_period_are_counted() -> None:
    # Entered level 1 a day before the period, level 2 within it.
    trail = TicketTrail(1, at(-24), 1, (escalated(2, 1, 2), solved(3)))
    assert first_contact_resolution([trail], T0, END) == {2: (1, 1)}
    # And what happens after the period does not count: solved after it ended.
    late = TicketTrail(2, at(0), 1, (solved(24 * 8),))
    assert first_contact_resolution([late], T0, END) == {1: (1, 0)}


def test_the_metrics_report_fcr_per_level_as_entered_and_solved_there() -> None:
    # Two tickets enter L2: one is solved there, one is bounced back and solved at L1. Before,
    # the rate was "solved at the level and never escalated out of it / solved there": 100 %.
    kept = TicketTrail(1, at(0), 1, (escalated(1, 1, 2), solved(3)))
    returned = TicketTrail(2, at(0), 1, (escalated(1, 1, 2), *bounced(2, 2, 1), solved(4)))
    first_contact = TicketTrail(3, at(0), 1, (solved(1),))

    report = compute_metrics([kept, returned, first_contact], [], [], T0, END)

    l1, l2 = report.levels[1], report.levels[2]
    assert (l2.entered, l2.solved_first_contact, l2.first_contact_resolution) == (2, 1, 0.5)
    assert (l1.entered, l1.solved_first_contact) == (3, 1)
    assert l1.first_contact_resolution == round(1 / 3, 4)
    assert report.levels[3].first_contact_resolution is None
