"""Automation rules on /admin, on both engines: a lead builds a rule from rows of conditions
and actions (rows added and removed by a round-trip that stores nothing), edits, disables,
reorders and deletes rules through the same services as the API (audited); a bad value is
named next to its row's input; names are escaped; "test this rule on a ticket" says whether
it holds and changes nothing. Agents are refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.web.conftest import Browser, WebDesk
from tests.web.test_admin_routing import audit_count
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.rules import condition_to_data
from tierdesk.services import rules, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def rule_form(name: str, **fields: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": name,
        "trigger": "event",
        "events": "ticket.opened",
        "match": "all",
        "c_field": ["priority", "tags"],
        "c_op": ["in", "contains"],
        "c_value": ["P1, P2", "vip"],
        "a_type": ["add_tag", "add_note"],
        "a_value": ["hot", ""],
        "a_text": ["", "A VIP with an urgent problem"],
        "enabled": "true",
    }
    return {**form, **fields}


def stored(web: WebDesk) -> list[tuple[str, dict[str, Any], list[dict[str, Any]], bool]]:
    return [
        (r.name, condition_to_data(r.condition), [a.to_data() for a in r.actions], r.enabled)
        for r in rules.list_rules(web.app.desk, web.lead)
    ]


def test_a_lead_builds_a_rule_from_rows_and_it_fires_on_a_new_ticket(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin/rules/new")

    more = lead.post("/admin/rules/new", {**rule_form("VIP"), "builder": "add-condition"})
    fewer = lead.post("/admin/rules/new", {**rule_form("VIP"), "builder": "remove-action:1"})
    assert more.status_code == 200 and 'id="c-field-2"' in more.text
    assert 'id="a-type-1"' not in fewer.text and 'value="hot"' in fewer.text
    assert stored(web) == []  # the round-trips stored nothing

    added = lead.post("/admin/rules/new", rule_form("VIP"))
    ticket = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Down", body_text="All calls drop.", priority="P1", tags=["VIP"]),
    )

    assert added.status_code == 200 and "Rule added" in added.text
    assert stored(web) == [
        (
            "VIP",
            {
                "all": [
                    {"field": "priority", "op": "in", "value": ["P1", "P2"]},
                    {"field": "tags", "op": "contains", "value": "vip"},
                ]
            },
            [{"type": "add_tag", "value": "hot"},
             {"type": "add_note", "text": "A VIP with an urgent problem"}],
            True,
        )
    ]  # fmt: skip
    assert "hot" in tickets.get_ticket(web.app.desk, web.lead, ticket.number or "").tags


def test_a_lead_edits_disables_moves_and_deletes_rules(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin/rules/new")
    lead.post("/admin/rules/new", rule_form("First"))
    lead.post("/admin/rules/new", rule_form("Second", match="any", enabled=""))
    first, second = rules.list_rules(web.app.desk, web.lead)

    page = lead.get(f"/admin/rules/{second.id}")
    assert 'value="Second"' in page.text and 'value="P1, P2"' in page.text
    lead.post(
        f"/admin/rules/{second.id}",
        rule_form("Second", c_field=["status"], c_op=["eq"], c_value=["open"], enabled="true"),
    )
    lead.post(f"/admin/rules/{first.id}/enabled", {"enabled": "false"})
    moved = lead.post(f"/admin/rules/{second.id}/move", {"direction": "up"})

    assert moved.text.index(f'id="rule-{second.id}"') < moved.text.index(f'id="rule-{first.id}"')
    [(name, condition, _, enabled), (_, _, _, first_enabled)] = stored(web)
    assert (name, condition, enabled) == (
        "Second",
        {"all": [{"field": "status", "op": "eq", "value": "open"}]},
        True,
    )
    assert first_enabled is False
    lead.post(f"/admin/rules/{first.id}/delete")
    assert [r[0] for r in stored(web)] == ["Second"]
    assert audit_count(web.app, "rule.deleted") == 1


def test_a_bad_value_is_named_next_to_its_row_and_nothing_is_stored(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin/rules/new")

    plain = lead.post("/admin/rules/new", rule_form("VIP", c_value=["P1, P9", "vip"]))
    htmx = lead.post(
        "/admin/rules/new", rule_form("VIP", a_type=["set_priority", "add_note"]), headers=HTMX
    )
    age = lead.post(
        "/admin/rules/new",
        rule_form("Old", c_field=["hours_since_update"], c_op=["gt"], c_value=["three days"]),
    )

    assert plain.status_code == 422
    assert 'name="c_value" data-error-field="c_value-0" type="text" value="P1, P9"' in plain.text
    assert 'aria-invalid="true" aria-describedby="err-c_value-0"' in plain.text
    assert 'id="err-c_value-0">Condition 1: priority in needs one of P1' in plain.text
    assert htmx.status_code == 422 and htmx.headers["X-Desk-Fields"] == "a_value-0"
    assert (
        age.status_code == 422 and 'id="err-c_value-0">Condition 1: hours_since_update' in age.text
    )
    assert stored(web) == []


def test_after_a_row_button_the_page_opens_where_the_keyboard_left_off(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin/rules/new")

    def focused(builder: str) -> list[str]:
        page = lead.post("/admin/rules/new", {**rule_form("VIP"), "builder": builder}).text
        return re.findall(r"<(?:select|button)[^>]*\bautofocus\b[^>]*>", page)

    condition, action = focused("add-condition"), focused("add-action")
    gone = focused("remove-condition:0")

    assert len(condition) == 1 and 'id="c-field-2"' in condition[0]  # the new third row
    assert len(action) == 1 and 'id="a-type-2"' in action[0]
    assert len(gone) == 1 and 'value="add-condition"' in gone[0]


def test_a_number_that_is_no_finite_number_is_refused_next_to_its_row(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin/rules/new")

    # float() reads these; stored they were a rule that never (or always) matched, and on
    # PostgreSQL no JSON at all
    answers = [
        lead.post(
            "/admin/rules/new",
            rule_form(f"Old {typed}", c_field=["hours_since_update"], c_op=["gt"], c_value=[typed]),
            headers=HTMX,
        )
        for typed in ("nan", "inf", "1e309", "-inf")
    ]

    assert [a.status_code for a in answers] == [422] * 4
    assert {a.headers["X-Desk-Fields"] for a in answers} == {"c_value-0"}
    assert stored(web) == []


def test_a_rule_s_name_and_texts_are_shown_escaped(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin/rules/new")
    payload = "<script>alert(1)</script>"

    lead.post("/admin/rules/new", rule_form(payload, c_value=["P1", payload]))
    [rule] = rules.list_rules(web.app.desk, web.lead)
    pages = [lead.get("/admin").text, lead.get(f"/admin/rules/{rule.id}").text]

    for page in pages:
        assert payload not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_testing_a_rule_on_a_ticket_shows_each_comparison_and_changes_nothing(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Slow", body_text="Calls are slow.", priority="P2"),
    )
    rule = rules.create_rule(
        web.app.desk,
        SYSTEM,
        rules.NewRule(
            "Urgent VIP",
            {"all": [{"field": "priority", "op": "eq", "value": "P2"},
                     {"field": "tags", "op": "contains", "value": "vip"}]},
            [{"type": "add_tag", "value": "hot"}],
        ),
    )  # fmt: skip
    lead = signed_in(web.lead)
    lead.get("/admin")
    before = audit_count(web.app)

    trial = lead.get(
        f"/admin/rules/{rule.id}/trial", params={"ticket": ticket.number}, headers=HTMX
    )

    assert trial.status_code == 200 and 'data-matches="no"' in trial.text
    assert "✓ priority = P2" in trial.text and "✗ tags has vip" in trial.text
    assert audit_count(web.app) == before


def test_an_agent_can_neither_build_nor_change_rules(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)
    l1.get("/queue")

    page = l1.get("/admin/rules/new")
    added = l1.post("/admin/rules/new", rule_form("Mine"))

    assert (page.status_code, added.status_code) == (403, 403)
    assert stored(web) == []
