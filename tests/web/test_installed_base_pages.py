"""The installed-base page's forms refuse what is not what their field asks for, next to the
field, and store nothing (found walking the demo: a site's time zone took any text)."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM

HTMX = {"HX-Request": "true"}


def test_a_site_with_an_unknown_time_zone_is_refused_beside_the_time_zone_field(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    lead = signed_in(web.lead)
    page = f"/organisations/{web.acme.id}/installed"
    assert lead.get(page).status_code == 200

    refused = lead.post(
        f"{page}/sites", {"name": "Frankfurt", "timezone": "Not/AZone"}, headers=HTMX
    )
    added = lead.post(
        f"{page}/sites", {"name": "Munich", "timezone": "Europe/Berlin"}, headers=HTMX
    )

    assert refused.status_code == 422
    assert refused.headers["X-Desk-Fields"] == "timezone"
    assert "Not/AZone" in refused.text
    assert added.status_code in (200, 204, 303), added.text
    sites = ib.installed_base(web.app.desk, SYSTEM, web.acme.id).sites
    assert [(s.name, s.timezone) for s in sites] == [("Munich", "Europe/Berlin")]
