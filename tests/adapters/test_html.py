"""HTML in messages: what sanitising keeps and drops, and the plain text made from it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierdesk.adapters.html import html_to_text, sanitise_html


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<svg onload="alert(1)"></svg>',
        '<form action="https://evil.example"><input name="pw"></form>',
        '<p onclick="alert(1)">x</p>',
    ],
)
def test_scripts_handlers_and_active_content_are_removed(dangerous: str) -> None:
    safe = sanitise_html(f"<p>before</p>{dangerous}<p>after</p>").lower()

    for marker in (
        "<script",
        "alert",
        "javascript:",
        "data:",
        "<iframe",
        "<style",
        "<svg",
        "<form",
    ):
        assert marker not in safe
    assert "onerror" not in safe
    assert "onclick" not in safe
    assert "onload" not in safe
    assert "style=" not in safe
    assert "<p>before</p>" in safe
    assert "<p>after</p>" in safe


def test_structure_and_safe_links_are_kept() -> None:
    html = (
        "<h2>Steps</h2><ol><li>Reboot</li><li>Check <code>sip.conf</code></li></ol>"
        '<table><tbody><tr><td colspan="2">cell</td></tr></tbody></table>'
        '<a href="https://kestrel.example/kb/12" title="KB">KB-12</a>'
    )

    safe = sanitise_html(html)

    assert "<h2>Steps</h2><ol><li>Reboot</li><li>Check <code>sip.conf</code></li></ol>" in safe
    assert '<td colspan="2">cell</td>' in safe
    assert 'href="https://kestrel.example/kb/12"' in safe
    assert 'rel="noopener noreferrer nofollow"' in safe


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' apbscriptonerrorhef&;:lix")), max_size=60))
def test_sanitising_twice_changes_nothing_more(html: str) -> None:
    once = sanitise_html(html)
    assert sanitise_html(once) == once


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    assert html_to_text("<p>One</p><p>Two</p>") == "One\n\nTwo"


def test_list_items_and_line_breaks_start_new_lines() -> None:
    text = html_to_text("<p>Try:</p><ul><li>reboot</li><li>reset <b>all</b></li></ul>a<br>b")

    assert [line for line in text.splitlines() if line] == [
        "Try:",
        "- reboot",
        "- reset all",
        "a",
        "b",
    ]


def test_entities_are_decoded_and_runs_of_whitespace_collapsed() -> None:
    assert html_to_text("<p>a &lt;b&gt;   &amp;\n\n  c&nbsp;d</p>") == "a <b> & c d"


def test_script_and_style_content_never_becomes_text() -> None:
    assert html_to_text("<style>p{}</style><p>kept</p><script>var x = 1;</script>") == "kept"


def test_empty_html_gives_empty_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<p> </p><div></div>") == ""


def test_line_breaks_in_the_html_source_are_spaces_as_a_browser_shows_them() -> None:
    html = "<p>Hi team,</p>\n<p>since the\nupgrade the phones\n\ndrop calls.</p>"

    assert html_to_text(html) == "Hi team,\n\nsince the upgrade the phones drop calls."


def test_preformatted_text_keeps_its_lines() -> None:
    assert html_to_text("<pre>line 1\nline 2</pre>") == "line 1\nline 2"


def test_a_self_closing_line_break_is_one_line_break() -> None:
    assert html_to_text("a<br/>b<br>c") == "a\nb\nc"
