"""A manual's sections are what a reader would cite: a heading whose text is in its
sub-sections is no section of its own, in Markdown, HTML and PDF alike; and a hit always
shows text to read, never only its heading."""

from __future__ import annotations

from tierdesk.assist import documents
from tierdesk.assist.documents import read_document
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain import knowledge as sections_of
from tierdesk.domain.knowledge import Section, split_markdown
from tierdesk.services import knowledge
from tierdesk.services.auth import SYSTEM

RESET_TEXT = (
    "Disconnect the power supply, press and hold Mute and 0, and reconnect power. Keep both "
    "keys pressed until the display asks to confirm, then press OK to erase all settings."
)
MARKDOWN = f"""# Deskphone guide

Applies to the KP-200 and the KP-400 desk phones running firmware 4.0 and later releases.

## 7 Directory

The phone searches a company directory over LDAP; set the server and the base DN.

## 8 Factory reset

### 8.1 Without the admin password

{RESET_TEXT}

### 8.2 With the admin password

Open Menu, Settings, Advanced, enter the admin password and choose Factory reset there.

## 9 Troubleshooting

This chapter lists messages:

### 9.1 Messages

Provisioning server not found: check DHCP option 66 and the provisioning URL on the phone.

## 10 Appendix

---
"""

HTML = f"""<html><head><title>Deskphone guide</title></head><body>
<nav>Home | Manuals</nav>
<h1>Deskphone guide</h1>
<p>Applies to the KP-200 and the KP-400 desk phones running firmware 4.0 and later releases.</p>
<section><h2>8 Factory reset</h2>
<section><h3>8.1 Without the admin password</h3><p>{RESET_TEXT}</p></section>
<section><h3>8.2 With the admin password</h3>
<p>Open Menu, Settings, Advanced, enter the admin password and choose Factory reset there.</p>
</section></section>
<h2>9 Empty chapter</h2>
<table><tr><td></td></tr></table>
</body></html>"""


def pdf(pages: list[list[str]], title: str = "Router guide") -> bytes:
    """A real (if tiny) PDF: one Helvetica text line per string, one list per page."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{n} 0 R" for n in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for number, lines in zip(page_ids, pages, strict=True):
        shown = "".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T* "
            for line in [title, *lines]
        )
        stream = f"BT /F1 10 Tf 12 TL 40 800 Td {shown}ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {number + 1} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (index, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        start,
    )
    return bytes(out)


PDF_PAGES = [
    [
        "1 Introduction",
        "The router forwards, filters and shapes traffic between the branch and head office.",
        "2 Factory reset",
        "2.1 Without the admin password",
        "Hold the reset button for ten seconds while the router starts; every setting is",
        "erased and the router starts with the default address 192.168.1.1 again.",
        "Page 1 of 2",
    ],
    [
        "2.2 With the admin password",
        "Open System, Maintenance, Reset in the web interface and confirm with the password.",
        "3 Troubleshooting",
        "Symptom Check first Section",
        "Router reboots every few days on",
        "13.0 Known issue KEDGE-9120 11",
        "Tunnel does not come up: check the phase 1 proposal on both ends of the tunnel.",
        "Page 2 of 2",
    ],
]


def titles(sections: list[Section]) -> list[str]:
    return [" > ".join(s.path[1:]) for s in sections]


def test_a_markdown_heading_whose_text_is_in_its_sub_sections_is_no_section_of_its_own() -> None:
    sections = split_markdown(MARKDOWN)

    assert "8 Factory reset" not in titles(sections)
    assert "8 Factory reset > 8.1 Without the admin password" in titles(sections)
    assert all(s.text.strip() for s in sections)


def test_a_headings_few_words_lead_its_first_sub_section() -> None:
    sections = split_markdown(MARKDOWN)

    messages = next(s for s in sections if s.title == "9.1 Messages")
    assert "9 Troubleshooting" not in titles(sections)
    assert messages.text.startswith("This chapter lists messages:")
    assert "Provisioning server not found" in messages.text


def test_a_section_without_a_word_is_dropped_and_a_short_one_without_children_is_kept() -> None:
    sections = split_markdown(MARKDOWN)

    assert "10 Appendix" not in titles(sections)
    directory = next(s for s in sections if s.title == "7 Directory")
    assert directory.text.startswith("The phone searches")


def test_a_stub_keeps_its_page_when_folded_into_its_first_sub_section() -> None:
    folded = sections_of.fold_heading_stubs(
        [
            Section(("G", "3 Routing"), "", 4),
            Section(("G", "3 Routing", "3.1 Static"), "x " * 20, 5),
        ]
    )

    assert [(s.path, s.page) for s in folded] == [(("G", "3 Routing", "3.1 Static"), 4)]


def test_an_html_heading_whose_text_is_in_its_sub_sections_is_no_section_of_its_own() -> None:
    parsed = read_document(HTML.encode(), "guide.html")

    assert "8 Factory reset" not in titles(parsed.sections)
    assert "9 Empty chapter" not in titles(parsed.sections)
    assert "8 Factory reset > 8.1 Without the admin password" in titles(parsed.sections)
    assert all(s.text.strip() for s in parsed.sections)


def test_a_pdf_heading_whose_text_is_in_its_sub_sections_is_no_section_of_its_own() -> None:
    parsed = read_document(pdf(PDF_PAGES), "router.pdf")

    found = titles(parsed.sections)
    assert "2 Factory reset" not in found
    assert found == [
        "1 Introduction",
        "2 Factory reset > 2.1 Without the admin password",
        "2 Factory reset > 2.2 With the admin password",
        "3 Troubleshooting",
    ]
    assert [s.page for s in parsed.sections] == [1, 1, 2, 2]


def test_a_pdf_line_that_starts_with_a_number_out_of_sequence_is_text_not_a_heading() -> None:
    parsed = read_document(pdf(PDF_PAGES), "router.pdf")

    troubleshooting = parsed.sections[-1]
    assert "13.0 Known issue KEDGE-9120 11" in troubleshooting.text
    assert "Tunnel does not come up" in troubleshooting.text
    assert not any("Page 1 of 2" in s.text for s in parsed.sections)
    follows = documents.follows
    assert follows((5, 1), (4, 3)) and follows((4, 3, 1), (4, 3)) and follows((11,), (10,))
    assert not follows((13, 0), (10,)) and not follows((4, 1), (4, 3))


def test_a_manual_hit_shows_text_to_read_not_only_its_heading(app: Tierdesk) -> None:
    parsed = app.read_document(
        f"# Deskphone guide\n\n## 8 Factory reset\n\n{RESET_TEXT}\n\n"
        "## 9 Directory\n\nThe phone searches a company directory over LDAP or LDAPS.\n".encode(),
        "guide.md",
    )
    knowledge.add_article(app.desk, SYSTEM, parsed, "guide.md", product="Deskphone")

    hits = knowledge.search_knowledge(app.desk, SYSTEM, "factory reset", limit=3)

    assert hits[0].section == "8 Factory reset"
    assert "press and hold Mute" in hits[0].passage
