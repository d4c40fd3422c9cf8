"""Periodic work of other areas, registered on the one task registry (``services/jobs.py``).

An area with time-based work adds it here (or in its own module with ``TASKS.every``) and every
worker runs it once per period: one job per time slot, shared across all workers (a slot missed
under a backlog is coalesced into the next; ``services/jobs.py`` says how a task covers it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tierdesk.services.desk import Desk
from tierdesk.services.handovers import run_shift_ends
from tierdesk.services.idempotency import purge_expired_keys
from tierdesk.services.jobs import TASKS
from tierdesk.services.rules import sweep_time_rules


@TASKS.every(timedelta(minutes=1), name="rules.time_sweep")
def run_time_rules(desk: Desk, _payload: dict[str, Any]) -> None:
    """Automation rules with time conditions ("pending on the customer for 3 days")."""
    sweep_time_rules(desk)


@TASKS.every(timedelta(hours=1), name="idempotency.purge")
def purge_form_keys(desk: Desk, _payload: dict[str, Any]) -> None:
    """Forget the forms' one-time keys after their day (services/idempotency.py)."""
    purge_expired_keys(desk)


@TASKS.every(timedelta(minutes=1), name="handovers.shift_end")
def hand_over_at_shift_end(desk: Desk, _payload: dict[str, Any]) -> None:
    """Follow-the-sun: a region whose shift ended hands its engineers' open tickets over."""
    run_shift_ends(desk)
