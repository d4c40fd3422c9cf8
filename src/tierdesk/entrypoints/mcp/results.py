"""What the tools answer: JSON text, in the REST API's shapes (its response models, so an
assistant reads what the same token reads from ``/api/v1``), with each ticket's reference and
``urls`` to it in the workspace (agents) or the portal (customers) and in the REST API."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from tierdesk.domain.people import Actor, Agent, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.entrypoints.web.api.search import PassageOut, SimilarOut, SolutionOut
from tierdesk.entrypoints.web.api.tickets import detail
from tierdesk.services.desk import Desk
from tierdesk.services.knowledge import KnowledgeHit
from tierdesk.services.search import FoundTicket, SimilarTickets


def as_text(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


def urls(base_url: str, reader: Actor, number: str) -> dict[str, str]:
    """Where the reader opens the ticket: the portal for customers, the workspace for agents."""
    page = f"/portal/tickets/{number}" if isinstance(reader, Contact) else f"/tickets/{number}"
    return {"web": f"{base_url}{page}", "api": f"{base_url}/api/v1/tickets/{number}"}


def _dump(model: BaseModel) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json")
    return dumped


def ticket_read(
    desk: Desk, reader: Agent | Contact, base_url: str, ticket: Ticket
) -> dict[str, Any]:
    """``GET /api/v1/tickets/{ref}`` for this reader, with its ``urls``."""
    shown = _dump(detail(desk, reader, ticket))
    return {"ref": shown["number"], "urls": urls(base_url, reader, shown["number"]), **shown}


def found_ticket(reader: Actor, base_url: str, found: FoundTicket) -> dict[str, Any]:
    """A search result: the ticket when the reader may open it; else (agents) its solution."""
    if found.ticket is None:
        return {"ref": found.number, **_dump(SolutionOut.of(found))}
    ticket = found.ticket
    return {
        "ref": found.number,
        "subject": ticket.subject,
        "status": str(ticket.status),
        "openable": True,
        "score": found.score,
        "why": found.why,
        "confidence": found.confidence,
        "urls": urls(base_url, reader, found.number),
    }


def passage(hit: KnowledgeHit) -> dict[str, Any]:
    return _dump(PassageOut.of(hit))


def similar(reader: Actor, base_url: str, found: SimilarTickets) -> dict[str, Any]:
    """``GET /api/v1/tickets/{ref}/similar`` for this reader; ``urls`` only of tickets they may
    open."""
    shown = _dump(SimilarOut.of(found, reader))
    for group in ("solved", "open"):
        for item in shown[group]:
            item["ref"] = item["number"]
            if item["openable"]:
                item["urls"] = urls(base_url, reader, item["number"])
    return shown
