"""``tierdesk mcp``: what an AI assistant reaches through the MCP server is what the same API
token reaches through the REST API — the same access rule, the same errors, the same record —
over stdio and over streamable HTTP, with the SDK's own client."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.assistants.conftest import HttpServer, answer, error, stdio_server
from tests.factories import make_agent, make_contact, make_organisation, make_ticket, token_for
from tests.follow_ups import run_follow_ups
from tests.understanding.test_training_and_llm import ChatServer
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.audit_query import AuditQuery
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Role
from tierdesk.services.agents import AgentChanges, update_agent
from tierdesk.services.conversation import add_message
from tierdesk.services.tickets import get_ticket

TOOLS = {"search", "similar_tickets", "read_ticket", "draft_reply"}


def newest_event(app: Tierdesk) -> int:
    with app.desk.uow() as uow:
        newest = uow.audit.search(AuditQuery(limit=1))
    return newest[0].id or 0 if newest else 0


def recorded_since(app: Tierdesk, event_id: int) -> list[tuple[str, str]]:
    """What the audit log gained after ``event_id``, as (action, actor), oldest first."""
    with app.desk.uow() as uow:
        events = uow.audit.search(AuditQuery(limit=200))
    return [
        (e.action, f"{e.actor_kind}:{e.actor_id}")
        for e in reversed(events)
        if (e.id or 0) > event_id
    ]


def rest_error(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """The REST API's error body for this request, without the request's own id."""
    body: dict[str, Any] = client.get(path, headers=headers).json()["error"]
    body.pop("request_id", None)
    return body


def test_an_assistant_over_stdio_reads_what_its_customers_token_may_and_nothing_else(
    settings: Settings, app: Tierdesk, client: TestClient
) -> None:
    desk = app.desk
    acme, globex = make_organisation(desk, name="Acme"), make_organisation(desk, name="Globex")
    anna = make_contact(desk, organisation=acme)
    own = make_ticket(desk, contact=anna, subject="Calls drop after the update")
    other = make_ticket(desk, contact=make_contact(desk, organisation=globex), subject="Fax")
    run_follow_ups(desk)  # indexed
    token = token_for(desk, anna)
    refused = rest_error(client, f"/api/v1/tickets/{other.number}", bearer(token))

    async def talk() -> tuple[Any, ...]:
        from mcp import Client

        async with Client(stdio_server(settings, TIERDESK_MCP_TOKEN=token)) as assistant:
            listed = await assistant.list_tools()
            read = await assistant.call_tool("read_ticket", {"ticket": own.number})
            theirs = await assistant.call_tool("read_ticket", {"ticket": other.number})
            found = await assistant.call_tool("search", {"query": "calls drop"})
            return listed, read, theirs, found

    listed, read, theirs, found = anyio.run(talk)

    assert {tool.name for tool in listed.tools} == TOOLS
    shown = answer(read)
    assert shown["ref"] == own.number
    assert shown["subject"] == "Calls drop after the update"
    assert shown["urls"]["web"].endswith(f"/portal/tickets/{own.number}")
    assert error(theirs) == {"error": refused}
    assert refused["code"] == "not_found"
    assert "Fax" not in theirs.content[0].text
    assert [t["ref"] for t in answer(found)["tickets"]] == [own.number]


def test_over_http_each_call_is_its_callers_and_a_missing_or_bad_token_gets_no_data(
    app: Tierdesk, client: TestClient, http_server: HttpServer
) -> None:
    desk = app.desk
    acme, globex = make_organisation(desk, name="Acme"), make_organisation(desk, name="Globex")
    caller = make_contact(desk, organisation=acme)
    ticket = make_ticket(desk, contact=caller, subject="No audio", body="No audio on calls.")
    twin = make_ticket(desk, contact=caller, subject="No audio again", body="No audio on calls.")
    run_follow_ups(desk)  # indexed
    outsider = bearer(token_for(desk, make_contact(desk, organisation=globex)))
    agent = bearer(token_for(desk, make_agent(desk, tiers=[1])))
    path = f"/api/v1/tickets/{ticket.number}"
    refused = rest_error(client, path, outsider)

    async def talk(headers: dict[str, str] | None) -> tuple[Any, Any, Any]:
        async with http_server.client(headers) as assistant:
            listed = await assistant.list_tools()
            read = await assistant.call_tool("read_ticket", {"ticket": ticket.number})
            alike = await assistant.call_tool("similar_tickets", {"ticket": ticket.number})
            return listed, read, alike

    listed, as_agent, similar = anyio.run(talk, agent)
    _, as_outsider, similar_to_outsider = anyio.run(talk, outsider)
    _, anonymous, _ = anyio.run(talk, None)
    _, forged, _ = anyio.run(talk, {"Authorization": "Bearer td_not-a-token"})

    assert {tool.name for tool in listed.tools} == TOOLS
    shown = answer(as_agent)
    assert shown["subject"] == "No audio"
    assert shown == {
        **client.get(path, headers=agent).json(),
        "ref": ticket.number,
        "urls": shown["urls"],
    }
    assert shown["urls"] == {
        "web": f"http://127.0.0.1:8000/tickets/{ticket.number}",
        "api": f"http://127.0.0.1:8000/api/v1/tickets/{ticket.number}",
    }
    assert error(as_outsider) == {"error": refused}
    assert error(similar_to_outsider) == {"error": refused}
    shown_similar = answer(similar)
    [alike] = shown_similar["open"]
    assert alike["ref"] == twin.number
    assert alike.pop("urls")["web"].endswith(f"/tickets/{twin.number}")
    del alike["ref"]
    by_rest = client.get(f"{path}/similar", headers=agent).json()
    assert {k: shown_similar[k] for k in ("solved", "open")} == by_rest
    for result in (anonymous, forged):
        assert error(result)["error"]["code"] == "unauthenticated"
        assert "No audio" not in result.content[0].text


def test_reading_through_the_assistant_records_what_reading_through_the_api_records(
    app: Tierdesk, client: TestClient, http_server: HttpServer
) -> None:
    desk = app.desk
    ticket = make_ticket(desk, subject="Echo on the line")
    agent = bearer(token_for(desk, make_agent(desk, tiers=[1])))
    before = newest_event(app)
    assert client.get(f"/api/v1/tickets/{ticket.number}", headers=agent).status_code == 200
    by_rest = recorded_since(app, before)

    async def read() -> Any:
        async with http_server.client(agent) as assistant:
            return await assistant.call_tool("read_ticket", {"ticket": ticket.number})

    before = newest_event(app)
    answer(anyio.run(read))
    assert recorded_since(app, before) == by_rest


@pytest.fixture
def chat_url() -> Iterator[str]:
    """A local server speaking the OpenAI chat-completions protocol (the desk's language model
    is outside this machine)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ChatServer.asked = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_drafted_reply_comes_back_to_the_assistant_and_nothing_is_sent(
    settings: Settings, app: Tierdesk, chat_url: str
) -> None:
    desk = app.desk
    anna = make_contact(desk)
    ticket = make_ticket(desk, contact=anna, subject="Calls fail", body="Calls fail since Monday.")
    agent = make_agent(desk, tiers=[1])
    add_message(desk, agent, ticket.number or "", MessageKind.INTERNAL_NOTE, text="SECRET hunter2")
    tokens = token_for(desk, agent), token_for(desk, anna)
    before = newest_event(app)

    async def draft(token: str) -> Any:
        from mcp import Client

        server = stdio_server(
            settings,
            TIERDESK_MCP_TOKEN=token,
            TIERDESK_UNDERSTANDING__LLM_ENDPOINT=chat_url,
            TIERDESK_UNDERSTANDING__LLM_MODEL="tiny",
        )
        async with Client(server) as assistant:
            return await assistant.call_tool("draft_reply", {"ticket": ticket.number})

    drafted = answer(anyio.run(draft, tokens[0]))
    refused = error(anyio.run(draft, tokens[1]))

    assert drafted["draft"] == "Dear Anna, …"
    assert drafted["sent"] is False
    [asked] = ChatServer.asked
    assert "Calls fail since Monday." in str(asked["body"])
    assert "hunter2" not in str(asked["body"])
    assert refused["error"]["code"] == "permission_denied"
    thread = get_ticket(desk, agent, ticket.number or "").messages
    assert [m.body_text for m in thread] == ["Calls fail since Monday.", "SECRET hunter2"]
    assert recorded_since(app, before) == []  # no reply posted, no mail queued


def test_an_agent_made_inactive_loses_their_assistant_in_the_middle_of_its_session(
    settings: Settings, app: Tierdesk
) -> None:
    desk = app.desk
    ticket = make_ticket(desk, subject="Jitter")
    agent = make_agent(desk, tiers=[1])
    lead = make_agent(desk, tiers=[1], role=Role.LEAD)
    token = token_for(desk, agent)
    assert agent.id is not None

    async def talk() -> tuple[Any, Any]:
        from mcp import Client

        async with Client(stdio_server(settings, TIERDESK_MCP_TOKEN=token)) as assistant:
            before = await assistant.call_tool("read_ticket", {"ticket": ticket.number})
            update_agent(desk, lead, agent.id or 0, AgentChanges(active=False))
            after = await assistant.call_tool("read_ticket", {"ticket": ticket.number})
            return before, after

    before, after = anyio.run(talk)

    assert answer(before)["subject"] == "Jitter"
    assert error(after)["error"]["code"] == "unauthenticated"
    assert "Jitter" not in after.content[0].text
