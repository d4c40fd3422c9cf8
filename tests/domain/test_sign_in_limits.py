"""The sign-in limits as pure rules: when failures block a key, for how long, and the mail cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.domain.sign_in_limits import (
    FailureLimit,
    SignInPolicy,
    retry_after_seconds,
    wait_phrase,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIVE_IN_15 = FailureLimit(5, timedelta(minutes=15), timedelta(minutes=15))


def minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


def test_fewer_failures_than_the_limit_block_nothing() -> None:
    assert FIVE_IN_15.blocked_until(minutes(0, 1, 2, 3), T0 + timedelta(minutes=3)) is None


def test_the_failure_that_reaches_the_limit_blocks_from_its_own_moment() -> None:
    failures = minutes(0, 1, 2, 3, 4)
    now = T0 + timedelta(minutes=4)
    assert FIVE_IN_15.blocked_until(failures, now) == T0 + timedelta(minutes=19)


def test_a_block_holds_until_it_passes_and_then_lifts() -> None:
    failures = minutes(0, 0, 0, 0, 0)
    assert FIVE_IN_15.blocked_until(failures, T0 + timedelta(minutes=14, seconds=59)) is not None
    assert FIVE_IN_15.blocked_until(failures, T0 + timedelta(minutes=15)) is None


def test_failures_spread_wider_than_the_window_never_block() -> None:
    # five failures, but never five within any 15 minutes
    failures = minutes(0, 4, 8, 12, 16)
    assert FIVE_IN_15.blocked_until(failures, T0 + timedelta(minutes=16)) is None


def test_after_a_block_one_more_failure_does_not_lock_again() -> None:
    failures = [*minutes(0, 0, 0, 0, 0), T0 + timedelta(minutes=15, seconds=1)]
    assert FIVE_IN_15.blocked_until(failures, T0 + timedelta(minutes=15, seconds=1)) is None


def test_the_order_the_failures_arrive_in_does_not_matter() -> None:
    failures = minutes(4, 0, 3, 1, 2)
    now = T0 + timedelta(minutes=4)
    assert FIVE_IN_15.blocked_until(failures, now) == T0 + timedelta(minutes=19)


def test_a_limit_needs_a_failure_count_a_window_and_a_block() -> None:
    with pytest.raises(ValueError, match="at least one failure"):
        FailureLimit(0, timedelta(minutes=1), timedelta(minutes=1))
    with pytest.raises(ValueError, match="a window and a block"):
        FailureLimit(5, timedelta(0), timedelta(minutes=1))


def test_failures_older_than_the_horizon_cannot_matter() -> None:
    assert FIVE_IN_15.horizon == timedelta(minutes=30)


def test_the_default_policy_is_the_documented_one() -> None:
    policy = SignInPolicy()
    assert (policy.account.failures, policy.account.window, policy.account.block) == (
        5,
        timedelta(minutes=15),
        timedelta(minutes=15),
    )
    assert (policy.client.failures, policy.client.window, policy.client.block) == (
        20,
        timedelta(minutes=10),
        timedelta(minutes=10),
    )
    assert [policy.may_mail_link(n) for n in range(5)] == [True, True, True, False, False]


def test_retry_after_is_whole_seconds_rounded_up_and_never_zero() -> None:
    assert retry_after_seconds(T0 + timedelta(seconds=90.2), T0) == 91
    assert retry_after_seconds(T0, T0) == 1
    assert wait_phrase(900) == "15 minutes"
    assert wait_phrase(30) == "1 minute"
