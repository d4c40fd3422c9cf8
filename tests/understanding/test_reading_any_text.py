"""Every message is read for facts and log templates inside the transaction that stores it, so
no text, however odd, may make the reading fail: a crash there would refuse the ticket itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tierdesk.domain.facts import extract_facts
from tierdesk.domain.log_facts import looks_like_log, template_facts

# Lines built from log-like pieces and from any character at all (no-break and other spaces,
# control characters, scripts other than Latin), repeated so that a header is worth learning.
PIECES = st.sampled_from(
    [
        " ",
        "\t",
        "\xa0",
        "\u2003",
        "|",
        "[",
        "]",
        ":",
        "-",
        "2026-03-02",
        "12:00:01",
        "INFO",
        "ERROR",
        "sshd[42]:",
        "kernel:",
        "Mar",
        "node-7",
        "0x1F",
        "10.0.0.1",
        "Fehler",
        "é",
        "日本",
    ]
)
LINE = st.one_of(st.text(max_size=40), st.lists(PIECES, max_size=12).map("".join))
TEXT = st.lists(LINE, min_size=0, max_size=12).flatmap(
    lambda lines: st.integers(min_value=1, max_value=6).map(lambda n: "\n".join(lines * n))
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_reading_any_text_for_logs_and_facts_never_fails(text: str) -> None:
    looks_like_log(text)
    template_facts(text)
    extract_facts(text)


def test_a_log_whose_lines_start_with_a_no_break_space_is_read() -> None:
    text = "\n".join(["\xa0 foo bar baz"] * 6)
    looks_like_log(text)
    template_facts(text)
