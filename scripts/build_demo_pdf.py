"""Render a demo manual from Markdown to PDF with fpdf2 (core fonts, real text layer).

The tierdesk demo ships one manual as PDF so that knowledge-base import and retrieval are
exercised on PDF input as well as on Markdown and HTML. The Markdown source is kept next to
the PDF; this script turns it into the PDF deterministically (fixed creation date, fixed
producer), so rebuilding gives the same bytes for the same fpdf2 version.

Supported Markdown subset: "# " title, "## " and "### " headings, paragraphs, "- " bullets,
"1. " numbered items, pipe tables with a header row, and ``` code blocks. Inline backticks are
dropped. Core PDF fonts only cover Latin-1, so the source must not contain other characters.

fpdf2 is not a tierdesk dependency; run the script from a throwaway virtual environment:

    python3 -m venv /tmp/pdfvenv && /tmp/pdfvenv/bin/pip install 'fpdf2>=2.8,<3'
    /tmp/pdfvenv/bin/python scripts/build_demo_pdf.py
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

REPO_ROOT = Path(__file__).resolve().parent.parent
MANUALS = REPO_ROOT / "src/tierdesk/demo/content/manuals"
DEFAULT_SRC = REPO_ROOT / "scripts/manual-sources/kestrel-edge-configuration-guide-13.0.md"
CREATION_DATE = datetime(2026, 1, 1, tzinfo=UTC)
MAX_PDF_BYTES = 150 * 1024

BODY_SIZE = 10
LINE_HEIGHT = 5


@dataclass
class Block:
    kind: str  # title | h2 | h3 | para | bullets | numbers | table | code
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def clean_inline(text: str) -> str:
    return text.replace("`", "").replace("**", "")


def parse_markdown(source: str) -> list[Block]:
    """Split the Markdown subset into blocks; consecutive plain lines form one paragraph."""
    blocks: list[Block] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        if line.startswith("```"):
            i += 1
            code: list[str] = []
            while i < len(lines) and not lines[i].startswith("```"):
                code.append(lines[i].rstrip())
                i += 1
            blocks.append(Block("code", text="\n".join(code)))
            i += 1
            continue
        heading = re.match(r"^(#{1,3}) (.+)$", line)
        if heading:
            kind = {1: "title", 2: "h2", 3: "h3"}[len(heading.group(1))]
            blocks.append(Block(kind, text=clean_inline(heading.group(2))))
            i += 1
            continue
        if line.startswith("|"):
            rows: list[list[str]] = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [clean_inline(c.strip()) for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        list_kind = (
            "bullets"
            if re.match(r"^- ", line)
            else ("numbers" if re.match(r"^\d+\. ", line) else None)
        )
        if list_kind:
            items: list[str] = []
            pattern = r"^- " if list_kind == "bullets" else r"^\d+\. "
            while i < len(lines) and re.match(pattern, lines[i]):
                items.append(clean_inline(re.sub(pattern, "", lines[i].rstrip())))
                i += 1
                while i < len(lines) and lines[i].startswith("   ") and lines[i].strip():
                    items[-1] += " " + clean_inline(lines[i].strip())
                    i += 1
            blocks.append(Block(list_kind, items=items))
            continue
        para = [line.strip()]
        i += 1
        while (
            i < len(lines)
            and lines[i].strip()
            and not re.match(r"^(#{1,3} |\||- |\d+\. |```)", lines[i])
        ):
            para.append(lines[i].strip())
            i += 1
        blocks.append(Block("para", text=clean_inline(" ".join(para))))
    return blocks


class ManualPDF(FPDF):
    def __init__(self, doc_title: str) -> None:
        super().__init__(format="A4")
        self.doc_title = doc_title
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, self.doc_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def heading(pdf: ManualPDF, text: str, size: int, level: int, space_before: float) -> None:
    # Keep a heading together with at least a few lines of the text that follows it.
    if pdf.get_y() > pdf.page_break_trigger - 35:
        pdf.add_page()
    elif pdf.get_y() > pdf.t_margin + 12:
        pdf.ln(space_before)
    pdf.start_section(text, level=level)
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def render(blocks: list[Block]) -> ManualPDF:
    title = next((b.text for b in blocks if b.kind == "title"), "Manual")
    pdf = ManualPDF(title)
    pdf.set_title(title)
    pdf.set_author("Kestrel Communications (fictional vendor, tierdesk demo)")
    pdf.set_subject("tierdesk demo manual")
    pdf.set_producer("tierdesk scripts/build_demo_pdf.py (fpdf2)")
    pdf.set_creation_date(CREATION_DATE)
    pdf.add_page()
    for block in blocks:
        if block.kind == "title":
            heading(pdf, block.text, 18, 0, 0)
            pdf.ln(2)
        elif block.kind == "h2":
            heading(pdf, block.text, 14, 1, 5)
        elif block.kind == "h3":
            heading(pdf, block.text, 12, 2, 3)
        elif block.kind == "para":
            pdf.set_font("Helvetica", "", BODY_SIZE)
            pdf.multi_cell(0, LINE_HEIGHT, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif block.kind in ("bullets", "numbers"):
            pdf.set_font("Helvetica", "", BODY_SIZE)
            for n, item in enumerate(block.items, start=1):
                marker = "-" if block.kind == "bullets" else f"{n}."
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(7, LINE_HEIGHT, marker)
                pdf.multi_cell(0, LINE_HEIGHT, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1)
            pdf.ln(1)
        elif block.kind == "code":
            pdf.set_font("Courier", "", 8.5)
            pdf.set_fill_color(242, 242, 242)
            pdf.multi_cell(
                0, 4.2, block.text, fill=True, padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(3)
        elif block.kind == "table":
            pdf.set_font("Helvetica", "", 9)
            with pdf.table(
                first_row_as_headings=True,
                line_height=4.6,
                padding=1.2,
                text_align="LEFT",
                headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 238)),
            ) as table:
                for row in block.rows:
                    table.row(row)
            pdf.ln(3)
    return pdf


def check_latin1(text: str, path: Path) -> None:
    bad = sorted({ch for ch in text if ord(ch) > 0xFF})
    if bad:
        listed = ", ".join(f"U+{ord(ch):04X} {ch!r}" for ch in bad)
        raise SystemExit(f"{path}: characters outside Latin-1 (core fonts): {listed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC, help="Markdown source")
    parser.add_argument("--out", type=Path, default=None, help="PDF path (default: next to src)")
    args = parser.parse_args(argv)

    out = args.out or args.src.with_suffix(".pdf")
    source = args.src.read_text(encoding="utf-8")
    check_latin1(source, args.src)
    pdf = render(parse_markdown(source))
    pdf.output(str(out))
    size = out.stat().st_size
    print(f"wrote {out} ({size} bytes, {pdf.pages_count} pages)")
    if size > MAX_PDF_BYTES:
        print(f"error: PDF exceeds {MAX_PDF_BYTES} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
