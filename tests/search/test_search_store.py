"""The search store's statistics and scoring on SQLite (FTS5, numpy) and PostgreSQL (tsvector,
pgvector): what the keyword re-scoring and the fusion of candidates rely on."""

from __future__ import annotations

import numpy as np
import pytest

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.knowledge import DocumentKind, Passage, SearchDocument, SearchFilter

EVERYTHING = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)


def vector(*values: float) -> bytes:
    row = np.zeros(8, np.float32)
    row[: len(values)] = values
    return (row / np.linalg.norm(row)).tobytes()


def store(app: Tierdesk, key: str, body: str, *vectors: bytes) -> int:
    with app.desk.uow() as uow:
        doc_id = uow.search.put(
            SearchDocument(key, DocumentKind.DOCUMENT, key, body),
            [Passage(f"{key} passage {i}", v) for i, v in enumerate(vectors)],
            "m",
        )
        uow.commit()
    return doc_id


def test_a_dotted_name_counts_the_documents_that_hold_it_whole(app: Tierdesk) -> None:
    store(app, "a", "set dfs.namenode.name.dir to a local disk", vector(1))
    store(app, "b", "the namenode keeps its name in a dir", vector(1))
    store(app, "c", "upgrade aws-java-sdk-bundle to 1.12.262", vector(1))

    with app.desk.uow() as uow:
        found = uow.search.document_frequencies(
            ["dfs.namenode.name.dir", "dir", "aws-java-sdk-bundle", "1.12.262", "absent"]
        )

    # (whether "namenode" inside the dotted name counts as the word differs: PostgreSQL's
    # parser keeps a dotted name as one lexeme, FTS5 splits it)
    assert found == {
        "dfs.namenode.name.dir": 1,
        "dir": 1 if app.engine.dialect.name == "postgresql" else 2,
        "aws-java-sdk-bundle": 1,
        "1.12.262": 1,
        "absent": 0,
    }


def test_keyword_candidates_get_a_meaning_score_with_their_best_passage(app: Tierdesk) -> None:
    near = store(app, "near", "text", vector(0, 1), vector(1, 0.1))
    far = store(app, "far", "text", vector(0, 0, 1))
    store(app, "other", "text", vector(1))

    with app.desk.uow() as uow:
        scores, passages = uow.search.passage_scores([vector(1)], "m", [near, far])
        texts = uow.search.passage_texts(list(passages.values()))

    assert set(scores) == {near, far}
    assert scores[near] == pytest.approx(1 / np.sqrt(1.01), abs=1e-4)
    assert scores[far] == pytest.approx(0.0, abs=1e-5)
    assert texts[passages[near]] == "near passage 1"
