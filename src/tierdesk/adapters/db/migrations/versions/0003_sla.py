"""SLA and background work: calendars, policies, level targets, ticket clocks, notifications,
the job outbox and its attempts; seeds two calendars, a policy per priority x plan and targets
for every level.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DEFAULT_CALENDARS = [
    {
        "name": "business-hours",
        "timezone": "UTC",
        "hours": {d: [["09:00", "18:00"]] if d not in ("sat", "sun") else [] for d in _WEEKDAYS},
        "holidays": [],
        "description": "Monday to Friday, 09:00-18:00 UTC. Set the time zone and holidays "
        "to your support centre's.",
    },
    {
        "name": "24x7",
        "timezone": "UTC",
        "hours": {d: [["00:00", "24:00"]] for d in _WEEKDAYS},
        "holidays": [],
        "description": "Round the clock, every day of the year.",
    },
]

# Minutes of business time: (first response, next response, resolution, warn before, on breach).
# A business day of the default calendar is 540 minutes.
DEFAULT_TARGETS: dict[str, dict[str, tuple[int, int, int, int, str]]] = {
    "basic": {
        "P1": (60, 120, 1080, 15, "escalate"),
        "P2": (240, 480, 2700, 30, "notify"),
        "P3": (540, 1080, 5400, 60, "notify"),
        "P4": (1080, 2160, 10800, 120, "notify"),
    },
    "standard": {
        "P1": (30, 60, 540, 15, "escalate"),
        "P2": (120, 240, 1620, 30, "notify"),
        "P3": (480, 540, 2700, 60, "notify"),
        "P4": (540, 1080, 5400, 120, "notify"),
    },
    "premium": {
        "P1": (15, 60, 240, 10, "escalate"),
        "P2": (60, 240, 1440, 30, "notify"),
        "P3": (240, 480, 4320, 60, "notify"),
        "P4": (480, 960, 10080, 120, "notify"),
    },
}
# (pickup, hand-off or solve, warn before), on the calendar of each ticket's own policy.
DEFAULT_LEVEL_TARGETS = {
    0: (30, 120, 10),
    1: (60, 960, 15),
    2: (120, 1620, 30),
    3: (240, 2700, 60),
    4: (480, 5400, 60),
}


def _create_tables() -> None:
    op.create_table(
        "business_calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("hours", _json(), nullable=False),
        sa.Column("holidays", _json(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_business_calendars_name")),
    )
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=32), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("next_response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("warn_before_minutes", sa.Integer(), nullable=False),
        sa.Column("breach_action", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["business_calendars.id"],
            name=op.f("fk_sla_policies_calendar_id_business_calendars"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["support_plans.id"], name=op.f("fk_sla_policies_plan_id_support_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("priority", "plan_id", name="uq_sla_policies_priority_plan"),
    )
    op.create_table(
        "level_targets",
        sa.Column("tier", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pickup_minutes", sa.Integer(), nullable=False),
        sa.Column("handoff_minutes", sa.Integer(), nullable=False),
        sa.Column("warn_before_minutes", sa.Integer(), nullable=False),
        sa.Column("breach_action", sa.String(length=32), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["business_calendars.id"],
            name=op.f("fk_level_targets_calendar_id_business_calendars"),
        ),
        sa.PrimaryKeyConstraint("tier", name=op.f("pk_level_targets")),
    )
    op.create_table(
        "ticket_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.Column("warn_before_minutes", sa.Integer(), nullable=False),
        sa.Column("breach_action", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["business_calendars.id"],
            name=op.f("fk_ticket_deadlines_calendar_id_business_calendars"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["sla_policies.id"],
            name=op.f("fk_ticket_deadlines_policy_id_sla_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_deadlines_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_deadlines")),
    )
    with op.batch_alter_table("ticket_deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_deadlines_due_at", ["due_at"], unique=False)
        batch_op.create_index("ix_ticket_deadlines_warn_at", ["warn_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ticket_deadlines_ticket_id"), ["ticket_id"], unique=False
        )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_notifications_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_notifications_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_ticket_id"), ["ticket_id"], unique=False)
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_run_at", ["status", "run_at"], unique=False)
    op.create_table(
        "job_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_job_attempts_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_attempts")),
    )
    with op.batch_alter_table("job_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_attempts_job_id"), ["job_id"], unique=False)


def _seed() -> None:
    bind = op.get_bind()
    calendars = sa.table(
        "business_calendars",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("timezone", sa.String),
        sa.column("hours", _json()),
        sa.column("holidays", _json()),
        sa.column("description", sa.Text),
    )
    op.bulk_insert(calendars, DEFAULT_CALENDARS)
    calendar_ids = dict(bind.execute(sa.select(calendars.c.name, calendars.c.id)).all())
    plans = sa.table("support_plans", sa.column("id", sa.Integer), sa.column("key", sa.String))
    plan_ids = dict(bind.execute(sa.select(plans.c.key, plans.c.id)).all())
    policies = sa.table(
        "sla_policies",
        sa.column("priority", sa.String),
        sa.column("plan_id", sa.Integer),
        sa.column("calendar_id", sa.Integer),
        sa.column("first_response_minutes", sa.Integer),
        sa.column("next_response_minutes", sa.Integer),
        sa.column("resolution_minutes", sa.Integer),
        sa.column("warn_before_minutes", sa.Integer),
        sa.column("breach_action", sa.String),
    )
    rows = []
    for plan, targets in DEFAULT_TARGETS.items():
        if plan not in plan_ids:  # a desk that renamed its plans keeps what it has
            continue
        calendar = "24x7" if plan == "premium" else "business-hours"
        for priority, (first, following, resolution, warn, action) in targets.items():
            rows.append(
                {
                    "priority": priority,
                    "plan_id": plan_ids[plan],
                    "calendar_id": calendar_ids[calendar],
                    "first_response_minutes": first,
                    "next_response_minutes": following,
                    "resolution_minutes": resolution,
                    "warn_before_minutes": warn,
                    "breach_action": action,
                }
            )
    op.bulk_insert(policies, rows)
    level_targets = sa.table(
        "level_targets",
        sa.column("tier", sa.Integer),
        sa.column("pickup_minutes", sa.Integer),
        sa.column("handoff_minutes", sa.Integer),
        sa.column("warn_before_minutes", sa.Integer),
        sa.column("breach_action", sa.String),
        sa.column("calendar_id", sa.Integer),
    )
    op.bulk_insert(
        level_targets,
        [
            {
                "tier": tier,
                "pickup_minutes": pickup,
                "handoff_minutes": handoff,
                "warn_before_minutes": warn,
                "breach_action": "notify",
                "calendar_id": None,
            }
            for tier, (pickup, handoff, warn) in DEFAULT_LEVEL_TARGETS.items()
        ],
    )


def upgrade() -> None:
    _create_tables()
    _seed()


def downgrade() -> None:
    with op.batch_alter_table("job_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_attempts_job_id"))
    op.drop_table("job_attempts")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_run_at")
    op.drop_table("jobs")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_agent_id"))
    op.drop_table("notifications")
    with op.batch_alter_table("ticket_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_deadlines_ticket_id"))
        batch_op.drop_index("ix_ticket_deadlines_warn_at")
        batch_op.drop_index("ix_ticket_deadlines_due_at")
    op.drop_table("ticket_deadlines")
    op.drop_table("level_targets")
    op.drop_table("sla_policies")
    op.drop_table("business_calendars")
