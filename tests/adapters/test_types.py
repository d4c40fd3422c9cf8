"""Column types that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.exc import StatementError

from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Status

probe = Table(
    "type_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime),
    Column("status", EnumText(Status)),
    Column("tier", TierNumber),
)


@pytest.fixture
def table(app: Tierdesk) -> Table:
    probe.create(app.engine)
    return probe


def read_back(app: Tierdesk, **values: object) -> dict[str, object]:
    with app.engine.begin() as connection:
        key = connection.execute(probe.insert().values(**values)).inserted_primary_key
    assert key is not None
    new_id = key[0]
    with app.engine.connect() as connection:
        row = connection.execute(select(probe).where(probe.c.id == new_id)).one()
    return dict(row._mapping)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 3, 2, 14, 30, 0, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 10, 25, 1, 30, tzinfo=timezone(timedelta(hours=-8))),
    ],
    ids=["utc", "india", "pacific"],
)
def test_an_aware_time_comes_back_as_the_same_instant_in_utc(
    app: Tierdesk, table: Table, moment: datetime
) -> None:
    stored = read_back(app, at=moment)["at"]

    assert isinstance(stored, datetime)
    assert stored == moment
    assert stored.utcoffset() == timedelta(0)
    assert stored.tzinfo is UTC


def test_a_naive_time_is_refused_rather_than_guessed(app: Tierdesk, table: Table) -> None:
    with pytest.raises(StatementError, match="naive datetime"), app.engine.begin() as connection:
        connection.execute(probe.insert().values(at=datetime(2026, 3, 2, 9, 0)))  # noqa: DTZ001


def test_missing_values_stay_missing(app: Tierdesk, table: Table) -> None:
    assert read_back(app) == {"id": 1, "at": None, "status": None, "tier": None}


def test_enums_and_levels_come_back_as_their_types(app: Tierdesk, table: Table) -> None:
    stored = read_back(app, status="pending-customer", tier=3)

    assert stored["status"] is Status.PENDING_CUSTOMER
    assert stored["tier"] is Tier.L3


def test_an_unknown_enum_value_or_level_is_refused(app: Tierdesk, table: Table) -> None:
    with pytest.raises(StatementError), app.engine.begin() as connection:
        connection.execute(probe.insert().values(status="exploded"))
    with pytest.raises(StatementError), app.engine.begin() as connection:
        connection.execute(probe.insert().values(tier=9))
