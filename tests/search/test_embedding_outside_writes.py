"""Embedding happens before the transaction that stores its vectors writes anything: on SQLite a
transaction holds the one writer from its first write to its end, and embedding a manual's
sections takes seconds in which no ticket could be opened or answered."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
import pytest
from numpy.typing import NDArray

from tests.writes import Writes, watching_writes
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.assist.search import HybridSearch, SearchTuning
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.knowledge import DocumentKind, SearchDocument, SearchFilter
from tierdesk.services import knowledge
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

MANUAL = "# Guide\n\n" + "".join(
    f"## Step {n}\n\nTurn dial {n} until the lamp shows {n} blinks, then press set.\n\n"
    for n in range(12)
)


class WatchedEmbedder(HashingEmbedder):
    """Notes each embedding made while a transaction of the watched engine had written."""

    def __init__(self, writes: Writes) -> None:
        super().__init__(64)
        self.writes = writes
        self.while_writing: list[int] = []
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls += 1
        if self.writes.in_progress:
            self.while_writing.append(len(texts))
        return super().embed(texts)


@pytest.fixture
def watched(app: Tierdesk) -> Iterator[tuple[Desk, WatchedEmbedder]]:
    with watching_writes(app.engine) as writes:
        embedder = WatchedEmbedder(writes)
        yield replace(app.desk, search=HybridSearch(embedder, SearchTuning())), embedder


def test_a_manual_indexed_with_its_upload_is_embedded_before_its_transaction_writes(
    app: Tierdesk, watched: tuple[Desk, WatchedEmbedder]
) -> None:
    desk, embedder = watched
    parsed = app.read_document(MANUAL.encode(), "guide.md")

    knowledge.add_article(desk, SYSTEM, parsed, "guide.md", index_at_once=50)

    assert embedder.calls and embedder.while_writing == []
    hits = knowledge.search_knowledge(desk, SYSTEM, "lamp shows 7 blinks", limit=3)
    assert hits and hits[0].section == "Step 7"


def test_storing_changed_and_unchanged_documents_embeds_before_the_first_write(
    watched: tuple[Desk, WatchedEmbedder],
) -> None:
    desk, embedder = watched
    assert desk.search is not None
    first = [
        SearchDocument(f"doc:{n}", DocumentKind.DOCUMENT, f"Doc {n}", f"text {n}", status="new")
        for n in range(2)
    ]
    with desk.uow() as uow:
        desk.search.store(uow, first)
        uow.commit()
    # one text changed (embedded again), one only its access (an UPDATE, no embedding)
    again = [replace(first[0], body="another text"), replace(first[1], status="open")]
    with desk.uow() as uow:
        assert desk.search.store(uow, again) == 1
        uow.commit()

    assert embedder.while_writing == []
    with desk.uow() as uow:
        where = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)
        hits = desk.search.search(uow, "another text", where, 2, mode="dense")
        keys = uow.search.documents([h.document_id for h in hits])
    assert keys[hits[0].document_id].key == "doc:0"  # found by the vectors of its new text
