"""Outage proposals in storage, and the read of the window's recent tickets the outage check
compares a new ticket with (``services/outages.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer, String, Table, func, insert, select, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables as core
from tierdesk.adapters.db.facts import ticket_facts
from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.facts import FactKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.outages import OutageProposal, ProposalStatus, RecentTicket

# The outage check compares a new ticket with at most this many of the window's newest tickets,
# so a flood of tickets costs each new one a bounded read.
RECENT_LIMIT = 500

outage_proposals = Table(
    "outage_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("ticket_ids", json_value(), nullable=False),
    Column("organisation_count", Integer, nullable=False),
    Column("shared_terms", json_value(), nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    Column("window_end", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("incident_id", Integer, nullable=True),  # set when an incident is declared from it
    Column("decided_by", String(200), nullable=True),
)


class SqlOutageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def recent_tickets(self, since: datetime) -> list[RecentTicket]:
        tk, m = core.tickets.c, core.messages.c
        first_message = (
            select(m.ticket_id, func.min(m.id).label("message_id"))
            .where(m.kind == MessageKind.CUSTOMER)
            .group_by(m.ticket_id)
            .subquery()
        )
        rows = self.session.execute(
            select(tk.id, tk.organisation_id, tk.created_at, tk.subject, m.body_text)
            .select_from(core.tickets)
            .outerjoin(first_message, first_message.c.ticket_id == tk.id)
            .outerjoin(core.messages, m.id == first_message.c.message_id)
            .where(tk.created_at >= since)
            .order_by(tk.id.desc())
            .limit(RECENT_LIMIT)
        ).all()
        ids = [r.id for r in rows]
        codes: dict[int, set[str]] = {}
        if ids:
            f = ticket_facts.c
            for fact in self.session.execute(
                select(f.ticket_id, f.value).where(
                    f.ticket_id.in_(ids),
                    f.internal.is_(False),
                    f.kind.in_(
                        [
                            str(FactKind.ERROR_CODE),
                            str(FactKind.SIP_STATUS),
                            str(FactKind.HTTP_STATUS),
                        ]
                    ),
                )
            ):
                codes.setdefault(fact.ticket_id, set()).add(fact.value.lower())
        return [
            RecentTicket(
                r.id,
                r.organisation_id,
                r.created_at,
                f"{r.subject}\n{r.body_text or ''}",
                frozenset(codes.get(r.id, set())),
            )
            for r in rows
        ]

    def add(self, proposal: OutageProposal) -> OutageProposal:
        proposal.id = self.session.execute(
            insert(outage_proposals)
            .values(**_proposal_row(proposal))
            .returning(outage_proposals.c.id)
        ).scalar_one()
        return proposal

    def _proposals(self, *where: Any) -> list[OutageProposal]:
        c = outage_proposals.c
        rows = self.session.execute(select(outage_proposals).where(*where).order_by(c.id.desc()))
        return [
            OutageProposal(
                r.title,
                list(r.ticket_ids),
                r.organisation_count,
                r.window_start,
                r.window_end,
                r.created_at,
                list(r.shared_terms),
                ProposalStatus(r.status),
                r.incident_id,
                r.decided_by,
                r.id,
            )
            for r in rows
        ]

    def find(self, status: ProposalStatus | None) -> list[OutageProposal]:
        c = outage_proposals.c
        return self._proposals(*([c.status == str(status)] if status else []))

    def get(self, proposal_id: int) -> OutageProposal | None:
        found = self._proposals(outage_proposals.c.id == proposal_id)
        return found[0] if found else None

    def open_with(self, ticket_ids: Sequence[int]) -> OutageProposal | None:
        wanted = set(ticket_ids)
        for proposal in self.find(ProposalStatus.OPEN):
            if wanted & set(proposal.ticket_ids):
                return proposal
        return None

    def save(self, proposal: OutageProposal) -> None:
        self.session.execute(
            update(outage_proposals)
            .where(outage_proposals.c.id == proposal.id)
            .values(**_proposal_row(proposal))
        )


def _proposal_row(p: OutageProposal) -> dict[str, Any]:
    return {
        "title": p.title[:300],
        "ticket_ids": p.ticket_ids,
        "organisation_count": p.organisation_count,
        "shared_terms": p.shared_terms,
        "window_start": p.window_start,
        "window_end": p.window_end,
        "created_at": p.created_at,
        "status": str(p.status),
        "incident_id": p.incident_id,
        "decided_by": p.decided_by,
    }
