"""The SLA clocks remember calendars, policies and level targets for one transaction only: what
a lead changes in one request applies to the very next ticket, and a write inside a transaction
is seen by its next read (both engines). The desk's clock is Monday 2026-03-02 09:00 UTC; the
standard plan's P3 policy runs on the seeded Mon-Fri 09:00-18:00 UTC calendar."""

from __future__ import annotations

from dataclasses import replace

from tests.sla.support import FIRST, a_lead, clocks, open_ticket, utc
from tierdesk.domain.calendars import parse_weekly_hours
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Priority
from tierdesk.services import sla
from tierdesk.services.desk import Desk


def _standard_p3(desk: Desk) -> sla.PolicyView:
    [view] = [
        v
        for v in sla.list_policies(desk, a_lead(desk))
        if v.plan_key == "standard" and v.policy.priority is Priority.P3
    ]
    return view


def test_each_sla_edit_applies_to_the_next_ticket(desk: Desk) -> None:
    lead = a_lead(desk)
    view = _standard_p3(desk)
    assert view.policy.id is not None
    first = clocks(desk, open_ticket(desk), lead)
    assert first[FIRST].due_at == utc(2026, 3, 2, 17, 0)  # 480 business minutes
    assert first["L0 level-pickup"].due_at == utc(2026, 3, 2, 9, 30)

    # The policy's first response shortened: the next ticket owes it within the hour.
    sla.update_policy(desk, lead, view.policy.id, sla.PolicyFields(first_response_minutes=60))
    second = clocks(desk, open_ticket(desk), lead)
    assert second[FIRST].due_at == utc(2026, 3, 2, 10, 0)

    # The intake level's pickup target shortened.
    sla.set_level_target(desk, lead, Tier.L0, sla.LevelTargetFields(pickup_minutes=10))
    third = clocks(desk, open_ticket(desk), lead)
    assert third["L0 level-pickup"].due_at == utc(2026, 3, 2, 9, 10)

    # The calendar's day starts at 10:00: the next ticket's hour starts counting then.
    sla.update_calendar(
        desk,
        lead,
        view.calendar_name,
        sla.CalendarFields(hours=parse_weekly_hours("mon-fri 10:00-18:00")),
    )
    fourth = clocks(desk, open_ticket(desk), lead)
    assert fourth[FIRST].due_at == utc(2026, 3, 2, 11, 0)


def test_a_write_in_the_same_transaction_is_seen_by_the_next_read(desk: Desk) -> None:
    view = _standard_p3(desk)
    plan_id, calendar_id = view.policy.plan_id, view.policy.calendar_id
    with desk.uow() as uow:
        policy = uow.sla.policy_for(Priority.P3, plan_id)
        target = uow.sla.level_target(Tier.L0)
        calendar = uow.calendars.get(calendar_id)
        assert policy is not None and target is not None and calendar is not None
        # A caller changing what it was given does not change what the next caller reads.
        policy.first_response_minutes = 1
        target.pickup_minutes = 1
        assert uow.sla.policy_for(Priority.P3, plan_id).first_response_minutes == 480  # type: ignore[union-attr]
        assert uow.sla.level_target(Tier.L0).pickup_minutes == 30  # type: ignore[union-attr]

        uow.sla.update_policy(replace(policy, first_response_minutes=90))
        uow.sla.save_level_target(replace(target, pickup_minutes=15))
        uow.calendars.update(replace(calendar, description="changed in this transaction"))
        assert uow.sla.policy_for(Priority.P3, plan_id).first_response_minutes == 90  # type: ignore[union-attr]
        assert uow.sla.level_target(Tier.L0).pickup_minutes == 15  # type: ignore[union-attr]
        assert uow.calendars.get(calendar_id).description == "changed in this transaction"  # type: ignore[union-attr]
        uow.rollback()
        # The rollback ends the transaction: the next read sees the stored values again.
        assert uow.sla.policy_for(Priority.P3, plan_id).first_response_minutes == 480  # type: ignore[union-attr]
        assert uow.sla.level_target(Tier.L0).pickup_minutes == 30  # type: ignore[union-attr]
