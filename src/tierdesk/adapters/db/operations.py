"""Grouped counts for the operations endpoints (``ports/operations.py``). Each is one
``GROUP BY`` over an indexed column (or a small table: finished jobs are pruned)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tierdesk.adapters.db.answers import answer_attempts
from tierdesk.adapters.db.deadlines import ticket_deadlines
from tierdesk.adapters.db.jobs import jobs
from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.adapters.db.mail_outbox import mail_outbox
from tierdesk.adapters.db.tables import tickets


class SqlOperationsReadings:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ping(self) -> None:
        self.session.execute(text("SELECT 1"))

    def jobs_by_name_and_status(self) -> dict[tuple[str, str], int]:
        query = select(jobs.c.name, jobs.c.status, func.count()).group_by(
            jobs.c.name, jobs.c.status
        )
        return {(name, status): n for name, status, n in self.session.execute(query)}

    def oldest_due_job(self, now: datetime) -> datetime | None:
        query = select(func.min(jobs.c.run_at)).where(
            jobs.c.status == "queued", jobs.c.run_at <= now
        )
        found: datetime | None = self.session.execute(query).scalar_one()
        return found

    def due_job_count(self, now: datetime) -> int:
        query = select(func.count()).where(jobs.c.status == "queued", jobs.c.run_at <= now)
        return int(self.session.execute(query).scalar_one())

    def tickets_by_tier_and_status(self) -> dict[tuple[int, str], int]:
        t = tickets.c
        query = select(t.tier, t.status, func.count()).group_by(t.tier, t.status)
        return {(int(tier), str(status)): n for tier, status, n in self.session.execute(query)}

    def inbound_mail_by_outcome(self) -> dict[str, int]:
        c = inbound_emails.c
        query = select(c.outcome, func.count()).group_by(c.outcome)
        return {str(outcome): n for outcome, n in self.session.execute(query)}

    def outbound_mail_by_status(self) -> dict[str, int]:
        c = mail_outbox.c
        query = select(c.status, func.count()).group_by(c.status)
        return {str(status): n for status, n in self.session.execute(query)}

    def sla_marks_by_kind(self) -> dict[str, tuple[int, int]]:
        d = ticket_deadlines.c
        query = select(d.kind, func.count(d.warned_at), func.count(d.breached_at)).group_by(d.kind)
        return {
            str(kind): (warned, breached) for kind, warned, breached in self.session.execute(query)
        }

    def answers_by_outcome(self) -> dict[str, int]:
        c = answer_attempts.c
        query = select(c.outcome, func.count()).group_by(c.outcome)
        return {str(outcome or "pending"): n for outcome, n in self.session.execute(query)}
