"""The MCP server: four tools over the desk's services.

Every tool names its caller first (``callers.py``) and then calls exactly what the REST API
calls for the same request, so there is no second copy of any rule: ``search`` is the
workspace's search box and ``GET /kb/search`` together (ticket search through
``services/search.py``, knowledge passages through ``services/knowledge.py``, a customer's
unanswered question recorded as a knowledge gap as ``/kb/search`` records it),
``similar_tickets`` is ``GET /tickets/{ref}/similar``, ``read_ticket`` is
``GET /tickets/{ref}`` (through ``access_ticket``: missing and not-yours are the same "not
found"), and ``draft_reply`` is ``POST /tickets/{ref}/drafts`` with the task ``reply``, which
only returns text: nothing is posted to the ticket or sent to anyone.

A desk error becomes a tool error (``isError``) whose text is the REST API's error body
(``{"error": {"code", "message", ...}}``); nothing else is in it. Each call is logged on
``tierdesk.mcp`` with the tool, the caller and the outcome, the ticket named by the access
door, as the web edge logs each request."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.mcp import results
from tierdesk.entrypoints.mcp.callers import TOKEN_VARIABLE, caller_of, http_request_of
from tierdesk.errors import TierdeskError
from tierdesk.services import knowledge, knowledge_gaps, log_context, summaries
from tierdesk.services import search as search_services
from tierdesk.services import tickets as ticket_services
from tierdesk.services.desk import Desk

log = logging.getLogger("tierdesk.mcp")

INSTRUCTIONS = (
    "tierdesk, a technical-support desk. Search its tickets and knowledge base, find tickets "
    "similar to one, read a ticket and draft a reply for a person to review. You act as the "
    "owner of the API token you were given and see what they may see; draft_reply never "
    "sends anything."
)

TicketArg = Annotated[str, Field(description='A ticket number ("TD-1042") or id (42)')]
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, openWorldHint=False)


def _who(actor: Agent | Contact) -> str:
    return f"{actor.kind}:{actor.id}"


class DeskTools:
    """The tools, bound to one desk; ``stdio_token`` is ``TIERDESK_MCP_TOKEN`` over stdio and
    None over HTTP, where each call brings its own."""

    def __init__(self, desk: Desk, base_url: str, stdio_token: str | None) -> None:
        self.desk = desk
        self.base_url = base_url.rstrip("/")
        self.stdio_token = stdio_token

    def _call(
        self, tool: str, ctx: Context, work: Callable[[Agent | Contact], dict[str, Any]]
    ) -> CallToolResult:
        log_context.ticket_ref.set(None)  # worker threads are reused: name only this call's
        who = "-"
        try:
            actor = caller_of(self.desk, http_request_of(ctx.request_context), self.stdio_token)
            who = _who(actor)
            answer = work(actor)
        except TierdeskError as error:
            log.info("tool %s by %s: %s", tool, who, error.code)
            body = json.dumps({"error": error.to_dict()}, ensure_ascii=False)
            return CallToolResult(content=[TextContent(type="text", text=body)], is_error=True)
        log.info("tool %s by %s: ok", tool, who)
        return CallToolResult(content=[TextContent(type="text", text=results.as_text(answer))])

    def search(
        self,
        query: Annotated[str, Field(min_length=1, max_length=2000, description="What to find")],
        ctx: Context,
        limit: Annotated[int, Field(ge=1, le=50, description="Results of each kind")] = 10,
    ) -> CallToolResult:
        """Search the tickets you may see and the knowledge base (manuals, known issues,
        articles). Tickets come with their ref and links; an agent also gets the solutions of
        solved tickets they may not open. Passages come with their citation."""

        def work(actor: Agent | Contact) -> dict[str, Any]:
            found = search_services.search_tickets(self.desk, actor, query, limit=limit)
            hits = knowledge.search_knowledge(self.desk, actor, query, limit=limit)
            knowledge_gaps.note_customer_search(
                self.desk, actor, query, [(h.key, h.section) for h in hits]
            )
            return {
                "query": query,
                "tickets": [results.found_ticket(actor, self.base_url, f) for f in found],
                "passages": [results.passage(h) for h in hits],
            }

        return self._call("search", ctx, work)

    def similar_tickets(
        self,
        ticket: TicketArg,
        ctx: Context,
        limit: Annotated[int, Field(ge=1, le=50, description="Results of each kind")] = 5,
    ) -> CallToolResult:
        """Tickets like this one: solved ones with how they were solved, and open look-alikes
        (possible duplicates), each with a score and why."""

        def work(actor: Agent | Contact) -> dict[str, Any]:
            found = search_services.similar_tickets(self.desk, actor, ticket, limit)
            return {"ticket": ticket, **results.similar(actor, self.base_url, found)}

        return self._call("similar_tickets", ctx, work)

    def read_ticket(self, ticket: TicketArg, ctx: Context) -> CallToolResult:
        """A ticket as you may read it: its fields, links and thread (customers: the public
        thread only)."""

        def work(actor: Agent | Contact) -> dict[str, Any]:
            found = ticket_services.get_ticket(self.desk, actor, ticket)
            return results.ticket_read(self.desk, actor, self.base_url, found)

        return self._call("read_ticket", ctx, work)

    def draft_reply(
        self,
        ticket: TicketArg,
        ctx: Context,
        language: Annotated[
            str | None,
            Field(
                min_length=2,
                max_length=16,
                description="Left out: the customer's language",
            ),
        ] = None,
    ) -> CallToolResult:
        """Draft a reply to the customer with the desk's language model, for an agent to read,
        edit and send themselves. Nothing is sent or posted to the ticket. Agents only."""

        def work(actor: Agent | Contact) -> dict[str, Any]:
            text = summaries.draft_with_language_model(
                self.desk, actor, ticket, summaries.DraftTask.REPLY, language
            )
            number = ticket_services.get_ticket(self.desk, actor, ticket).number or ticket
            return {
                "ref": number,
                "draft": text,
                "sent": False,
                "urls": results.urls(self.base_url, actor, number),
            }

        return self._call("draft_reply", ctx, work)


def build_server(desk: Desk, base_url: str, stdio_token: str | None) -> MCPServer:
    tools = DeskTools(desk, base_url, stdio_token)
    server = MCPServer("tierdesk", instructions=INSTRUCTIONS)
    # all four only read: a drafted reply is returned, never posted or sent
    for tool in (tools.search, tools.similar_tickets, tools.read_ticket, tools.draft_reply):
        server.add_tool(tool, annotations=READ_ONLY, structured_output=False)
    return server


def stdio_token_from_environment() -> str | None:
    return os.environ.get(TOKEN_VARIABLE, "").strip() or None
