"""Solving records two texts for two audiences: the internal resolution for colleagues ("Root
cause: …, reprovisioned in the lab") and the answer for the customer. The answer is drafted
from the public thread and prefilled; customers (portal, API, suggestions while they type) only
ever read the answer, agents read both."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import token_for
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]
INTERNAL = "Root cause: stale provisioning profile zq-lab-77; reprovisioned via the lab console"
ANSWER = "We refreshed your phone's configuration; after a restart it registers again."
REPLY = "Please restart the KP-200 once more: it should pick up the new settings."


def _api(web: WebDesk) -> tuple[TestClient, dict[str, str], dict[str, str]]:
    client = TestClient(create_app(web.app))
    customer = {"Authorization": f"Bearer {token_for(web.app.desk, web.acme_contact)}"}
    agent = {"Authorization": f"Bearer {token_for(web.app.desk, web.l1)}"}
    return client, customer, agent


def test_the_solve_dialog_asks_for_both_texts_with_the_answer_drafted_from_the_replies(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "KP-200 does not register", "It shows 'No service' since 9.")
    number = ticket.number or ""
    add_message(web.app.desk, web.l1, number, MessageKind.PUBLIC_REPLY, text=f"Hello,\n\n{REPLY}")
    add_message(web.app.desk, web.l1, number, MessageKind.INTERNAL_NOTE, text="zq-lab-77 stale")
    l1 = signed_in(web.l1)

    page = l1.get(f"/tickets/{number}").text
    assert "Internal resolution (colleagues only)" in page
    assert "Answer for the customer" in page
    prefilled = page.split('name="public_answer"', 1)[1].split("</textarea>", 1)[0]
    assert html.unescape(prefilled).strip().endswith(REPLY)  # the reply, without its greeting
    assert "Hello" not in prefilled
    assert "zq-lab-77" not in prefilled  # internal notes are no part of the draft

    l1.post(f"/tickets/{number}/solve", {"resolution": INTERNAL, "public_answer": ANSWER})

    solved = tickets.get_ticket(web.app.desk, SYSTEM, number)
    assert (solved.status, solved.resolution, solved.public_answer) == ("solved", INTERNAL, ANSWER)
    shown = html.unescape(l1.get(f"/tickets/{number}").text)
    assert INTERNAL in shown and ANSWER in shown  # agents see both


def test_emptying_the_drafted_answer_in_the_solve_dialog_tells_the_customer_nothing(
    web: WebDesk, signed_in: SignIn
) -> None:
    """The dialog says "leave it empty to tell them nothing beyond the thread": an emptied
    field is that choice, not a request for the draft the agent just deleted."""
    ticket = open_at_l1(web, "KP-200 does not register", "It shows 'No service' since 9.")
    number = ticket.number or ""
    add_message(web.app.desk, web.l1, number, MessageKind.PUBLIC_REPLY, text=REPLY)
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")

    l1.post(f"/tickets/{number}/solve", {"resolution": INTERNAL, "public_answer": ""})

    solved = tickets.get_ticket(web.app.desk, SYSTEM, number)
    assert (solved.status, solved.public_answer) == ("solved", None)
    page = html.unescape(signed_in(web.acme_contact).get(f"/portal/tickets/{number}").text)
    assert "How it was solved" not in page


def test_a_refused_answer_for_the_customer_is_named_beside_its_field(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = open_at_l1(web, "KP-200 reboots").number or ""
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")

    refused = l1.post(
        f"/tickets/{number}/solve",
        {"resolution": INTERNAL, "public_answer": "x" * 20_001},
        headers={"HX-Request": "true"},
    )

    assert refused.status_code >= 400
    assert refused.headers["X-Desk-Fields"] == "public_answer"
    assert tickets.get_ticket(web.app.desk, SYSTEM, number).status != "solved"


def test_the_api_solves_with_both_texts_and_gives_the_customer_only_the_answer(
    web: WebDesk,
) -> None:
    number = open_at_l1(web, "KP-200 does not register").number or ""
    client, customer, agent = _api(web)

    solved = client.post(
        f"/api/v1/tickets/{number}/solve",
        json={"resolution": INTERNAL, "public_answer": ANSWER},
        headers=agent,
    )

    assert solved.status_code == 200, solved.text
    assert (solved.json()["resolution"], solved.json()["public_answer"]) == (INTERNAL, ANSWER)
    theirs = client.get(f"/api/v1/tickets/{number}", headers=customer)
    assert (theirs.json()["resolution"], theirs.json()["public_answer"]) == (None, ANSWER)
    for path in (f"/api/v1/tickets/{number}", f"/api/v1/tickets/{number}/events"):
        assert "zq-lab-77" not in client.get(path, headers=customer).text


def test_solving_through_the_api_without_an_answer_takes_the_draft_from_the_replies(
    web: WebDesk,
) -> None:
    number = open_at_l1(web, "KP-200 does not register").number or ""
    add_message(web.app.desk, web.l1, number, MessageKind.PUBLIC_REPLY, text=REPLY)
    add_message(web.app.desk, web.acme_contact, number, MessageKind.CUSTOMER, text="Thanks!")
    client, _, agent = _api(web)

    solved = client.post(
        f"/api/v1/tickets/{number}/solve", json={"resolution": INTERNAL}, headers=agent
    ).json()

    assert solved["public_answer"] == REPLY


def test_the_portal_shows_the_answer_and_never_the_internal_resolution(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = open_at_l1(web, "KP-200 does not register").number or ""
    tickets.solve_ticket(web.app.desk, web.l1, number, INTERNAL, ANSWER)

    page = html.unescape(signed_in(web.acme_contact).get(f"/portal/tickets/{number}").text)

    assert ANSWER in page
    assert "zq-lab-77" not in page


def test_a_portal_suggestion_offers_the_answer_never_the_internal_resolutions_words(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = open_at_l1(web, "KP-200 phone does not register").number or ""
    add_message(web.app.desk, web.l1, number, MessageKind.PUBLIC_REPLY, text=REPLY)
    tickets.solve_ticket(web.app.desk, web.l1, number, INTERNAL, ANSWER)
    portal = signed_in(web.acme_contact)

    typed = portal.suggest({"subject": "KP-200 phone does not register", "body": ""}).text
    assert f"Solved ticket {number}" in typed
    assert "refreshed your phone" in html.unescape(typed)
    assert "zq-lab-77" not in typed and "provisioning profile" not in typed

    # Words only the internal resolution holds find nothing for a customer.
    internal_words = portal.suggest(
        {"subject": "stale provisioning profile zq-lab-77", "body": ""}
    ).text
    assert number not in internal_words
