"""Storage of what the desk understood about tickets (plain SQL Core, values back)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables as core
from tierdesk.adapters.db import tables_understanding as t
from tierdesk.adapters.db.triage_history import examples_since, open_tickets, training_rows
from tierdesk.domain.clarify import ClarifyingQuestion, ClarifyMode
from tierdesk.domain.facts import Fact, FactKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.outages import OutageProposal, ProposalStatus, RecentTicket
from tierdesk.domain.triage import Outcome, TriageField, TriagePrediction

# The outage check compares a new ticket with at most this many of the window's newest tickets,
# so a flood of tickets costs each new one a bounded read.
RECENT_LIMIT = 500


class SqlUnderstandingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # facts --------------------------------------------------------------------------------

    def add_facts(self, facts: Sequence[Fact]) -> None:
        if not facts:
            return
        self.session.execute(
            insert(t.ticket_facts),
            [
                {
                    "ticket_id": f.ticket_id,
                    "message_id": f.message_id,
                    "attachment_id": f.attachment_id,
                    "kind": str(f.kind),
                    "value": f.value,
                    "start_offset": f.start,
                    "end_offset": f.end,
                    "internal": f.internal,
                    "detail": f.detail,
                }
                for f in facts
            ],
        )

    def facts(self, ticket_id: int, *, include_internal: bool) -> list[Fact]:
        c = t.ticket_facts.c
        query = select(t.ticket_facts).where(c.ticket_id == ticket_id).order_by(c.id)
        if not include_internal:
            query = query.where(c.internal.is_(False))
        return [
            Fact(
                FactKind(r.kind),
                r.value,
                r.start_offset,
                r.end_offset,
                r.message_id,
                r.attachment_id,
                r.internal,
                dict(r.detail),
                r.ticket_id,
                r.id,
            )
            for r in self.session.execute(query)
        ]

    def enriched_message_ids(self, ticket_id: int) -> set[int]:
        c = t.enriched_messages.c
        rows = self.session.execute(select(c.message_id).where(c.ticket_id == ticket_id))
        return {int(r[0]) for r in rows}

    def mark_enriched(self, ticket_id: int, message_id: int) -> None:
        self.session.execute(
            insert(t.enriched_messages).values(ticket_id=ticket_id, message_id=message_id)
        )

    # triage -------------------------------------------------------------------------------

    def add_prediction(self, prediction: TriagePrediction) -> TriagePrediction:
        prediction.id = self.session.execute(
            insert(t.triage_predictions)
            .values(**_prediction_row(prediction))
            .returning(t.triage_predictions.c.id)
        ).scalar_one()
        return prediction

    def _predictions(self, *where: Any) -> list[TriagePrediction]:
        c = t.triage_predictions.c
        rows = self.session.execute(select(t.triage_predictions).where(*where).order_by(c.id))
        return [_prediction(r) for r in rows]

    def predictions(self, ticket_id: int) -> list[TriagePrediction]:
        return self._predictions(t.triage_predictions.c.ticket_id == ticket_id)

    def all_predictions(self, since: datetime | None) -> list[TriagePrediction]:
        c = t.triage_predictions.c
        return self._predictions(*([c.created_at >= since] if since else []))

    def save_decision(self, prediction: TriagePrediction) -> None:
        c = t.triage_predictions.c
        self.session.execute(
            update(t.triage_predictions)
            .where(c.id == prediction.id)
            .values(
                outcome=str(prediction.outcome) if prediction.outcome else None,
                final_value=prediction.final_value,
                decided_by=prediction.decided_by,
                decided_at=prediction.decided_at,
            )
        )

    def corrections_since(self, since: datetime | None) -> int:
        c = t.triage_predictions.c
        query = select(func.count()).where(c.outcome == str(Outcome.CORRECTED))
        if since is not None:
            query = query.where(c.decided_at > since)
        return int(self.session.execute(query).scalar_one())

    def add_model(
        self,
        trained_at: datetime,
        examples: int,
        metrics: dict[str, dict[str, float]],
        fields: dict[str, bytes],
    ) -> int:
        model_id = int(
            self.session.execute(
                insert(t.triage_models)
                .values(trained_at=trained_at, examples=examples, metrics=metrics)
                .returning(t.triage_models.c.id)
            ).scalar_one()
        )
        for name, data in fields.items():
            self.session.execute(
                insert(t.triage_model_fields).values(model_id=model_id, field=name, data=data)
            )
        return model_id

    def training_rows(self) -> list[dict[str, Any]]:
        return training_rows(self.session)

    def examples_since(self, since: datetime | None) -> int:
        return examples_since(self.session, since)

    def open_tickets(self, limit: int) -> list[tuple[int, str, set[str]]]:
        return open_tickets(self.session, limit)

    def latest_model_id(self) -> int | None:
        found = self.session.execute(select(func.max(t.triage_models.c.id))).scalar_one()
        return int(found) if found is not None else None

    def model_fields(self, model_id: int) -> list[str]:
        c = t.triage_model_fields.c
        return [r[0] for r in self.session.execute(select(c.field).where(c.model_id == model_id))]

    def model_data(self, model_id: int, field: str) -> bytes:
        c = t.triage_model_fields.c
        return bytes(
            self.session.execute(
                select(c.data).where(c.model_id == model_id, c.field == field)
            ).scalar_one()
        )

    def latest_model_trained_at(self) -> datetime | None:
        c = t.triage_models.c
        found = self.session.execute(select(func.max(c.trained_at))).scalar_one()
        return found if isinstance(found, datetime) or found is None else None

    # clarifying questions -----------------------------------------------------------------

    def add_question(self, question: ClarifyingQuestion) -> ClarifyingQuestion:
        question.id = self.session.execute(
            insert(t.clarifying_questions)
            .values(
                ticket_id=question.ticket_id,
                missing=question.missing,
                language=question.language,
                text=question.text,
                mode=str(question.mode),
                created_at=question.created_at,
                sent_at=question.sent_at,
                message_id=question.message_id,
            )
            .returning(t.clarifying_questions.c.id)
        ).scalar_one()
        return question

    def _questions(self, *where: Any) -> list[ClarifyingQuestion]:
        rows = self.session.execute(select(t.clarifying_questions).where(*where))
        return [
            ClarifyingQuestion(
                r.ticket_id,
                list(r.missing),
                r.language,
                r.text,
                ClarifyMode(r.mode),
                r.created_at,
                r.sent_at,
                r.message_id,
                r.id,
            )
            for r in rows
        ]

    def questions(self, ticket_id: int) -> list[ClarifyingQuestion]:
        return self._questions(t.clarifying_questions.c.ticket_id == ticket_id)

    def question(self, question_id: int) -> ClarifyingQuestion | None:
        found = self._questions(t.clarifying_questions.c.id == question_id)
        return found[0] if found else None

    def save_question(self, question: ClarifyingQuestion) -> None:
        self.session.execute(
            update(t.clarifying_questions)
            .where(t.clarifying_questions.c.id == question.id)
            .values(
                mode=str(question.mode), sent_at=question.sent_at, message_id=question.message_id
            )
        )

    # outages ------------------------------------------------------------------------------

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
            f = t.ticket_facts.c
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

    def add_proposal(self, proposal: OutageProposal) -> OutageProposal:
        proposal.id = self.session.execute(
            insert(t.outage_proposals)
            .values(**_proposal_row(proposal))
            .returning(t.outage_proposals.c.id)
        ).scalar_one()
        return proposal

    def _proposals(self, *where: Any) -> list[OutageProposal]:
        c = t.outage_proposals.c
        rows = self.session.execute(select(t.outage_proposals).where(*where).order_by(c.id.desc()))
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

    def proposals(self, status: ProposalStatus | None) -> list[OutageProposal]:
        c = t.outage_proposals.c
        return self._proposals(*([c.status == str(status)] if status else []))

    def proposal(self, proposal_id: int) -> OutageProposal | None:
        found = self._proposals(t.outage_proposals.c.id == proposal_id)
        return found[0] if found else None

    def open_proposal_with(self, ticket_ids: Sequence[int]) -> OutageProposal | None:
        wanted = set(ticket_ids)
        for proposal in self.proposals(ProposalStatus.OPEN):
            if wanted & set(proposal.ticket_ids):
                return proposal
        return None

    def save_proposal(self, proposal: OutageProposal) -> None:
        self.session.execute(
            update(t.outage_proposals)
            .where(t.outage_proposals.c.id == proposal.id)
            .values(**_proposal_row(proposal))
        )


def _prediction_row(p: TriagePrediction) -> dict[str, Any]:
    return {
        "ticket_id": p.ticket_id,
        "field": str(p.field),
        "best": p.best[:200],
        "confidence": p.confidence,
        "abstained": p.abstained,
        "source": p.source,
        "model_id": p.model_id,
        "alternatives": p.alternatives,
        "created_at": p.created_at,
        "outcome": str(p.outcome) if p.outcome else None,
        "final_value": p.final_value,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
    }


def _prediction(r: Any) -> TriagePrediction:
    return TriagePrediction(
        r.ticket_id,
        TriageField(r.field),
        r.best,
        r.confidence,
        r.abstained,
        r.source,
        r.created_at,
        r.model_id,
        list(r.alternatives),
        Outcome(r.outcome) if r.outcome else None,
        r.final_value,
        r.decided_by,
        r.decided_at,
        r.id,
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
