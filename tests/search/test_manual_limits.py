"""What a manual may expand to (pages, characters, sections) is bounded while it is read, and
the demo's manuals are well within the defaults."""

from __future__ import annotations

import pytest

from tests.factories import make_pdf
from tierdesk.assist.documents import read_document
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.domain.knowledge import ManualLimits
from tierdesk.errors import TooLargeError


def headings(count: int) -> bytes:
    return (
        "# Big guide\n\n" + "".join(f"## Step {n}\n\nDo {n}.\n\n" for n in range(count))
    ).encode()


def test_the_demo_manuals_are_within_the_default_limits() -> None:
    for path in sorted((CONTENT_DIR / "manuals").glob("kestrel-*")):
        assert read_document(path.read_bytes(), path.name, limits=ManualLimits()).sections


def test_a_markdown_file_with_too_many_headings_is_refused() -> None:
    with pytest.raises(TooLargeError) as refused:
        read_document(headings(20_000), "big.md", limits=ManualLimits())

    assert "20,000 sections" in refused.value.message
    assert refused.value.data["setting"] == "manuals.max_sections"
    assert len(read_document(headings(2_000), "ok.md", limits=ManualLimits()).sections) == 2_000


def test_a_pdf_with_too_many_pages_is_refused_before_a_page_is_read() -> None:
    with pytest.raises(TooLargeError) as refused:
        read_document(make_pdf(pages=4), "long.pdf", limits=ManualLimits(pages=3))

    assert refused.value.message == (
        "long.pdf has 4 pages; a manual may have at most 3 (setting manuals.max_pages)"
    )


def test_a_small_pdf_that_inflates_to_more_text_than_allowed_is_refused() -> None:
    """~20 KB of PDF, ~200,000 characters of text, 100,000 allowed."""
    inflating = make_pdf(pages=3, lines=2_000)
    limits = ManualLimits(characters=100_000)

    with pytest.raises(TooLargeError) as refused:
        read_document(inflating, "bomb.pdf", limits=limits)

    assert len(inflating) < 25_000
    assert refused.value.data == {"limit": 100_000, "setting": "manuals.max_characters"}


def test_a_pdf_page_whose_content_alone_exceeds_the_budget_is_refused() -> None:
    """Its content stream is measured before pypdf walks it (the slow part)."""
    with pytest.raises(TooLargeError):
        read_document(make_pdf(lines=400), "dense.pdf", limits=ManualLimits(characters=1_000))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("big.md", b"# Big\n\n" + b"word " * 3_000),
        ("big.txt", b"word " * 3_000),
        ("big.html", b"<html><body><h1>Big</h1>" + b"<p>word word</p>" * 30_000 + b"</body>"),
    ],
)
def test_text_past_the_character_budget_is_refused(name: str, data: bytes) -> None:
    with pytest.raises(TooLargeError) as refused:
        read_document(data, name, limits=ManualLimits(characters=10_000))

    assert "more than 10,000 characters" in refused.value.message
