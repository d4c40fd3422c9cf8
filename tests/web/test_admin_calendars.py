"""Business calendars on /admin, on both engines: a lead adds a calendar, changes its hours,
adds holidays from a pasted list and removes one, and moves an SLA policy onto it, each
audited by the SLA service; a bad time zone, hours or date is named next to its field; a name
with markup is shown as text; agents are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.calendars import format_weekly_hours
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import sla

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_a_lead_sets_up_a_calendar_its_holidays_and_a_policy_on_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    assert 'id="calendars"' in lead.get("/admin").text

    added = lead.post(
        "/admin/calendars",
        {"name": "Berlin office", "timezone": "Europe/Berlin", "hours": "mon-fri 09:00-18:00"},
    )
    berlin = sla.get_calendar(web.app.desk, web.lead, "Berlin office")
    lead.post(
        f"/admin/calendars/{berlin.id}",
        {"name": "Berlin office", "timezone": "Europe/Berlin", "hours": "mon-thu 09:00-17:00"},
    )
    lead.post(
        f"/admin/calendars/{berlin.id}/holidays",
        {"holidays": "2026-12-24\n2026-12-25, 2026-12-26"},
    )
    removed = lead.post(f"/admin/calendars/{berlin.id}/holidays/remove", {"day": "2026-12-24"})
    policy = sla.list_policies(web.app.desk, web.lead)[0]
    moved = lead.post(f"/admin/policies/{policy.policy.id}/calendar", {"calendar": berlin.id})

    assert "Calendar Berlin office added" in added.text
    assert "2026-12-24 is a working day again in Berlin office" in removed.text
    assert "runs on Berlin office" in moved.text
    berlin = sla.get_calendar(web.app.desk, web.lead, berlin.id or 0)
    assert format_weekly_hours(berlin.weekly) == "mon-thu 09:00-17:00"
    assert berlin.holidays == {date(2026, 12, 25), date(2026, 12, 26)}
    assert sla.get_policy(web.app.desk, web.lead, policy.policy.id or 0).calendar_name == (
        "Berlin office"
    )


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        (
            "/admin/calendars",
            {"name": "x", "timezone": "Mars/Base", "hours": "mon 09:00-17:00"},
            "timezone",
        ),
        # a folder of the time-zone database, and a name longer than a file name may be
        (
            "/admin/calendars",
            {"name": "x", "timezone": "Europe", "hours": "mon 9:00-17:00"},
            "timezone",
        ),
        (
            "/admin/calendars",
            {"name": "x", "timezone": "x" * 300, "hours": "mon 9:00-17:00"},
            "timezone",
        ),
        ("/admin/calendars", {"name": "x", "timezone": "UTC", "hours": "mon-fri 9-5"}, "hours"),
        (
            "/admin/calendars",
            {"name": "24x7", "timezone": "UTC", "hours": "mon 09:00-17:00"},
            "name",
        ),
        ("/admin/calendars/{id}/holidays", {"holidays": "2026-12-25 25.12.2026"}, "holidays"),
    ],
)
def test_a_bad_value_is_named_next_to_its_field_and_nothing_is_stored(
    web: WebDesk, signed_in: SignIn, path: str, form: dict[str, str], field: str
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    always = sla.get_calendar(web.app.desk, web.lead, "24x7")

    refused = lead.post(path.format(id=always.id), form, headers=HTMX)

    assert refused.status_code in (409, 422) and refused.headers["X-Desk-Fields"] == field
    assert [c.name for c in sla.list_calendars(web.app.desk, web.lead)].count("x") == 0
    assert sla.get_calendar(web.app.desk, web.lead, "24x7").holidays == always.holidays


def test_a_calendar_name_with_markup_is_shown_as_text_and_agents_are_refused(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    page = lead.post(
        "/admin/calendars",
        {"name": "<script>alert(1)</script>", "timezone": "UTC", "hours": "mon 09:00-17:00"},
    )
    l1 = signed_in(web.l1)
    l1.get("/queue")

    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    refused = l1.post(
        "/admin/calendars", {"name": "x", "timezone": "UTC", "hours": "mon 09:00-17:00"}
    )
    assert refused.status_code == 403
