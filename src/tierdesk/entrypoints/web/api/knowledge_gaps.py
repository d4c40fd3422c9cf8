"""/api/v1/kb/gaps: what the desk's knowledge did not answer (leads and admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.services import knowledge_gaps

router = APIRouter(tags=["assist"])


class ExampleTicketOut(BaseModel):
    id: int
    number: str


class GapTopicOut(BaseModel):
    label: str = Field(description="The topic's most central text (its first line)")
    terms: list[str] = Field(description="Its most distinctive words")
    count: int
    sources: dict[str, int] = Field(description="portal-search, new-ticket, bounce: how many")
    first_seen: datetime
    last_seen: datetime
    tickets: list[ExampleTicketOut] = Field(description="Up to five example tickets, newest first")
    queries: list[str] = Field(description="Up to five of the texts, newest first")
    guidance: list[str] = Field(description="What bounced escalations were told")
    write_article: str = Field(description="Link to the article form, filled in from the topic")

    @classmethod
    def of(cls, gap: knowledge_gaps.GapTopic) -> GapTopicOut:
        t = gap.topic
        return cls(
            label=t.label,
            terms=t.terms,
            count=t.count,
            sources=t.sources,
            first_seen=t.first_seen,
            last_seen=t.last_seen,
            tickets=[ExampleTicketOut(id=i, number=n) for i, n in gap.tickets],
            queries=t.queries,
            guidance=t.guidance,
            write_article=gap.article_link,
        )


class ReadAnywayOut(BaseModel):
    source: str = Field(description='The suggestion ("kb:<article>#<anchor>", "ticket:<number>")')
    title: str
    count: int = Field(description="Tickets opened after reading it")
    tickets: list[ExampleTicketOut]
    last_seen: datetime


class KnowledgeGapsOut(BaseModel):
    days: int
    since: datetime
    misses: int = Field(description="Unanswered searches and new tickets grouped")
    capped: bool = Field(description="More misses than knowledge.gap_max_misses in the window")
    topics: list[GapTopicOut]
    bounces: list[GapTopicOut] = Field(description="The topics bounced escalations fall into")
    read_anyway: list[ReadAnywayOut]


@router.get("/kb/gaps", response_model=KnowledgeGapsOut)
def gaps(
    desk: DeskDep,
    actor: CurrentActor,
    days: Annotated[int, Query(ge=1, le=365, description="The window, in days")] = 30,
) -> KnowledgeGapsOut:
    """Leads and admins: customers' searches and new tickets that nothing answered above the
    relevance floor, grouped into topics (with bounced escalations), and the portal
    suggestions customers read before opening a ticket anyway."""
    found = knowledge_gaps.knowledge_gaps(desk, actor, days)
    return KnowledgeGapsOut(
        days=found.days,
        since=found.since,
        misses=found.misses,
        capped=found.capped,
        topics=[GapTopicOut.of(g) for g in found.topics],
        bounces=[GapTopicOut.of(g) for g in found.bounces],
        read_anyway=[
            ReadAnywayOut(
                source=r.source,
                title=r.title,
                count=r.count,
                tickets=[ExampleTicketOut(id=i, number=n) for i, n in r.tickets],
                last_seen=r.last_seen,
            )
            for r in found.read_anyway
        ],
    )
