"""SQLite's in-memory vector matrix follows the database: appended rows, deleted rows, and never
a row that was rolled back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import event

from tierdesk.adapters.search import matrix as matrix_module
from tierdesk.adapters.search.vectors import (
    VectorMatrix,
    close_matrix,
    configure_matrix,
    matrix_for,
)
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


def unit(seed: int) -> NDArray[np.float32]:
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


def test_a_search_takes_no_second_connection_from_the_pool(sqlite_app: Tierdesk) -> None:
    """The cache reads, and watches for commits, on a connection of its own outside the
    pool: a search holds only its unit of work's, and gives it back."""
    put(sqlite_app, "a", 1)
    held: list[int] = [0]
    most: list[int] = [0]

    def checked_out(*_: object) -> None:
        held[0] += 1
        most[0] = max(most[0], held[0])

    def checked_in(*_: object) -> None:
        held[0] -= 1

    event.listen(sqlite_app.engine, "checkout", checked_out)
    event.listen(sqlite_app.engine, "checkin", checked_in)

    assert nearest(sqlite_app, 1) == ["a"]
    put(sqlite_app, "b", 2)  # a commit: the next search refreshes the cache
    assert nearest(sqlite_app, 2)[0] == "b"

    assert most == [1]
    assert held == [0]


def test_the_two_stage_search_finds_what_the_exact_search_finds(sqlite_app: Tierdesk) -> None:
    """Above ``EXACT_LIMIT`` passages, document centroids pick whose passages are scored."""
    for n in range(40):
        with sqlite_app.desk.uow() as uow:
            uow.search.put(
                SearchDocument(f"d{n}", DocumentKind.DOCUMENT, f"d{n}", "body"),
                [Passage(f"p{n}.{i}", unit(n * 10 + i).tobytes()) for i in range(3)],
                "m",
            )
            uow.commit()
    matrix = matrix_for(sqlite_app.engine)
    queries = np.vstack([unit(7 * 10 + 1), unit(23 * 10 + 2)])

    exact = matrix.search("m", queries, 20)
    matrix.exact_limit = 0
    two_stage = matrix.search("m", queries, 20)  # probes 2 x 20 documents: all of them
    passage = matrix.search("m", unit(31 * 10 + 2)[None, :], 1)  # probes 2 documents

    assert list(two_stage[0]) == list(exact[0])
    assert np.allclose(two_stage[1], exact[1])
    assert list(two_stage[2]) == list(exact[2])
    with sqlite_app.desk.uow() as uow:
        assert uow.search.documents([int(passage[0][0])])[int(passage[0][0])].key == "d31"


def test_the_two_stage_search_follows_replaced_and_deleted_documents(
    sqlite_app: Tierdesk,
) -> None:
    matrix_for(sqlite_app.engine).exact_limit = 0
    for n in range(6):
        put(sqlite_app, f"k{n}", n)
    assert nearest(sqlite_app, 4)[0] == "k4"

    put(sqlite_app, "k4", 40)  # new text: k4 now lives where seed 40 points
    with sqlite_app.desk.uow() as uow:
        uow.search.remove(["k2"])
        uow.commit()

    assert nearest(sqlite_app, 40)[0] == "k4"
    assert "k2" not in nearest(sqlite_app, 2)
    for n in range(6, 30):  # enough churn to compact the matrix
        put(sqlite_app, "k5", n)
    assert nearest(sqlite_app, 29)[0] == "k5"
    assert sorted(nearest(sqlite_app, 1)) == ["k0", "k1", "k3", "k4", "k5"]


def test_passage_scores_rate_the_documents_asked_for(sqlite_app: Tierdesk) -> None:
    put(sqlite_app, "a", 1)
    put(sqlite_app, "b", 2)
    with sqlite_app.desk.uow() as uow:
        ids = {d.key: d.id or 0 for d in uow.search.of_kinds([DocumentKind.DOCUMENT])}
        scores, passages = uow.search.passage_scores([unit(1).tobytes()], "m", [ids["a"]])
        texts = uow.search.passage_texts(list(passages.values()))

    assert list(scores) == [ids["a"]]
    assert scores[ids["a"]] == pytest.approx(1.0, abs=1e-5)
    assert texts[passages[ids["a"]]] == "p"


def test_a_narrow_filter_still_finds_what_it_may_see(sqlite_app: Tierdesk) -> None:
    """Thirty documents nearer the query than the one manual: the filter lets only the manual
    through, and it is found rather than lost beyond the first candidates."""
    for n in range(30):
        put(sqlite_app, f"doc{n}", 1000 + n)
    with sqlite_app.desk.uow() as uow:
        uow.search.put(
            SearchDocument("manual", DocumentKind.MANUAL, "manual", "body"),
            [Passage("far away", (-unit(1000)).tobytes())],
            "m",
        )
        uow.commit()
        manuals = SearchFilter(kinds=(DocumentKind.MANUAL,), everything=True)
        scores, passages = uow.search.nearest([unit(1000).tobytes()], "m", manuals, 2)
        texts = uow.search.passage_texts(list(passages.values()))

    assert list(texts.values()) == ["far away"]
    assert list(scores.values()) == [pytest.approx(-1.0, abs=1e-5)]


def test_the_first_stage_compares_in_fewer_dimensions_fitted_as_the_desk_grows(
    sqlite_app: Tierdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The centroids are compared in their principal directions; documents that differ only
    within those directions rank as in the exact search, and the directions are refitted once
    the desk has doubled."""
    monkeypatch.setattr(matrix_module, "REDUCED_DIM", 3)

    def flat(seed: int) -> NDArray[np.float32]:  # only the first three axes vary
        vector = np.zeros(8, np.float32)
        vector[:3] = np.random.default_rng(seed).standard_normal(3)
        return vector / np.linalg.norm(vector)

    def store(first: int, last: int) -> None:
        with sqlite_app.desk.uow() as uow:
            for n in range(first, last):
                uow.search.put(
                    SearchDocument(f"f{n}", DocumentKind.DOCUMENT, f"f{n}", "body"),
                    [Passage(f"f{n}.{i}", flat(n * 10 + i).tobytes()) for i in range(2)],
                    "m",
                )
            uow.commit()

    store(0, 30)
    matrix = matrix_for(sqlite_app.engine)
    query = flat(12 * 10 + 1)[None, :]
    exact = matrix.search("m", query, 5)
    matrix.exact_limit = 0
    reduced = matrix.search("m", query, 5)
    fitted = matrix._by_model["m"]

    assert list(reduced[0]) == list(exact[0]) and np.allclose(reduced[1], exact[1])
    assert fitted.basis is not None and fitted.basis.shape == (8, 3)
    assert fitted.fitted_slots == 30
    store(30, 60)
    assert matrix.search("m", flat(45 * 10)[None, :], 1)[0].size == 1
    assert fitted.fitted_slots == 60


def approximate(app: Tierdesk, above: int = 0) -> VectorMatrix:
    """The engine's matrix as a process configured with ``search.approximate_above``."""
    configure_matrix(app.engine, above, app.settings.data_dir / "vectors")
    return matrix_for(app.engine)


def test_the_graph_finds_what_the_exact_search_finds(sqlite_app: Tierdesk) -> None:
    """Past ``search.approximate_above``, a graph of centroids picks the documents whose
    passages (read from the database) are scored: probing every document, it ranks as the
    exact search does."""
    for n in range(40):
        with sqlite_app.desk.uow() as uow:
            uow.search.put(
                SearchDocument(f"d{n}", DocumentKind.DOCUMENT, f"d{n}", "body"),
                [Passage(f"p{n}.{i}", unit(n * 10 + i).tobytes()) for i in range(3)],
                "m",
            )
            uow.commit()
    queries = np.vstack([unit(7 * 10 + 1), unit(23 * 10 + 2)])
    exact = matrix_for(sqlite_app.engine).search("m", queries, 40)

    matrix = approximate(sqlite_app)
    graph_found = matrix.search("m", queries, 40)  # probes every document
    passage = matrix.search("m", unit(31 * 10 + 2)[None, :], 1)

    assert "m" in matrix._graphs and "m" not in matrix._by_model
    assert list(graph_found[0]) == list(exact[0])
    assert np.allclose(graph_found[1], exact[1])
    assert list(graph_found[2]) == list(exact[2])
    with sqlite_app.desk.uow() as uow:
        assert uow.search.documents([int(passage[0][0])])[int(passage[0][0])].key == "d31"
        ids = [d.id or 0 for d in uow.search.of_kinds([DocumentKind.DOCUMENT])][:3]
    scored = matrix.score_documents("m", queries, np.array(ids, np.int64))
    assert sorted(scored[0]) == sorted(ids)


def test_the_graph_picks_up_new_rows_and_forgets_deleted_ones(sqlite_app: Tierdesk) -> None:
    approximate(sqlite_app)
    for n in range(6):
        put(sqlite_app, f"k{n}", n)
    assert nearest(sqlite_app, 4)[0] == "k4"

    put(sqlite_app, "k6", 60)  # a new document, after the graph was built
    put(sqlite_app, "k4", 40)  # new text: k4 now lives where seed 40 points
    with sqlite_app.desk.uow() as uow:
        uow.search.remove(["k2"])
        uow.commit()

    assert nearest(sqlite_app, 60)[0] == "k6"
    assert nearest(sqlite_app, 40)[0] == "k4"
    assert "k2" not in nearest(sqlite_app, 2)
    graph = matrix_for(sqlite_app.engine)._graphs["m"]
    assert len(graph) == 6  # k2 was forgotten when a search met it with no passages left


def test_the_matrix_hands_over_to_the_graph_once_the_desk_grows_past_the_limit(
    sqlite_app: Tierdesk,
) -> None:
    matrix = approximate(sqlite_app, above=3)
    for n in range(3):
        put(sqlite_app, f"g{n}", n)
    assert nearest(sqlite_app, 1)[0] == "g1"
    assert "m" in matrix._by_model and "m" not in matrix._graphs

    put(sqlite_app, "g3", 3)
    assert nearest(sqlite_app, 3)[0] == "g3"
    assert "m" in matrix._graphs and "m" not in matrix._by_model
    assert nearest(sqlite_app, 1)[0] == "g1"


def test_a_saved_graph_is_read_at_start_and_a_corrupt_or_stale_one_rebuilt(
    sqlite_app: Tierdesk,
) -> None:
    approximate(sqlite_app)
    for n in range(5):
        put(sqlite_app, f"s{n}", n)
    assert nearest(sqlite_app, 2)[0] == "s2"
    close_matrix(sqlite_app.engine)  # as a process ends: the graph is saved
    saved = list((sqlite_app.settings.data_dir / "vectors").glob("*.usearch"))
    assert len(saved) == 1

    put(sqlite_app, "s5", 5)  # written while no process held the graph
    matrix = approximate(sqlite_app)
    assert nearest(sqlite_app, 5)[0] == "s5"
    assert len(matrix._graphs["m"]) == 6

    close_matrix(sqlite_app.engine)
    saved[0].write_bytes(saved[0].read_bytes()[:200])  # truncated
    approximate(sqlite_app)
    assert nearest(sqlite_app, 3)[0] == "s3"

    close_matrix(sqlite_app.engine)
    with sqlite_app.desk.uow() as uow:  # the newest rows rewritten: the file no longer fits
        uow.search.remove(["s5"])
        uow.commit()
    put(sqlite_app, "s6", 6)
    put(sqlite_app, "s7", 7)
    saved[0].write_bytes(b"not a graph at all\n" + bytes(100))
    approximate(sqlite_app)
    assert nearest(sqlite_app, 7)[0] == "s7"
    assert "s5" not in nearest(sqlite_app, 5)


def test_a_document_rewritten_into_the_ids_of_deleted_rows_is_seen(sqlite_app: Tierdesk) -> None:
    """SQLite gives a new row the id after the highest one left: the newest document's new
    text takes the ids its old passages had, which a cache counting on growing ids missed."""
    for n in range(3):
        put(sqlite_app, f"r{n}", n)
    assert nearest(sqlite_app, 2)[0] == "r2"

    put(sqlite_app, "r2", 20)

    assert nearest(sqlite_app, 20)[0] == "r2"
    scores, _ = nearest_scores(sqlite_app, 20)
    assert max(scores) == pytest.approx(1.0, abs=1e-5)


def nearest_scores(app: Tierdesk, seed: int) -> tuple[list[float], list[int]]:
    with app.desk.uow() as uow:
        scores, _ = uow.search.nearest([unit(seed).tobytes()], "m", EVERYTHING, 5)
    return list(scores.values()), list(scores)


@pytest.mark.parametrize("refreshed_between", [True, False])
def test_a_document_written_after_the_newest_was_removed_is_seen(
    sqlite_app: Tierdesk, refreshed_between: bool
) -> None:
    """Removing the newest document (an article deleted, a manual replaced by its next
    version) and writing another: SQLite would number the new rows one above the highest id
    left, the removed rows' ids, and a cache that had read those ids kept their old vectors
    (or, having forgotten them, never read the new ones)."""
    for n in range(3):
        put(sqlite_app, f"r{n}", n)
    assert nearest(sqlite_app, 2)[0] == "r2"

    with sqlite_app.desk.uow() as uow:
        uow.search.remove(["r2"])
        uow.commit()
    if refreshed_between:
        assert "r2" not in nearest(sqlite_app, 2)
    put(sqlite_app, "s", 30)

    assert nearest(sqlite_app, 30)[0] == "s"
    scores, _ = nearest_scores(sqlite_app, 30)
    assert max(scores) == pytest.approx(1.0, abs=1e-5)
    assert "s" not in nearest(sqlite_app, 2)[:1]  # the removed text finds nothing of its own
