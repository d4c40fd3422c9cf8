"""The levels page: a lead renames a level, says what an escalation to it must carry and what
it promises; a refused value is said beside its field; an agent may not open it."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.sla import BreachAction
from tierdesk.services import levels, sla

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def _level(web: WebDesk, tier: Tier) -> levels.Level:
    return next(v.level for v in levels.list_levels(web.app.desk, web.lead) if v.level.tier == tier)


def test_a_lead_configures_a_level_and_its_promise_and_bad_values_are_named(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    page = lead.get("/admin/levels").text
    assert 'id="level-2"' in page and 'action="/admin/levels/2/target"' in page
    assert 'href="/admin/levels"' in lead.get("/admin").text

    saved = lead.post(
        "/admin/levels/2",
        {
            "name": "Systems",
            "description": "Customer systems and the defect list",
            "sees_restricted": "yes",
            "required_packet_fields": ["symptoms", "environment", "diagnostics"],
        },
    )
    assert "L2 saved" in saved.text
    level = _level(web, Tier.L2)
    assert (level.name, level.takes_from_customers, level.sees_restricted) == (
        "Systems",
        False,
        True,
    )
    assert level.required_packet_fields == ["symptoms", "environment", "diagnostics"]

    bad = lead.post(
        "/admin/levels/2/target",
        {"pickup_minutes": "soon", "handoff_minutes": "480", "warn_before_minutes": "30"},
        headers=HTMX,
    )
    assert bad.status_code == 422 and bad.headers["X-Desk-Fields"] == "pickup_minutes"
    promised = lead.post(
        "/admin/levels/2/target",
        {
            "pickup_minutes": "45",
            "handoff_minutes": "600",
            "warn_before_minutes": "15",
            "breach_action": "raise-priority",
            "calendar": "",
        },
    )
    assert "L2 targets saved" in promised.text
    target = next(t for t in sla.list_level_targets(web.app.desk, web.lead) if t.tier == Tier.L2)
    assert (target.pickup_minutes, target.handoff_minutes, target.warn_before_minutes) == (
        45,
        600,
        15,
    )
    assert target.breach_action is BreachAction.RAISE_PRIORITY and target.calendar_id is None


def test_an_agent_may_not_configure_levels(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)

    assert l1.get("/admin/levels").status_code == 403
    l1.get("/queue")
    assert l1.post("/admin/levels/1", {"name": "Mine"}).status_code == 403
    assert _level(web, Tier.L1).name != "Mine"
