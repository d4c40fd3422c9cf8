"""The pure parts of retrieval: sections, passages, FTS expressions, why a hit was found,
metrics; and reading manual files into sections (no index needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierdesk.assist.documents import read_document
from tierdesk.assist.evaluation import metrics
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.domain.knowledge import (
    ScoredDocument,
    fts_expression,
    passages,
    split_markdown,
)
from tierdesk.errors import UnsupportedMediaError

MANUALS = CONTENT_DIR / "manuals"


def test_markdown_is_split_by_heading_with_the_path_of_headings_above() -> None:
    words = " ".join(f"word{i}" for i in range(12))  # a section of its own has some text
    text = (
        f"# Guide\nintro {words}\n## Network\nabout networks {words}\n"
        f"### VLANs\nset the VLAN\n## Audio\nloud\n"
    )

    sections = split_markdown(text)

    assert [s.path for s in sections] == [
        ("Guide",),
        ("Guide", "Network"),
        ("Guide", "Network", "VLANs"),
        ("Guide", "Audio"),
    ]
    assert sections[2].text == "set the VLAN"
    assert sections[2].anchor == "vlans"


def test_a_heading_inside_a_code_block_is_text() -> None:
    sections = split_markdown("# Guide\n```\n# not a heading\n```\nafter\n")

    assert len(sections) == 1
    assert "# not a heading" in sections[0].text


def test_long_text_becomes_overlapping_passages_and_short_text_one() -> None:
    words = [f"w{i}" for i in range(200)]

    windows = passages(" ".join(words), size=80, overlap=20)

    assert windows[0].split()[0] == "w0" and windows[1].split()[0] == "w60"
    assert windows[-1].split()[-1] == "w199"
    assert passages("a short text", size=80, overlap=20) == ["a short text"]


def test_terms_are_quoted_so_user_text_is_never_query_syntax() -> None:
    assert fts_expression(['he"llo', "NEAR", "a*"]) == '"hello" OR "NEAR" OR "a*"'


def test_why_names_the_signals_that_found_a_document() -> None:
    both = ScoredDocument(2, 1.3, 0.5, 0.8)
    meaning_only = ScoredDocument(3, -0.2, None, 0.4)

    assert "similar meaning (cosine 0.80)" in both.why and "rare words" in both.why
    assert meaning_only.why == "similar meaning (cosine 0.40)"


def test_metrics_count_the_first_relevant_hit_and_recall() -> None:
    result = metrics({"q1": ["a", "b", "c"], "q2": ["x", "y"]}, {"q1": {"b"}, "q2": {"z"}})

    assert result["recall@1"] == 0.0
    assert result["recall@5"] == 0.5
    assert result["mrr"] == 0.25
    assert result["queries"] == 2


@pytest.mark.parametrize(
    ("name", "fmt", "section", "page"),
    [
        ("kestrel-sbc-admin-guide-6.0.md", "markdown", "2.2 Call flow", None),
        ("kestrel-deskphone-user-guide-4.0.html", "html", "2.1 Connecting the phone", None),
        ("kestrel-edge-configuration-guide-13.0.pdf", "pdf", "4.2 Port forwarding", 2),
    ],
)
def test_manuals_are_read_into_sections_with_their_headings_and_pages(
    name: str, fmt: str, section: str, page: int | None
) -> None:
    path = MANUALS / name

    parsed = read_document(path.read_bytes(), name)

    assert parsed.format == fmt
    assert parsed.title.startswith("Kestrel")
    found = [s for s in parsed.sections if s.title.startswith(section)]
    assert len(found) == 1
    assert found[0].page == page
    assert found[0].text.strip()


def test_an_unknown_file_type_is_refused() -> None:
    with pytest.raises(UnsupportedMediaError):
        read_document(b"data", Path("manual.docx").name)
