"""Manual files to sections: Markdown by heading, HTML by <h1>…<h6>, PDF by numbered headings
("4.2 Port forwarding") with the page each section starts on.

HTML is read with the standard library's parser (scripts, styles and navigation dropped); PDF
text comes from ``pypdf`` (pure Python, BSD licence).

What a file may expand to is bounded (``ManualLimits``: pages, characters, sections) and
checked while reading, not after: a PDF's pages are read one by one and reading stops once
the character budget is spent, HTML is fed to the parser in pieces, so refusing a file that
inflates to megabytes of text costs no more than the budget.
"""

from __future__ import annotations

import hashlib
import io
import re
from html.parser import HTMLParser
from pathlib import PurePath
from typing import TYPE_CHECKING

from tierdesk.domain.knowledge import (
    ManualLimits,
    ParsedDocument,
    Section,
    fold_heading_stubs,
    split_markdown,
)
from tierdesk.errors import InvalidInputError, TooLargeError, UnsupportedMediaError

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
# A PDF page's text is drawn by operators in its content stream, between positioning and font
# changes: manuals measured 1.5 to 7 bytes of content per character of text. Content beyond
# this many bytes per allowed character is refused before pypdf walks it (~5 s per megabyte).
CONTENT_BYTES_PER_CHARACTER = 10
HTML_PIECE = 64 * 1024  # characters fed to the HTML parser between two checks


def read_document(
    data: bytes, filename: str, title: str | None = None, limits: ManualLimits | None = None
) -> ParsedDocument:
    limits = limits or ManualLimits()
    suffix = PurePath(filename).suffix.lower()
    kind = FORMATS.get(suffix)
    if kind is None:
        raise UnsupportedMediaError(
            f"{filename}: unsupported format; use {', '.join(sorted(FORMATS))}"
        )
    fallback = title or PurePath(filename).stem.replace("-", " ").replace("_", " ")
    if kind == "pdf":
        found_title, sections = _pdf(data, fallback, filename, limits)
    elif kind == "html":
        found_title, markdown = _html(_text(data, filename), filename, limits)
        found_title = title or found_title or fallback
        sections = split_markdown(markdown, found_title)
    else:
        text = _text(data, filename)
        if len(text) > limits.characters:
            raise _too_many_characters(filename, limits)
        first = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        found_title = title or (first.group(1).strip() if first else fallback)
        sections = split_markdown(text, "" if first else found_title)
    if not sections:
        raise InvalidInputError(f"{filename}: no text found")
    if len(sections) > limits.sections:
        raise TooLargeError(
            f"{filename} has {len(sections):,} sections (headings); a manual may have at most "
            f"{limits.sections:,} (setting manuals.max_sections)",
            limit=limits.sections,
            setting="manuals.max_sections",
        )
    return ParsedDocument(title or found_title, kind, hashlib.sha256(data).hexdigest(), sections)


def _too_many_characters(filename: str, limits: ManualLimits) -> TooLargeError:
    return TooLargeError(
        f"{filename} expands to more than {limits.characters:,} characters of text; a manual "
        f"may have at most that many (setting manuals.max_characters)",
        limit=limits.characters,
        setting="manuals.max_characters",
    )


def _text(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{filename}: not UTF-8 text") from exc


class _HtmlToMarkdown(HTMLParser):
    SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template"})
    BLOCKS = frozenset({"p", "div", "li", "tr", "br", "section", "article", "pre", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.characters = 0  # of text kept so far
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.heading: int | None = None
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._end_line()
            self.heading = int(tag[1])
        elif tag in self.BLOCKS:
            self._end_line()
        elif tag in ("td", "th"):
            self.current.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "title":
            self.in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skipping:
            self.current.append(data)

    def _end_line(self) -> None:
        line = re.sub(r"\s+", " ", "".join(self.current)).strip(" |")
        self.current.clear()
        if line:
            self.lines.append(f"{'#' * self.heading} {line}" if self.heading else line)
            self.characters += len(line)
        self.heading = None


def _html(text: str, filename: str, limits: ManualLimits) -> tuple[str, str]:
    parser = _HtmlToMarkdown()
    for start in range(0, len(text), HTML_PIECE):
        parser.feed(text[start : start + HTML_PIECE])
        if parser.characters > limits.characters:
            raise _too_many_characters(filename, limits)
    parser.close()
    parser._end_line()
    lines = parser.lines
    title = parser.title.strip()
    if lines and lines[0].startswith("# "):  # the page's own <h1> is the document title
        title = title or lines[0][2:]
        lines = lines[1:]
    return title, "\n".join(lines)


_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s+(\S.{0,78})$")
_PAGE_FOOTER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)


def follows(number: tuple[int, ...], current: tuple[int, ...]) -> bool:
    """Whether a numbered line can be the heading after ``current`` ("4.3" → "4.4", "5",
    "5.1" or "4.3.1"; one number may be skipped). Otherwise it is text that happens to start
    with a number: a version in a table row ("13.0 Known issue …" under "10 Troubleshooting"),
    a quantity at the start of a wrapped line."""
    if not current:
        return True
    if number[: len(current)] == current:
        return len(number) > len(current) and all(n == 1 for n in number[len(current) :])
    for level in range(min(len(number), len(current))):
        if number[:level] != current[:level]:
            return False
        if current[level] < number[level] <= current[level] + 2:
            return all(n == 1 for n in number[level + 1 :])
    return False


def _pdf(
    data: bytes, fallback: str, filename: str, limits: ManualLimits
) -> tuple[str, list[Section]]:
    from pypdf import PdfReader  # pure Python, but slow to import: only when a PDF comes
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > limits.pages:
            raise TooLargeError(
                f"{filename} has {len(reader.pages):,} pages; a manual may have at most "
                f"{limits.pages:,} (setting manuals.max_pages)",
                limit=limits.pages,
                setting="manuals.max_pages",
            )
        pages = _pdf_pages(reader, filename, limits)
        meta_title = reader.metadata.title if reader.metadata else None
    except LimitReachedError as exc:  # pypdf's own guard against a stream that inflates
        raise _too_many_characters(filename, limits) from exc
    except (PyPdfError, ValueError) as exc:
        raise InvalidInputError(f"unreadable PDF: {exc}") from exc
    title = (meta_title or "").strip() or _first_line(pages) or fallback
    sections: list[Section] = []
    path: list[str] = []
    numbers: tuple[int, ...] = ()
    lines: list[str] = []
    start_page = 1

    def flush() -> None:
        sections.append(Section((title, *path), "\n".join(lines).strip(), start_page))
        lines.clear()

    for number, page in enumerate(pages, 1):
        for raw in page.splitlines():
            line = raw.strip()
            if not line or line == title or _PAGE_FOOTER.match(line):  # running header, footer
                continue
            heading = _NUMBERED_HEADING.match(line)
            if heading and not line.endswith((".", ",", ":", ";")):
                parts = tuple(int(n) for n in heading.group(1).split("."))
                if follows(parts, numbers):
                    flush()
                    numbers = parts
                    path = [*path[: len(parts) - 1], line][: len(parts)]
                    start_page = number
                    continue
            if not lines and not path:
                start_page = number
            lines.append(line)
        if not path:  # no numbered headings so far: one section per page
            flush()
            start_page = number + 1
    flush()
    return title, fold_heading_stubs(sections)


def _pdf_pages(reader: PdfReader, filename: str, limits: ManualLimits) -> list[str]:
    """Each page's text, page by page, until the budget is spent: a page's content stream is
    measured (inflating it is quick) before pypdf walks it (slow), and its text is counted."""
    content_budget = limits.characters * CONTENT_BYTES_PER_CHARACTER
    content = characters = 0
    pages = []
    for page in reader.pages:
        content += _content_bytes(page)
        if content > content_budget:
            raise _too_many_characters(filename, limits)
        text = page.extract_text() or ""
        characters += len(text)
        if characters > limits.characters:
            raise _too_many_characters(filename, limits)
        pages.append(text)
    return pages


def _content_bytes(page: PageObject) -> int:
    """The size of a page's content stream (or streams) once inflated."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _first_line(pages: list[str]) -> str:
    for page in pages:
        for line in page.splitlines():
            if line.strip():
                return line.strip()
    return ""
