"""The ticket page's SLA clocks table, in words a person reads at a glance."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Agent, Contact


def test_a_late_clock_says_how_late_in_business_time_not_negative_time_left(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser], clock: FixedClock
) -> None:
    # Found walking the demo (TD-1466): a breached clock read "-1d 3h business time left".
    ticket = open_at_l1(web, "Base station down")
    clock.advance(timedelta(days=30))  # every running clock is past its due time

    page = signed_in(web.l1).get(f"/tickets/{ticket.number}").text
    said = re.findall(r'<div class="muted">([^<]*business time[^<]*)</div>', page)

    assert said, "no clock shows its business time"
    assert all(not text.startswith("-") and "left" not in text for text in said), said
    assert all(re.fullmatch(r"\d+d \d+h business time late", text) for text in said), said
