"""A changed document keeps the vectors of the passages it holds already, word for word: a
ticket's new message or its solution embeds its new passages, not the whole thread again (the
embedding of a solve ran inside its transaction, holding SQLite's one writer ~45 ms)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.conftest import TEST_PASSWORDS
from tests.factories import make_agent, make_ticket
from tests.follow_ups import run_follow_ups
from tests.search.test_query_vectors import CountingEmbedder
from tierdesk.adapters.clock import FixedClock
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.assist.search import HybridSearch, SearchTuning
from tierdesk.bootstrap import bootstrap
from tierdesk.config import Settings
from tierdesk.domain.knowledge import DocumentKind, SearchDocument
from tierdesk.domain.people import Role
from tierdesk.services import tickets
from tierdesk.services.desk import Desk

THREAD = " ".join(
    f"Step {n}: the trunk on port {n} registered, then dropped after {n * 10} seconds."
    for n in range(20)  # ~14 passages: within the 16 a document keeps
)


@pytest.fixture
def recording(
    settings: Settings, clock: FixedClock
) -> Iterator[tuple[Desk, HybridSearch, CountingEmbedder]]:
    """A desk whose index (the handlers' and jobs' too) notes every text it embeds."""
    embedder = CountingEmbedder()
    index = HybridSearch(embedder, SearchTuning())
    app = bootstrap(settings, clock=clock, search_index=index, passwords=TEST_PASSWORDS)
    yield app.desk, index, embedder
    app.close()


def _stored_thread(desk: Desk, index: HybridSearch) -> SearchDocument:
    document = SearchDocument("doc:thread", DocumentKind.DOCUMENT, "SIP trunk", THREAD)
    with desk.uow() as uow:
        index.store(uow, [document])
        uow.commit()
    return document


def _stored_texts(desk: Desk, index: HybridSearch, key: str) -> dict[str, bytes]:
    with desk.uow() as uow:
        return uow.search.stored_vectors([key], index.model)


def test_a_changed_document_embeds_only_its_new_passages(
    recording: tuple[Desk, HybridSearch, CountingEmbedder],
) -> None:
    desk, index, embedder = recording
    document = _stored_thread(desk, index)
    before = set(index.passage_texts(document))
    assert set(embedder.texts) == before and len(before) > 5
    embedder.texts.clear()

    longer = replace(document, body=f"{THREAD} Replacing the power supply fixed it for good.")
    with desk.uow() as uow:
        assert index.store(uow, [longer]) == 1
        uow.commit()

    after = index.passage_texts(longer)
    assert embedder.texts == [t for t in dict.fromkeys(after) if t not in before]
    assert 0 < len(embedder.texts) <= 2
    stored = _stored_texts(desk, index, longer.key)
    assert set(stored) == set(after)  # every passage has its vector, the old ones too
    expected = {
        t: v.tobytes() for t, v in zip(after, HashingEmbedder(64).embed(after), strict=True)
    }
    assert stored == expected


def test_a_rebuild_embeds_every_passage_again(
    recording: tuple[Desk, HybridSearch, CountingEmbedder],
) -> None:
    desk, index, embedder = recording
    document = _stored_thread(desk, index)
    embedder.texts.clear()
    with desk.uow() as uow:
        index.store(uow, [document], force=True)
        uow.commit()
    assert embedder.texts == list(dict.fromkeys(index.passage_texts(document)))


def test_solving_a_long_ticket_embeds_its_answer_not_its_thread(
    recording: tuple[Desk, HybridSearch, CountingEmbedder],
) -> None:
    desk, _index, embedder = recording
    ticket = make_ticket(desk, subject="Trunk drops calls", body=THREAD)
    run_follow_ups(desk)  # indexed: the thread's passages have their vectors
    embedder.texts.clear()
    lead = make_agent(desk, role=Role.LEAD, tiers=[1])

    tickets.solve_ticket(
        desk, lead, ticket.id or 0, "Swapped the PSU.", "We replaced the power supply."
    )

    # the public document's last passages (with the answer) and the new notes document's (the
    # resolution); the subject and the thread kept their vectors
    assert embedder.texts
    assert all("Answer: We replaced" in t or "Resolution:" in t for t in embedder.texts), (
        embedder.texts
    )
