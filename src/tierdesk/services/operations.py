"""The desk's state as an operator watches it (``/metrics``): read in one transaction, a
handful of grouped counts (``ports/operations.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class OperationsSnapshot:
    jobs: dict[tuple[str, str], int]  # (task, state) -> count
    queue_depth: int  # queued jobs due now
    oldest_job_age_seconds: float  # 0 when none waits
    tickets: dict[tuple[int, str], int]  # (level, status) -> count
    mail_in: dict[str, int]  # outcome -> count
    mail_backlog: int  # acknowledged by the SMTP listener, not processed yet
    mail_backlog_oldest_age_seconds: float  # 0 when none waits
    mail_out: dict[str, int]  # status -> count
    sla: dict[str, tuple[int, int]]  # clock kind -> (warned, breached)
    answers: dict[str, int]  # outcome -> count


def read_operations(desk: Desk) -> OperationsSnapshot:
    now = desk.clock.now()
    with desk.uow() as uow:
        readings = uow.operations
        jobs = readings.jobs_by_name_and_status()
        oldest = readings.oldest_due_job(now)
        backlog, oldest_mail = uow.mail.received_backlog()
        return OperationsSnapshot(
            jobs=jobs,
            queue_depth=readings.due_job_count(now),
            oldest_job_age_seconds=_age(now, oldest),
            tickets=readings.tickets_by_tier_and_status(),
            mail_in=readings.inbound_mail_by_outcome(),
            mail_backlog=backlog,
            mail_backlog_oldest_age_seconds=_age(now, oldest_mail),
            mail_out=readings.outbound_mail_by_status(),
            sla=readings.sla_marks_by_kind(),
            answers=readings.answers_by_outcome(),
        )


def _age(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0
