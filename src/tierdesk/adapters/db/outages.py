"""Outage proposals in storage (the table, its mapping and the repository), and the read of the
window's recent tickets the outage check compares a new ticket with (``services/outages.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db import tables as core
from tierdesk.adapters.db.facts import ticket_facts
from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime, storable_id
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
    Column("status", EnumText(ProposalStatus, length=16), nullable=False),
    Column("incident_id", Integer, nullable=True),  # set when an incident is declared from it
    Column("decided_by", String(200), nullable=True),
)


_p = outage_proposals.c
TITLE_LENGTH = 300


def map_outages(reg: registry) -> None:
    reg.map_imperatively(OutageProposal, outage_proposals)


class SqlOutageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def recent_tickets(self, since: datetime) -> list[RecentTicket]:
        tk, m = core.tickets.c, core.messages.c
        # The first customer message of each ticket, looked up per ticket through the messages'
        # ticket index: a GROUP BY over every customer message (the read before) scanned the
        # whole table for each new ticket's follow-up.
        first_body = (
            select(m.body_text)
            .where(m.ticket_id == tk.id, m.kind == MessageKind.CUSTOMER)
            .order_by(m.id)
            .limit(1)
            .correlate(core.tickets)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(tk.id, tk.organisation_id, tk.created_at, tk.subject, first_body.label("body"))
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
                f"{r.subject}\n{r.body or ''}",
                frozenset(codes.get(r.id, set())),
            )
            for r in rows
        ]

    def add(self, proposal: OutageProposal) -> None:
        proposal.title = proposal.title[:TITLE_LENGTH]  # the column's size, on both engines
        self.session.add(proposal)

    def find(self, status: ProposalStatus | None) -> list[OutageProposal]:
        query = select(OutageProposal).order_by(_p.id.desc())
        if status:
            query = query.where(_p.status == status)
        return list(self.session.scalars(query))

    def get(self, proposal_id: int) -> OutageProposal | None:
        if not storable_id(proposal_id):
            return None
        return self.session.get(OutageProposal, proposal_id)

    def open_with(self, ticket_ids: Sequence[int]) -> OutageProposal | None:
        wanted = set(ticket_ids)
        for proposal in self.find(ProposalStatus.OPEN):
            if wanted & set(proposal.ticket_ids):
                return proposal
        return None
