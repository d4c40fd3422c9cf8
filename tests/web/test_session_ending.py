"""Sessions live on the server: a cookie copied from a browser stops working when its owner signs
out, changes their password or is switched off, and password changes end every other session."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import token_for
from tests.web.conftest import PASSWORD, Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db import tables_web
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import tickets
from tierdesk.services.audit_log import AuditFilter, list_audit_events
from tierdesk.services.auth import SYSTEM
from tierdesk.services.web_sessions import digest, prune_sessions

SignIn = Callable[[Agent | Contact], Browser]
NEW_PASSWORD = "a much longer new secret"


def copy_of(browser: Browser, new_browser: Callable[[], Browser]) -> Browser:
    """Another client holding the same cookie (and form token): a stolen or replayed session."""
    thief = new_browser()
    thief.client.cookies.set("tierdesk_session", browser.client.cookies["tierdesk_session"])
    thief.token = browser.token
    return thief


def notes_on(web: WebDesk, number: str) -> list[str]:
    return [m.body_text for m in tickets.get_ticket(web.app.desk, SYSTEM, number).messages]


def actions(web: WebDesk, prefix: str) -> list[str]:
    page = list_audit_events(web.app.desk, web.lead, AuditFilter(action=prefix, limit=200))
    return [entry.event.action for entry in page.entries]


def test_a_copied_cookie_stops_working_after_sign_out(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    number = open_at_l1(web, "One-way audio").number or ""
    browser = signed_in(web.l1)
    browser.get(f"/tickets/{number}")
    thief = copy_of(browser, new_browser)
    assert thief.get("/queue").url.path == "/queue"  # the copy works while the session lives

    browser.post("/signout")

    assert thief.get("/queue").url.path == "/signin"
    replayed = thief.post(f"/tickets/{number}/messages", {"kind": "internal", "body": "Replayed"})
    assert replayed.url.path == "/signin"
    assert "Replayed" not in notes_on(web, number)
    assert "session.signed_out" in actions(web, "session.")


def test_a_copied_portal_cookie_stops_working_after_sign_out(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    customer = signed_in(web.acme_contact)
    customer.get("/portal/tickets")
    thief = copy_of(customer, new_browser)

    customer.post("/portal/signout")

    assert thief.get("/portal/tickets").url.path == "/portal/signin"


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    number = open_at_l1(web, "Echo on calls").number or ""
    browser = signed_in(web.l1)
    elsewhere = signed_in(web.l1)  # the same agent on another computer
    browser.get(f"/tickets/{number}")
    thief = copy_of(browser, new_browser)
    browser.get("/account/password")

    changed = browser.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 200
    assert "Password changed" in changed.text
    assert browser.get("/queue").url.path == "/queue"  # renewed, still signed in
    assert elsewhere.get("/queue").url.path == "/signin"
    assert thief.get("/queue").url.path == "/signin"
    replayed = thief.post(f"/tickets/{number}/messages", {"kind": "internal", "body": "Replayed"})
    assert replayed.url.path == "/signin"
    assert "Replayed" not in notes_on(web, number)
    assert new_browser().sign_in(web.l1).status_code == 401  # the old password is gone
    assert new_browser().sign_in(web.l1, NEW_PASSWORD).url.path == "/queue"
    assert {"password.changed"} <= set(actions(web, "password."))
    assert "session.ended" in actions(web, "session.")


def test_a_password_change_needs_the_current_password_and_the_rule_for_new_ones(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.l1)
    browser.get("/account/password")

    wrong = browser.post(
        "/account/password",
        {
            "current_password": "not it",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    short = browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "new_password_again": "short"},
    )
    differ = browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": "x"},
    )

    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    assert short.status_code == 422 and "at least 12 characters" in short.text
    assert differ.status_code == 422 and "differ" in differ.text
    assert browser.get("/queue").url.path == "/queue"  # nothing was changed or ended


def test_a_customer_changes_their_portal_password_and_other_sessions_end(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    customer = signed_in(web.acme_contact)
    customer.get("/portal/account/password")
    thief = copy_of(customer, new_browser)

    changed = customer.post(
        "/portal/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert changed.url.path == "/portal/account/password"
    assert "Password changed" in changed.text
    assert customer.get("/portal/tickets").status_code == 200
    assert thief.get("/portal/tickets").url.path == "/portal/signin"
    assert new_browser().sign_in(web.acme_contact, NEW_PASSWORD).url.path == "/portal/tickets"


def test_deactivating_an_agent_ends_their_sessions_even_after_reactivation(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    number = open_at_l1(web, "No ringback").number or ""
    victim = signed_in(web.l1)
    victim.get(f"/tickets/{number}")
    thief = copy_of(victim, new_browser)
    lead = signed_in(web.lead)
    lead.get("/admin")

    lead.post(f"/admin/agents/{web.l1.id}/active", {"active": "false"})
    lead.post(f"/admin/agents/{web.l1.id}/active", {"active": "true"})

    # Switched back on, the agent signs in again; the old cookie stays dead.
    assert thief.get("/queue").url.path == "/signin"
    replayed = thief.post(f"/tickets/{number}/messages", {"kind": "internal", "body": "Replayed"})
    assert replayed.url.path == "/signin"
    assert "Replayed" not in notes_on(web, number)
    assert victim.get("/queue").url.path == "/signin"
    assert new_browser().sign_in(web.l1).url.path == "/queue"


def test_deactivating_an_agent_through_the_api_ends_their_sessions(
    web: WebDesk, signed_in: SignIn, client: TestClient
) -> None:
    victim = signed_in(web.l1)
    token = token_for(web.app.desk, web.lead)
    for active in (False, True):
        response = client.patch(
            f"/api/v1/agents/{web.l1.id}",
            json={"active": active},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text

    assert victim.get("/queue").url.path == "/signin"


def test_a_lead_sets_an_agents_password_which_ends_their_sessions(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    victim = signed_in(web.l1)
    lead = signed_in(web.lead)
    assert f'action="/admin/agents/{web.l1.id}/password"' in lead.get("/admin").text

    done = lead.post(f"/admin/agents/{web.l1.id}/password", {"password": NEW_PASSWORD})

    assert "Password set" in done.text
    assert victim.get("/queue").url.path == "/signin"
    assert new_browser().sign_in(web.l1).status_code == 401
    assert new_browser().sign_in(web.l1, NEW_PASSWORD).url.path == "/queue"
    assert "password.set" in actions(web, "password.")


def test_setting_a_password_through_the_api_follows_the_rules(
    web: WebDesk, signed_in: SignIn, client: TestClient
) -> None:
    victim = signed_in(web.l1)

    def patch(who: Agent, agent: Agent, password: str) -> int:
        token = token_for(web.app.desk, who)
        response = client.patch(
            f"/api/v1/agents/{agent.id}",
            json={"password": password},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert "password" not in response.json()  # never echoed
        return response.status_code

    assert patch(web.l2, web.l1, NEW_PASSWORD) == 403  # agents set no passwords
    assert patch(web.lead, web.lead, NEW_PASSWORD) == 403  # one's own needs the current one
    assert patch(web.lead, web.l1, "short") == 422
    assert victim.get("/queue").url.path == "/queue"
    assert patch(web.lead, web.l1, NEW_PASSWORD) == 200
    assert victim.get("/queue").url.path == "/signin"


def test_signing_in_again_ends_the_browsers_previous_session(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    browser = signed_in(web.l1)
    before = copy_of(browser, new_browser)

    browser.sign_in(web.l2)

    assert before.get("/queue").url.path == "/signin"
    assert "Otto Two" in browser.get("/queue").text


def session_token(browser: Browser) -> str:
    cookie = browser.client.cookies["tierdesk_session"]
    payload = cookie.split(".")[0]
    data: dict[str, str] = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    return data["sid"]


def test_the_cookie_holds_only_a_random_session_id_and_the_form_token(
    web: WebDesk, signed_in: SignIn
) -> None:
    first, second = signed_in(web.l1), signed_in(web.l1)
    cookie = first.client.cookies["tierdesk_session"]
    payload = cookie.split(".")[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"sid", "csrf"}  # nobody's id, kind or role
    assert len(data["sid"]) >= 43  # 32 random bytes
    assert session_token(first) != session_token(second)


def test_reading_a_session_writes_its_last_use_at_most_once_a_minute(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    browser = signed_in(web.l1)
    key = digest(session_token(browser))

    def last_seen() -> object:
        with web.app.desk.uow() as uow:
            found = uow.sessions.signed_in(key, "agent", clock.now())
            assert found is not None
            return found.last_seen_at

    signed_in_at = clock.now()
    clock.advance(timedelta(seconds=30))
    browser.get("/queue")
    assert last_seen() == signed_in_at
    clock.advance(timedelta(seconds=31))
    browser.get("/queue")
    assert last_seen() == clock.now()


def test_a_session_ends_twelve_hours_after_sign_in(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    browser = signed_in(web.l1)
    clock.advance(timedelta(hours=11, minutes=59))
    assert browser.get("/queue").url.path == "/queue"
    clock.advance(timedelta(minutes=1))
    assert browser.get("/queue").url.path == "/signin"


def test_old_sessions_and_failures_that_no_longer_count_are_pruned(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser], clock: FixedClock
) -> None:
    ended = signed_in(web.l1)
    ended.get("/queue")
    assert ended.post("/signout").url.path == "/signin"
    signed_in(web.l2)  # still live
    new_browser().sign_in(web.lead, "wrong guess")

    def stored() -> tuple[int, int]:
        with web.app.engine.connect() as connection:
            count = [
                connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (tables_web.web_sessions, tables_web.sign_in_failures)
            ]
        return count[0], count[1]

    assert stored() == (2, 2)  # the wrong password counts for the account and the client
    clock.advance(timedelta(minutes=29))
    prune_sessions(web.app.desk, {})
    assert stored() == (2, 2)  # the failures still count for the account limit (15 + 15 min)
    clock.advance(timedelta(minutes=2))
    prune_sessions(web.app.desk, {})
    assert stored() == (2, 0)
    clock.advance(timedelta(days=7))
    prune_sessions(web.app.desk, {})
    assert stored() == (1, 0)  # the ended one; the live one expired 12 h after sign-in…
    clock.advance(timedelta(hours=12))
    prune_sessions(web.app.desk, {})
    assert stored() == (0, 0)  # …and is forgotten a week after that
