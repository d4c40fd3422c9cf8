"""SQLite's in-memory vector matrix follows the database: appended rows, deleted rows, and never
a row that was rolled back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tierdesk.adapters.search.vectors import matrix_for
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.domain.knowledge import DocumentKind, Passage, SearchDocument, SearchFilter

EVERYTHING = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)


@pytest.fixture
def sqlite_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Tierdesk]:
    database = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{database}",
        env="test",
        search=SearchSettings(embedder="hashing"),
    )
    application = bootstrap(settings)
    yield application
    application.close()


def unit(seed: int) -> np.ndarray:  # type: ignore[type-arg]
    vector = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    return vector / np.linalg.norm(vector)


def put(app: Tierdesk, key: str, seed: int, *, commit: bool = True) -> None:
    with app.desk.uow() as uow:
        uow.search.put(
            SearchDocument(key, DocumentKind.DOCUMENT, key, "body"),
            [Passage("p", unit(seed).tobytes())],
            "m",
        )
        if commit:
            uow.commit()


def nearest(app: Tierdesk, seed: int) -> list[str]:
    with app.desk.uow() as uow:
        scores, _ = uow.search.nearest([unit(seed).tobytes()], "m", EVERYTHING, 5)
        documents = uow.search.documents(list(scores))
        return [documents[d].key for d in sorted(scores, key=lambda d: -scores[d])]


def test_the_matrix_sees_new_rows_and_forgets_deleted_ones(sqlite_app: Tierdesk) -> None:
    put(sqlite_app, "a", 1)
    assert nearest(sqlite_app, 1) == ["a"]

    put(sqlite_app, "b", 2)
    assert nearest(sqlite_app, 2)[0] == "b"

    with sqlite_app.desk.uow() as uow:
        uow.search.remove(["a"])
        uow.commit()
    assert nearest(sqlite_app, 1) == ["b"]

    put(sqlite_app, "b", 3)  # new text for b: its old vector is replaced, not added
    assert nearest(sqlite_app, 3) == ["b"]
    documents, _, _ = matrix_for(sqlite_app.engine).search("m", unit(3)[None, :], 10)
    assert len(documents) == 1


def test_a_rolled_back_vector_never_reaches_the_matrix(sqlite_app: Tierdesk) -> None:
    put(sqlite_app, "kept", 1)
    put(sqlite_app, "rolled-back", 2, commit=False)

    assert nearest(sqlite_app, 2) == ["kept"]
