"""The demo history gives the reports something to show: ratings and escalations in most of its
weeks (a small build; the code path is the full one's)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.demo import build_demo
from tierdesk.services import reports
from tierdesk.services.auth import SYSTEM

END = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_demo_history_has_ratings_escalations_and_bounces_week_by_week(
    sqlite_template: Path, tmp_path: Path
) -> None:
    database = tmp_path / "demo.db"
    database.write_bytes(sqlite_template.read_bytes())
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{database}",
        env="test",
        search=SearchSettings(embedder="hashing"),
    )
    app = bootstrap(settings, clock=FixedClock(END))
    try:
        build_demo(app, seed=11, end=END, scenario_tickets=40, hadoop_tickets=30)
        report = reports.trend_report(app.desk, SYSTEM, "week", 26, "level")
    finally:
        app.close()

    weeks = range(len(report.periods))
    rated = [n for n in weeks if sum(report.cell(n, g).csat_count for g in report.groups)]
    escalated = [n for n in weeks if sum(report.cell(n, g).escalations for g in report.groups)]
    bounced = [n for n in weeks if sum(report.cell(n, g).bounced for g in report.groups)]
    assert len(rated) >= 10
    assert len(escalated) >= 15
    assert len(bounced) >= 3
