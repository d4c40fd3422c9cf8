"""How many failed sign-ins the desk accepts before it makes a guesser wait, and for how long.

Pure rules over the moments of past failures; where they are kept is the services' business.
Two keys are counted: the account (the normalised e-mail address, counted alike whether or not
anybody has it, so the answers never tell which addresses have accounts) and the client's
network address (which also counts invalid API tokens)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class LimitScope(StrEnum):
    ACCOUNT = "account"  # key: the normalised e-mail address typed into a sign-in form
    CLIENT = "client"  # key: the client's network address


@dataclass(frozen=True)
class FailureLimit:
    """``failures`` failed attempts within ``window`` block the key for ``block``, counted from
    the failure that reached the limit. Attempts while blocked are refused unchecked and not
    counted, so a blocked guesser cannot stretch the block. When it passes, the failures that
    caused it are at least ``block`` old, so with ``block >= window`` (the defaults) counting
    starts afresh."""

    failures: int
    window: timedelta
    block: timedelta

    def __post_init__(self) -> None:
        if self.failures < 1 or self.window <= timedelta(0) or self.block <= timedelta(0):
            raise ValueError("a failure limit needs at least one failure, a window and a block")

    @property
    def horizon(self) -> timedelta:
        """How far back failures can still matter; older ones may be forgotten."""
        return self.window + self.block

    def blocked_until(self, failures: Sequence[datetime], now: datetime) -> datetime | None:
        """The end of the block these failures impose, or None when the key may try now."""
        moments = sorted(failures)
        until: datetime | None = None
        for last in range(self.failures - 1, len(moments)):
            first = moments[last - self.failures + 1]
            if moments[last] - first < self.window:
                end = moments[last] + self.block
                until = end if until is None or end > until else until
        return until if until is not None and until > now else None


@dataclass(frozen=True)
class SignInPolicy:
    """The whole rule. Defaults: an account is locked for 15 minutes after 5 failures within
    15 minutes; a network address must wait 10 minutes after 20 failures within 10 minutes;
    at most 3 sign-in links are mailed to one address per hour."""

    account: FailureLimit = FailureLimit(5, timedelta(minutes=15), timedelta(minutes=15))
    client: FailureLimit = FailureLimit(20, timedelta(minutes=10), timedelta(minutes=10))
    link_mails: int = 3
    link_window: timedelta = timedelta(hours=1)

    def limit(self, scope: LimitScope) -> FailureLimit:
        return self.account if scope is LimitScope.ACCOUNT else self.client

    def may_mail_link(self, mailed_within_window: int) -> bool:
        """Whether one more sign-in link may go to an address that had this many lately."""
        return mailed_within_window < self.link_mails


def retry_after_seconds(until: datetime, now: datetime) -> int:
    """Whole seconds to wait (at least one), for a ``Retry-After`` header."""
    return max(1, math.ceil((until - now).total_seconds()))


def wait_minutes(seconds: int) -> int:
    """A wait told to people: whole minutes, rounded up, at least one."""
    return max(1, math.ceil(seconds / 60))


def wait_phrase(seconds: int) -> str:
    """ "try again in …" for people: minutes, rounded up."""
    minutes = wait_minutes(seconds)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
