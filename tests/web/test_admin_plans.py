"""Plans and SLA policies on /admin, on both engines: a lead adds a plan with a copy of another
plan's policies, renames it, moves an organisation onto it, and changes a policy's warning,
breach action and calendar, all audited; a bad value is named on its field, names are
escaped, and agents are refused."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tests.web.test_admin_routing import audit_count
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.sla import BreachAction, SlaPolicy
from tierdesk.services import people, sla

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def plan_named(web: WebDesk, key: str) -> tuple[str, str, int] | None:
    found = [p for p in people.list_plans(web.app.desk) if p.key == key]
    return (found[0].name, found[0].coverage, int(found[0].highest_tier)) if found else None


def test_a_lead_adds_a_plan_with_copied_policies_renames_it_and_moves_an_organisation(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")

    added = lead.post(
        "/admin/plans",
        {"key": "gold", "name": "Gold", "coverage": "24x7", "highest_level": "3",
         "policies_from": "premium"},
    )  # fmt: skip
    lead.post(
        "/admin/plans/gold",
        {"name": "Gold plus", "coverage": "24x7", "highest_level": "4", "description": ""},
    )
    moved = lead.post(f"/admin/organisations/{web.globex.id}/plan", {"plan": "gold"})

    assert added.status_code == 200 and "Plan added" in added.text
    assert plan_named(web, "gold") == ("Gold plus", "24x7", 4)
    policies = {v.policy.priority for v in sla.list_policies(web.app.desk, web.lead)
                if v.plan_key == "gold"}  # fmt: skip
    assert policies == {"P1", "P2", "P3", "P4"}
    orgs = {o.id: o.plan_id for o in people.list_organisations(web.app.desk, web.lead)}
    gold = next(p for p in people.list_plans(web.app.desk) if p.key == "gold")
    assert orgs[web.globex.id] == gold.id and "Organisation moved" in moved.text
    assert (audit_count(web.app, "plan.created"), audit_count(web.app, "plan.updated")) == (1, 1)
    assert audit_count(web.app, "organisation.updated") == 1


def test_a_lead_changes_what_a_breach_does_and_the_warning_of_a_policy(
    web: WebDesk, signed_in: SignIn
) -> None:
    view = next(v for v in sla.list_policies(web.app.desk, web.lead) if v.plan_key == "basic")
    policy = view.policy
    calendar = next(c for c in sla.list_calendars(web.app.desk, web.lead) if c.name == "24x7")
    lead = signed_in(web.lead)
    page = lead.get("/admin")
    assert f'action="/admin/policies/{policy.id}"' in page.text

    lead.post(
        f"/admin/policies/{policy.id}",
        {"first_response_minutes": "30", "next_response_minutes": "60",
         "resolution_minutes": "600", "warn_before_minutes": "15",
         "breach_action": "escalate", "calendar": str(calendar.id)},
    )  # fmt: skip

    changed = sla.get_policy(web.app.desk, web.lead, policy.id or 0).policy
    assert (changed.first_response_minutes, changed.warn_before_minutes) == (30, 15)
    assert (changed.breach_action, changed.calendar_id) == (BreachAction.ESCALATE, calendar.id)


def test_bad_values_are_named_on_their_fields_and_nothing_is_stored(
    web: WebDesk, signed_in: SignIn
) -> None:
    policy = sla.list_policies(web.app.desk, web.lead)[0].policy
    lead = signed_in(web.lead)
    lead.get("/admin")

    warn = lead.post(
        f"/admin/policies/{policy.id}",
        {**row_of(policy), "warn_before_minutes": "soon"},
        headers=HTMX,
    )
    key = lead.post("/admin/plans", {"key": "Gold Plan!", "name": "Gold"}, headers=HTMX)
    coverage = lead.post(
        "/admin/plans", {"key": "gold", "name": "Gold", "coverage": "weekends"}, headers=HTMX
    )

    assert (warn.status_code, warn.headers["X-Desk-Fields"]) == (422, "warn_before_minutes")
    assert (key.status_code, key.headers["X-Desk-Fields"]) == (422, "key")
    assert (coverage.status_code, coverage.headers["X-Desk-Fields"]) == (422, "coverage")
    assert plan_named(web, "gold") is None
    assert sla.list_policies(web.app.desk, web.lead)[0].policy.warn_before_minutes == (
        policy.warn_before_minutes
    )


def row_of(policy: SlaPolicy) -> dict[str, str]:
    """A policy's row on the SLA tab as the page sends it: every field it shows."""
    return {
        "calendar": str(policy.calendar_id),
        "first_response_minutes": str(policy.first_response_minutes),
        "next_response_minutes": str(policy.next_response_minutes),
        "resolution_minutes": str(policy.resolution_minutes),
        "warn_before_minutes": str(policy.warn_before_minutes),
        "breach_action": str(policy.breach_action),
    }


def test_a_target_emptied_in_a_policy_row_is_refused_not_kept_in_silence(
    web: WebDesk, signed_in: SignIn
) -> None:
    policy = sla.list_policies(web.app.desk, web.lead)[0].policy
    lead = signed_in(web.lead)
    lead.get("/admin")

    emptied = lead.post(
        f"/admin/policies/{policy.id}",
        {**row_of(policy), "resolution_minutes": " ", "breach_action": "escalate"},
        headers=HTMX,
    )
    no_warning = lead.post(
        f"/admin/policies/{policy.id}", {**row_of(policy), "warn_before_minutes": ""}, headers=HTMX
    )

    assert emptied.status_code == 422, emptied.text
    assert emptied.headers["X-Desk-Fields"] == "resolution_minutes"
    assert "give the resolution target in minutes" in emptied.text
    assert no_warning.status_code == 204, no_warning.text
    stored = sla.get_policy(web.app.desk, web.lead, policy.id or 0).policy
    assert (stored.resolution_minutes, stored.breach_action) == (
        policy.resolution_minutes,
        policy.breach_action,
    )
    assert stored.warn_before_minutes == 0


def test_a_plan_s_name_is_shown_escaped_and_agents_cannot_add_plans(
    web: WebDesk, signed_in: SignIn
) -> None:
    payload = "<img src=x onerror=alert(1)>"
    lead = signed_in(web.lead)
    lead.get("/admin")
    lead.post("/admin/plans", {"key": "xss", "name": payload})
    l1 = signed_in(web.l1)
    l1.get("/queue")

    page = lead.get("/admin").text
    refused = l1.post("/admin/plans", {"key": "mine", "name": "Mine"})

    assert payload not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert refused.status_code == 403 and plan_named(web, "mine") is None


def test_an_organisation_with_a_name_too_long_or_no_mail_domain_is_refused_on_its_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    before = len(people.list_organisations(web.app.desk, web.lead))

    long_name = lead.post(
        "/admin/organisations", {"name": "N" * 201, "plan": "standard"}, headers=HTMX
    )
    refused = [
        lead.post(
            "/admin/organisations",
            {"name": f"Org {n}", "plan": "standard", "domains": f"ok.example, {typed}"},
            headers=HTMX,
        )
        for n, typed in enumerate(("<script>alert(1)</script>", "localhost", "-1", "a b.example"))
    ]
    added = lead.post(
        "/admin/organisations",
        {"name": "Initech", "plan": "standard", "domains": "@Initech.example, initech.co.uk"},
        headers=HTMX,
    )

    assert long_name.status_code == 422 and long_name.headers["X-Desk-Fields"] == "name"
    assert [r.status_code for r in refused] == [422] * 4
    assert {r.headers["X-Desk-Fields"] for r in refused} == {"email_domains"}
    assert added.status_code == 204, added.text
    organisations = people.list_organisations(web.app.desk, web.lead)
    assert len(organisations) == before + 1
    initech = next(o for o in organisations if o.name == "Initech")
    assert initech.email_domains == ["initech.co.uk", "initech.example"]
