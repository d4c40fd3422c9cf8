"""Adding, deactivating and reactivating agents on /admin, on both engines: who may grant which
role, clear messages for every mistake with nothing stored, CSRF, escaping, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.web.conftest import Browser, WebDesk, agent_with_password
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact, Role, Tier
from tierdesk.services import queues
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
NEW_PASSWORD = "plum tree at noon"


def counts(app: Tierdesk) -> tuple[int, int]:
    """Agents and audit events stored: what a refused form must leave as it was."""
    with app.engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(tables.agents)).scalar_one(),
            connection.execute(select(func.count()).select_from(tables.audit_events)).scalar_one(),
        )


def audit(app: Tierdesk, action: str) -> list[tuple[str, dict[str, Any]]]:
    a = tables.audit_events.c
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(a.actor_name, a.changes).where(a.action == action).order_by(a.id)
        )
        return [(row.actor_name, row.changes) for row in rows]


def stored_agent(app: Tierdesk, email: str) -> Any:
    a = tables.agents.c
    with app.engine.connect() as connection:
        return connection.execute(select(tables.agents).where(a.email == email)).one_or_none()


HTMX = {"HX-Request": "true"}


def form(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "email": "new.agent@kestrel.example",
        "name": "Nia New",
        "role": "agent",
        "tiers": ["1", "2"],
        "skills": "Kestrel SBC, media relay",
        "languages": "de, en",
        "capacity": "12",
        "password": NEW_PASSWORD,
    }
    values.update(fields)
    return values


def test_a_lead_adds_an_agent_who_then_signs_in_with_the_initial_password(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    queues.create_queue(
        web.app.desk, SYSTEM, queues.NewQueue(key="l2-sbc", name="SBC L2", tier=Tier.L2)
    )
    browser = signed_in(web.lead)
    page = browser.get("/admin").text
    assert 'action="/admin/agents#add-agent-h"' in page and 'value="l2-sbc"' in page

    response = browser.post("/admin/agents", form(queue_keys=["l2-sbc"]), follow_redirects=False)

    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"].startswith("/admin?notice=Agent+Nia+New+added")
    row = stored_agent(web.app, "new.agent@kestrel.example")
    assert (row.name, row.role, row.tiers, row.capacity) == ("Nia New", "agent", [1, 2], 12)
    assert (row.skills, row.languages, row.queues) == (
        ["Kestrel SBC", "media relay"],
        ["de", "en"],
        ["l2-sbc"],
    )
    assert NEW_PASSWORD not in row.password_hash  # argon2, never the password itself
    [(actor, changes)] = audit(web.app, "agent.created")[-1:]
    assert actor == "Lea Lead"
    assert changes == {"email": "new.agent@kestrel.example", "tiers": [1, 2], "role": "agent"}
    assert "Nia New" in browser.get("/admin").text

    newcomer = new_browser()
    newcomer.get("/signin")
    welcome = newcomer.post(
        "/signin", {"email": "New.Agent@kestrel.example", "password": NEW_PASSWORD}
    )
    assert welcome.status_code == 200
    assert "Nia New" in welcome.text


def test_an_l1_agent_can_neither_see_nor_use_the_admin_pages(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.l1)
    assert browser.get("/admin").status_code == 403
    browser.get("/queue")  # a page that gives an L1 agent their CSRF token
    before = counts(web.app)

    response = browser.post("/admin/agents", form())

    assert response.status_code == 403
    assert counts(web.app) == before
    assert browser.post(f"/admin/agents/{web.l2.id}/active", {"active": "false"}).status_code == 403
    assert stored_agent(web.app, web.l2.email).active


def test_a_lead_cannot_create_an_admin_but_an_admin_can(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    page = lead.get("/admin").text
    assert '<option value="lead"' in page
    assert '<option value="admin"' not in page  # not offered
    before = counts(web.app)

    refused = lead.post("/admin/agents", form(role="admin"))  # and refused when sent anyway

    assert refused.status_code == 403
    assert "only admins create admins" in refused.text
    assert counts(web.app) == before

    admin = signed_in(agent_with_password(web.app, [1, 2, 3], Role.ADMIN, name="Ada Admin"))
    assert '<option value="admin"' in admin.get("/admin").text
    made = admin.post("/admin/agents", form(role="admin"), follow_redirects=False)
    assert made.status_code == 303
    assert stored_agent(web.app, "new.agent@kestrel.example").role == "admin"


def test_a_duplicate_address_is_refused_with_the_form_filled_in_again_and_nothing_stored(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.lead)
    browser.get("/admin")
    before = counts(web.app)

    response = browser.post("/admin/agents", form(email=web.l2.email.upper(), name="Twin"))

    assert response.status_code == 409
    assert f"{web.l2.email} is already registered" in response.text
    assert 'value="Twin"' in response.text  # what was typed comes back
    assert NEW_PASSWORD not in response.text  # but never the password
    assert counts(web.app) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "an agent needs a name"),
        ({"name": "N" * 201}, "a name has at most 200 characters"),
        ({"capacity": "lots"}, "capacity must be a whole number"),
        ({"capacity": "0"}, "capacity must be 1-1000 open tickets"),
        ({"password": "short"}, "a password needs at least 12 characters"),
        ({"password": " " * 20}, "a password needs at least 12 characters"),
        ({"tiers": []}, "an agent works at least one level"),
        ({"tiers": ["7"]}, "unknown level"),
        ({"role": "owner"}, "unknown role"),
        ({"email": "not-an-address"}, "is not an e-mail address"),
    ],
)
def test_a_mistake_in_the_form_says_what_is_wrong_and_stores_nothing(
    web: WebDesk, signed_in: SignIn, fields: dict[str, Any], message: str
) -> None:
    browser = signed_in(web.lead)
    browser.get("/admin")
    before = counts(web.app)

    response = browser.post("/admin/agents", form(**fields))

    assert response.status_code == 422
    assert message in response.text
    assert 'id="add-agent-error"' in response.text
    assert counts(web.app) == before


def test_a_form_without_its_security_token_is_refused(web: WebDesk, signed_in: SignIn) -> None:
    browser = signed_in(web.lead)
    before = counts(web.app)

    response = browser.client.post("/admin/agents", data=form())  # no csrf_token field

    assert response.status_code == 403
    assert "security token" in response.text
    assert counts(web.app) == before
    stale = browser.client.post("/admin/agents", data={**form(), "csrf_token": "forged"})
    assert stale.status_code == 403
    assert counts(web.app) == before


def test_a_new_agent_with_a_language_that_is_no_code_is_refused_beside_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    """It was stored ("klingon, 123"), and routing, which matches by language, never chose
    the agent; changing an agent's languages was checked already."""
    browser = signed_in(web.lead)
    browser.get("/admin")

    refused = browser.post("/admin/agents", form(languages="klingon, 123"), headers=HTMX)

    assert refused.status_code == 422
    assert refused.headers["X-Desk-Fields"] == "languages"
    assert "'klingon' is not a language code" in refused.text
    assert "new.agent@kestrel.example" not in browser.get("/admin").text


def test_markup_in_a_new_agent_name_is_shown_as_text(web: WebDesk, signed_in: SignIn) -> None:
    browser = signed_in(web.lead)
    browser.get("/admin")
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    created = browser.post("/admin/agents", form(name=name))

    assert created.status_code == 200  # after the redirect
    assert "<script>alert" not in created.text and "<img src=x" not in created.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in created.text
    refused = browser.post("/admin/agents", form(name=name, email="other@kestrel.example",
                                                 capacity="none"))  # fmt: skip
    assert refused.status_code == 422
    assert "<script>alert" not in refused.text


def test_a_lead_deactivates_and_reactivates_an_agent_and_it_is_audited(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    lead = signed_in(web.lead)
    assert f'action="/admin/agents/{web.l1.id}/active"' in lead.get("/admin").text
    assert f'action="/admin/agents/{web.lead.id}/active"' not in lead.get("/admin").text

    off = lead.post(f"/admin/agents/{web.l1.id}/active", {"active": "false"})

    assert off.status_code == 200 and "Agent deactivated" in off.text
    assert not stored_agent(web.app, web.l1.email).active
    assert new_browser().sign_in(web.l1).status_code == 401  # no sign-in while inactive
    lead.post(f"/admin/agents/{web.l1.id}/active", {"active": "true"})
    assert stored_agent(web.app, web.l1.email).active
    assert new_browser().sign_in(web.l1).status_code == 200
    assert [c for _, c in audit(web.app, "agent.updated")] == [
        {"active": [True, False]},
        {"active": [False, True]},
    ]


def test_a_lead_can_switch_off_neither_themselves_nor_an_admin(
    web: WebDesk, signed_in: SignIn
) -> None:
    admin = agent_with_password(web.app, [1], Role.ADMIN, name="Ada Admin")
    lead = signed_in(web.lead)
    assert f'action="/admin/agents/{admin.id}/active"' not in lead.get("/admin").text

    for target, reason in ((admin, "a lead cannot deactivate"), (web.lead, "yourself")):
        refused = lead.post(f"/admin/agents/{target.id}/active", {"active": "false"})
        assert refused.status_code == 403
        assert reason in refused.text
        assert stored_agent(web.app, target.email).active
    assert audit(web.app, "agent.updated") == []

    admin_browser = signed_in(admin)
    assert f'action="/admin/agents/{web.lead.id}/active"' in admin_browser.get("/admin").text
    by_admin = admin_browser.post(f"/admin/agents/{web.lead.id}/active", {"active": "false"})
    assert by_admin.status_code == 200
    assert not stored_agent(web.app, web.lead.email).active


def test_an_agent_row_with_its_capacity_emptied_or_a_language_that_is_no_code_is_refused(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    row = {"tiers": ["1"], "skills": "", "languages": "en", "queue_keys": "", "capacity": "7"}
    url = f"/admin/agents/{web.l1.id}"
    assert lead.post(url, row, headers={"HX-Request": "true"}).status_code == 204

    emptied = lead.post(url, {**row, "capacity": ""}, headers={"HX-Request": "true"})
    garbage = lead.post(url, {**row, "languages": "en, -1"}, headers={"HX-Request": "true"})

    assert (emptied.status_code, emptied.headers["X-Desk-Fields"]) == (422, "capacity")
    assert (garbage.status_code, garbage.headers["X-Desk-Fields"]) == (422, "languages")
    with web.app.desk.uow() as uow:
        stored = uow.agents.get(web.l1.id or 0)
    assert stored is not None
    assert (stored.capacity, stored.languages) == (7, ["en"])
