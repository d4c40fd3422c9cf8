"""Keyword candidates under a filter: the best matches the filter lets through, whether most of
the text index's best matches pass it (they are ranked first and filtered after) or few do
(every match is filtered, then ranked). SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.knowledge import DocumentKind, SearchDocument, SearchFilter

DOCUMENTS = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)
MANUALS = SearchFilter(kinds=(DocumentKind.MANUAL,), everything=True)
BOTH = SearchFilter(kinds=(DocumentKind.DOCUMENT, DocumentKind.MANUAL), everything=True)


def fill(app: Tierdesk) -> dict[int, DocumentKind]:
    """Forty documents and eight manual sections; the more often a text says "jitter" (and the
    shorter it is), the better it matches. The manuals are among the weaker matches."""
    kinds: dict[int, DocumentKind] = {}
    with app.desk.uow() as uow:
        for n in range(48):
            kind = DocumentKind.MANUAL if n % 6 == 5 else DocumentKind.DOCUMENT
            strength = 48 - n if kind is DocumentKind.DOCUMENT else 3
            body = " ".join(["jitter"] * (1 + strength % 7) + ["filler"] * (n + 3))
            document = SearchDocument(f"k{n}", kind, f"subject {n}", body)
            kinds[uow.search.put(document, [], "m")] = kind
        uow.search.put(SearchDocument("none", DocumentKind.DOCUMENT, "x", "no match"), [], "m")
        uow.commit()
    return kinds


def best_of_everything(
    app: Tierdesk, kinds: dict[int, DocumentKind], kind: DocumentKind, limit: int
) -> list[int]:
    """The reference: every match ranked without a filter, then those of ``kind``."""
    with app.desk.uow() as uow:
        everything = uow.search.lexical(["jitter"], BOTH, 1000)
    ranked = sorted(everything, key=lambda d: (-everything[d], d))
    return [d for d in ranked if kinds[d] is kind][:limit]


def test_most_matches_pass_the_filter_and_the_best_of_them_are_found(app: Tierdesk) -> None:
    kinds = fill(app)
    with app.desk.uow() as uow:
        found = uow.search.lexical(["jitter"], DOCUMENTS, 5)

    assert sorted(found, key=lambda d: (-found[d], d)) == best_of_everything(
        app, kinds, DocumentKind.DOCUMENT, 5
    )


def test_few_matches_pass_the_filter_and_all_of_them_are_found(app: Tierdesk) -> None:
    """Eight manuals below most documents: the index's best matches hold none or few of them,
    so every match is filtered first; all eight come back, best first."""
    kinds = fill(app)
    with app.desk.uow() as uow:
        found = uow.search.lexical(["jitter"], MANUALS, 5)
        every_manual = uow.search.lexical(["jitter"], MANUALS, 50)

    assert sorted(found, key=lambda d: (-found[d], d)) == best_of_everything(
        app, kinds, DocumentKind.MANUAL, 5
    )
    assert set(every_manual) == {d for d, k in kinds.items() if k is DocumentKind.MANUAL}


def test_fewer_matches_than_wanted_are_all_returned(app: Tierdesk) -> None:
    fill(app)
    with app.desk.uow() as uow:
        found = uow.search.lexical(["jitter"], DOCUMENTS, 100)
        nothing = uow.search.lexical(["absent"], DOCUMENTS, 100)

    assert len(found) == 40
    assert nothing == {}
