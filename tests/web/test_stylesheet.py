"""What the stylesheet must do for text the desk does not control: a hand-over note with a
pasted stack trace, a quoted manual passage, an error quoting a 40-digit number. Such text
wraps inside its box instead of pushing the whole page sideways (found on /queue/handed-over
and the ticket page's hand-over panel, 3768 px wide on a 1366 px screen)."""

from __future__ import annotations

import re
from pathlib import Path

import tierdesk.entrypoints.web as web_package

WEB = Path(web_package.__file__).parent
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _rules() -> list[tuple[str, str]]:
    css = re.sub(r"/\*.*?\*/", "", (WEB / "static" / "desk.css").read_text(), flags=re.DOTALL)
    return [(sel.strip(), body) for sel, body in RULE.findall(css)]


def _declares(classes: set[str], prop: str, value: str) -> bool:
    for selectors, body in _rules():
        said = re.search(rf"(?:^|;|\s){re.escape(prop)}\s*:\s*{re.escape(value)}", body)
        if not said:
            continue
        for selector in selectors.split(","):
            last = selector.strip().split()[-1] if selector.strip() else ""
            if set(re.findall(r"\.([\w-]+)", last)) & classes:
                return True
    return False


def test_every_preformatted_block_in_a_template_wraps_its_long_lines() -> None:
    blocks = []
    for template in sorted((WEB / "templates").rglob("*.html")):
        for classes in re.findall(r'<pre class="([^"]+)"', template.read_text()):
            blocks.append((template.name, set(classes.split())))
    assert blocks
    unwrapped = [
        (name, sorted(classes))
        for name, classes in blocks
        if not (
            _declares(classes, "white-space", "pre-wrap")
            and _declares(classes, "overflow-wrap", "anywhere")
        )
    ]
    assert unwrapped == []


def test_an_error_beside_a_field_breaks_a_long_word() -> None:
    assert _declares({"form-error"}, "overflow-wrap", "anywhere") or _declares(
        {"error"}, "overflow-wrap", "anywhere"
    )
