"""Drafting a KB article (and a known issue) from solved tickets' solutions: plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.domain.article_draft import SourceTicket, draft_article, draft_known_issue
from tierdesk.domain.articles import Article, ArticleContent, ArticleState
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.visibility import SolutionView
from tierdesk.errors import InvalidInputError, InvalidTransitionError

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CUSTOMER, REPLY = MessageKind.CUSTOMER, MessageKind.PUBLIC_REPLY


def _solution(
    number: str,
    subject: str,
    *messages: tuple[MessageKind, str],
    answer: str | None = None,
    resolution: str = "",
) -> SolutionView:
    thread = tuple(
        Message(
            kind=kind,
            author_kind="contact" if kind is CUSTOMER else "agent",
            author_id=1,
            author_name="someone",
            body_text=text,
            created_at=AT + timedelta(hours=n),
        )
        for n, (kind, text) in enumerate(messages)
    )
    return SolutionView(
        ticket_id=int(number.split("-")[1]),
        number=number,
        subject=subject,
        status="solved",
        solved_at=Tier.L2,
        thread=thread,
        resolution=resolution,
        public_answer=answer,
        records=(),
        openable=False,
    )


TLS = _solution(
    "TD-1001",
    "Re: Trunk drops after upgrade",
    (
        CUSTOMER,
        "Hello,\n\nsince the upgrade to Kestrel SBC 4.2.1 our SIP trunk drops every hour with "
        "ERR_TLS_HANDSHAKE. Calls fail with SIP/2.0 503 Service Unavailable.\n\nOur SBC is "
        "sbc1.acme.example at 10.20.0.1.\n\nBest regards\nAnna",
    ),
    (REPLY, "Thanks Anna, we are looking into it."),
    answer="Please do this:\n1. Open Security > TLS.\n2. Re-import the intermediate "
    "certificate.\n3. Restart the trunk.",
    resolution="Root cause: 4.2.1 drops the intermediate from the chain on upgrade (lab repro).",
)
TLS_AGAIN = _solution(
    "TD-1007",
    "SIP trunk down",
    (CUSTOMER, "Our trunk keeps failing with ERR_TLS_HANDSHAKE since Monday."),
    answer=None,
    resolution="Same as TD-1001.",
)


def test_a_draft_states_the_problem_from_the_subject_and_the_first_customer_message() -> None:
    draft = draft_article([SourceTicket(TLS, product="Kestrel SBC", version="4.2.1")])
    assert draft.title == "Trunk drops after upgrade"
    assert draft.problem.startswith("Trunk drops after upgrade: ")
    assert "ERR_TLS_HANDSHAKE" in draft.problem
    assert "Best regards" not in draft.problem and "Hello" not in draft.problem


def test_the_steps_are_the_numbered_steps_of_the_answer_and_the_answer_is_the_public_one() -> None:
    draft = draft_article([SourceTicket(TLS)])
    assert draft.steps == [
        "Open Security > TLS.",
        "Re-import the intermediate certificate.",
        "Restart the trunk.",
    ]
    assert draft.answer == TLS.public_answer


def test_facts_keep_codes_and_versions_but_never_a_customers_addresses_or_hosts() -> None:
    draft = draft_article([SourceTicket(TLS, product="Kestrel SBC", version="4.2.1")])
    facts = "\n".join(draft.facts)
    assert "error code: ERR_TLS_HANDSHAKE" in draft.facts
    assert "503" in facts
    everything = "\n".join([facts, draft.environment, draft.problem, draft.symptoms])
    assert "10.20.0.1" not in everything
    assert "sbc1.acme.example" not in everything
    assert "product: Kestrel SBC 4.2.1" in draft.environment


def test_several_tickets_give_one_symptom_line_each_and_the_first_answer() -> None:
    draft = draft_article([SourceTicket(TLS), SourceTicket(TLS_AGAIN)], title="TLS trunk drops")
    assert draft.title == "TLS trunk drops"
    lines = draft.symptoms.splitlines()
    assert len(lines) == 2
    assert "keeps failing" in lines[1]
    assert draft.answer == TLS.public_answer


def test_without_steps_in_the_answer_or_resolution_the_answers_sentences_are_the_steps() -> None:
    plain = _solution(
        "TD-1010",
        "Voicemail silent",
        (CUSTOMER, "Voicemail plays no greeting."),
        answer="Thanks for your patience. Re-record the greeting in the portal. It works again.",
    )
    draft = draft_article([SourceTicket(plain)])
    assert draft.steps[0] == "Re-record the greeting in the portal."


def test_a_known_issue_draft_sends_the_customer_answer_and_keeps_the_resolution_as_cause() -> None:
    proposal = draft_known_issue(SourceTicket(TLS, version="4.2.1"))
    assert proposal.fix == TLS.public_answer
    assert proposal.root_cause == TLS.resolution
    assert "ERR_TLS_HANDSHAKE" in proposal.symptoms
    assert proposal.affected_versions == ["4.2.1"]


def _article(**changes: object) -> Article:
    values: dict[str, object] = {
        "title": "TLS trunk drops",
        "problem": "Trunk drops",
        "symptoms": "",
        "environment": "",
        "steps": ["Re-import the certificate."],
        "answer": "Re-import the intermediate certificate.",
        "facts": [],
        "created_at": AT,
        "updated_at": AT,
        "created_by": "ann",
        "id": 4,
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def test_publishing_freezes_the_working_copy_as_the_next_version() -> None:
    article = _article()
    first = article.publish("lead", AT)
    article.write(ArticleContent(title="TLS trunk drops", problem="Changed", answer="Do it."), AT)
    second = article.publish("lead", AT)
    assert (first.number, second.number, article.version) == (1, 2, 2)
    assert first.problem == "Trunk drops" and second.problem == "Changed"
    assert article.state is ArticleState.PUBLISHED


def test_an_article_without_a_problem_or_an_answer_cannot_be_published() -> None:
    with pytest.raises(InvalidInputError) as refused:
        _article(problem="").publish("lead", AT)
    assert refused.value.data.get("field") == "problem"
    with pytest.raises(InvalidInputError) as refused:
        _article(answer="", steps=[]).publish("lead", AT)
    assert refused.value.data.get("field") == "answer"


def test_an_archived_article_cannot_be_edited() -> None:
    article = _article()
    article.archive(AT)
    with pytest.raises(InvalidTransitionError):
        article.write(ArticleContent(title="x"), AT)


def test_a_title_is_required() -> None:
    with pytest.raises(InvalidInputError):
        ArticleContent(title="  ")
