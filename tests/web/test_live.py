"""Live updates (issue 20): the event stream, presence on a ticket, the collision warning before
a reply, @mentions and the notification bell. Both engines."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta

import httpx
import pytest
import uvicorn

from tests.factories import full_packet
from tests.web.conftest import PASSWORD, Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import escalation, notifications, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def served(app: Tierdesk) -> Iterator[str]:
    """The web app on a loopback port (TestClient reads a response only once it has ended,
    and a stream never ends by itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _signed_in_client(url: str, agent: Agent) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=httpx.Timeout(10.0, read=30.0))
    token = _CSRF.search(client.get("/signin").text)
    assert token is not None
    answer = client.post(
        "/signin",
        data={"csrf_token": token.group(1), "email": agent.email, "password": PASSWORD},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    return client


def _events_until(lines: Iterator[str], wanted: Callable[[dict[str, object]], bool]) -> list:
    """The stream's events (name, data) up to and including the first one ``wanted`` accepts."""
    seen: list[tuple[str, dict[str, object]]] = []
    name = ""
    deadline = time.monotonic() + 20
    for line in lines:
        assert time.monotonic() < deadline, f"no such event within 20 s; heard {seen}"
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
            seen.append((name, data))
            if wanted(data):
                return seen
    raise AssertionError(f"the stream ended; heard {seen}")


def test_the_stream_tells_an_agent_of_a_change_to_a_ticket_they_may_see_and_of_no_other(
    web: WebDesk, served: str
) -> None:
    desk = web.app.desk
    beyond = open_at_l1(web, "Lab work the first level cannot open")
    escalation.escalate_ticket(desk, SYSTEM, beyond.number or "", Tier.L2, "lab", full_packet())
    mine = open_at_l1(web, "Phones ring twice")
    with (
        closing(_signed_in_client(served, web.l1)) as client,
        client.stream("GET", "/live/events") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        _events_until(lines, lambda data: "agent" in data)  # hello: listening from here
        # First a change the agent may not hear of, then one they may: events come in order.
        add_message(desk, web.l2, beyond.number or "", MessageKind.INTERNAL_NOTE, text="Lab says")
        add_message(desk, web.lead, mine.number or "", MessageKind.PUBLIC_REPLY, text="Try this")
        heard = _events_until(lines, lambda data: data.get("ticket") == mine.number)

    assert heard[-1] == (
        "ticket",
        {
            "event": heard[-1][1]["event"],
            "ticket": mine.number,
            "action": "message.added",
            "by": web.lead.name,
            "mine": False,
        },
    )
    assert not any(data.get("ticket") == beyond.number for _name, data in heard)
    assert beyond.subject not in str(heard)


def test_the_ticket_page_names_the_newest_change_it_shows(web: WebDesk, signed_in: SignIn) -> None:
    # Seen in a loaded browser run: a change made before the page was rendered came down the
    # stream after it (the hub polls for changes) and the page called it "Changed since you
    # opened it". live.js ignores changes up to the one the page names.
    ticket = open_at_l1(web, "Phones ring twice")
    number = ticket.number or ""
    add_message(web.app.desk, web.lead, number, MessageKind.PUBLIC_REPLY, text="Try this")
    newest = max(e.id or 0 for e in tickets.ticket_events(web.app.desk, SYSTEM, number))

    page = signed_in(web.l1).get(f"/tickets/{number}").text

    assert f'data-seen-event="{newest}"' in page


def test_the_stream_tells_a_mentioned_agent_of_their_notification(
    web: WebDesk, served: str
) -> None:
    ticket = open_at_l1(web, "Echo on long calls")
    with (
        closing(_signed_in_client(served, web.l1)) as client,
        client.stream("GET", "/live/events") as stream,
    ):
        lines = stream.iter_lines()
        _events_until(lines, lambda data: "agent" in data)
        add_message(
            web.app.desk,
            web.lead,
            ticket.number or "",
            MessageKind.INTERNAL_NOTE,
            text="@Lena One can you call them?",
        )
        heard = _events_until(lines, lambda data: data.get("kind") == "mention")

    assert heard[-1][0] == "notification"


def test_a_second_agent_sees_who_is_on_the_ticket_until_the_heartbeats_stop(
    web: WebDesk, signed_in: SignIn, clock: FixedClock
) -> None:
    ticket = open_at_l1(web, "No dial tone")
    path = f"/tickets/{ticket.number}"
    lena, lea = signed_in(web.l1), signed_in(web.lead)
    lena.get(path)
    lea.get(path)

    lena.post(f"{path}/presence", {"state": "typing"})
    here = lea.post(f"{path}/presence", {"state": "viewing"}).text
    assert "Also here" in here and "Lena One" in here and "typing a reply" in here
    assert "Lea Lead" not in here  # not herself

    clock.advance(timedelta(seconds=31))
    assert "Lena One" not in lea.post(f"{path}/presence", {"state": "viewing"}).text


def test_an_agent_who_signs_out_is_no_longer_on_the_ticket(web: WebDesk, signed_in: SignIn) -> None:
    """The README's walk: Tom signs out, Priya signs in and opens his ticket. His page's "I
    left" came after his session had ended and was refused, so she read "Also here: Tom" for
    the half minute his last heartbeat lasted."""
    ticket = open_at_l1(web, "No dial tone")
    path = f"/tickets/{ticket.number}"
    lena, lea = signed_in(web.l1), signed_in(web.lead)
    lena.get(path)
    lea.get(path)
    lena.post(f"{path}/presence", {"state": "viewing"})
    assert "Lena One" in lea.post(f"{path}/presence", {"state": "viewing"}).text

    assert lena.post("/signout").status_code in (200, 303)

    assert "Lena One" not in lea.post(f"{path}/presence", {"state": "viewing"}).text


def test_an_agent_cannot_be_present_on_a_ticket_they_may_not_open(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Lab only")
    escalation.escalate_ticket(
        web.app.desk, SYSTEM, ticket.number or "", Tier.L2, "lab", full_packet()
    )
    lena = signed_in(web.l1)
    lena.get("/queue")

    assert lena.post(f"/tickets/{ticket.number}/presence", {"state": "typing"}).status_code == 404


def test_a_reply_that_would_cross_another_is_held_back_with_a_warning_until_sent_anyway(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    ticket = open_at_l1(web, "Voicemail lost")
    path = f"/tickets/{ticket.number}"
    lena = signed_in(web.l1)
    seen = re.search(r'name="seen_message_id" value="(\d+)"', lena.get(path).text)
    assert seen is not None and int(seen.group(1)) > 0
    add_message(desk, web.lead, ticket.number or "", MessageKind.PUBLIC_REPLY, text="Reset it")
    reply = {"body": "Please reset the box", "seen_message_id": seen.group(1)}

    held = lena.post(f"{path}/messages", reply, headers={"HX-Request": "true"})

    assert held.status_code == 200
    assert held.headers["HX-Retarget"] == "#collision-slot"
    assert "Lea Lead wrote on it" in held.text and "Send anyway" in held.text
    assert len(tickets.get_ticket(desk, web.l1, ticket.number or "").messages) == 2

    sent = lena.post(
        f"{path}/messages", {**reply, "send_anyway": "1"}, headers={"HX-Request": "true"}
    )
    assert sent.status_code == 204
    assert tickets.get_ticket(desk, web.l1, ticket.number or "").messages[-1].body_text == (
        "Please reset the box"
    )


def test_a_reply_is_held_back_while_a_colleague_types_one(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Fax tones")
    path = f"/tickets/{ticket.number}"
    lena, lea = signed_in(web.l1), signed_in(web.lead)
    seen = re.search(r'name="seen_message_id" value="(\d+)"', lena.get(path).text)
    assert seen is not None
    lea.get(path)
    lea.post(f"{path}/presence", {"state": "typing"})

    held = lena.post(
        f"{path}/messages",
        {"body": "Try another line", "seen_message_id": seen.group(1)},
        headers={"HX-Request": "true"},
    )

    assert "Lea Lead is typing a reply right now" in held.text
    # A note to colleagues is not a reply to the customer: it is never held back.
    note = lena.post(
        f"{path}/messages",
        {"body": "Lea is on it", "kind": "internal", "seen_message_id": seen.group(1)},
        headers={"HX-Request": "true"},
    )
    assert note.status_code == 204


def test_a_mention_notifies_only_the_named_agents_who_may_open_the_ticket(
    web: WebDesk,
) -> None:
    desk = web.app.desk
    ticket = open_at_l1(web, "Conference bridge drops")
    escalation.escalate_ticket(desk, SYSTEM, ticket.number or "", Tier.L2, "lab", full_packet())
    before = {a.id: len(notifications.list_notifications(desk, a)) for a in (web.l1, web.l2)}

    add_message(
        desk,
        web.lead,
        ticket.number or "",
        MessageKind.INTERNAL_NOTE,
        text=f"@Lena One and @{web.l2.email.partition('@')[0]}: the bridge drops at 60 min.",
    )

    assert len(notifications.list_notifications(desk, web.l1)) == before[web.l1.id]
    mentions = [n for n in notifications.list_notifications(desk, web.l2) if n.kind == "mention"]
    assert len(mentions) == 1
    assert mentions[0].ticket_id == ticket.id and "Lea Lead mentioned you" in mentions[0].text


def test_a_public_reply_mentions_nobody(web: WebDesk) -> None:
    ticket = open_at_l1(web, "Hold music too loud")
    add_message(
        web.app.desk, web.lead, ticket.number or "", MessageKind.PUBLIC_REPLY, text="@Lena One"
    )
    assert notifications.list_notifications(web.app.desk, web.l1) == []


def test_an_escalation_notifies_the_agents_of_the_level_it_reaches(web: WebDesk) -> None:
    desk = web.app.desk
    ticket = open_at_l1(web, "Trunk flaps")
    escalation.escalate_ticket(desk, web.l1, ticket.number or "", Tier.L2, "flaps", full_packet())

    received = notifications.list_notifications(desk, web.l2)
    assert [n.kind for n in received] == ["escalation.received"]
    assert ticket.number in received[0].text
    assert notifications.list_notifications(desk, web.l1) == []  # not the one who escalated


def test_the_bell_counts_unread_notifications_and_marking_them_read_clears_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Caller ID wrong")
    for text in ("@Lena One look", "@Lena One again"):
        add_message(
            web.app.desk, web.lead, ticket.number or "", MessageKind.INTERNAL_NOTE, text=text
        )
    lena = signed_in(web.l1)
    assert 'data-unread="2"' in lena.get("/notifications/bell").text
    page = lena.get("/notifications").text
    assert "Lea Lead mentioned you" in page and f"/tickets/{ticket.number}" in page
    first = notifications.list_notifications(web.app.desk, web.l1)[0]

    lena.post("/notifications/read", {"note": str(first.id)})
    assert 'data-unread="1"' in lena.get("/notifications/bell").text
    lena.post("/notifications/read")
    assert "data-unread" not in lena.get("/notifications/bell").text
