"""The demo world's scenarios as cross-language development and reported questions.

No public data set asks manuals in another language than theirs, so the desk's own demo content
stands in: the 37 scenarios of src/tierdesk/demo/content/scenarios.json, written for the project,
each in English and in two of German, French, Italian and Spanish. Each is asked twice per
language of the three Kestrel manuals (src/tierdesk/demo/content/manuals): its opening ticket
(subject and body: a whole ticket, as the assist panel asks it) and its subject alone (a short
question, as a customer types it into the portal's search).

**Right answers.** Every scenario's English solution names the manual sections that answer it
("Section 7.2 of the SBC Administration Guide", "chapter 8 of the Edge Configuration Guide",
"section 8 (Mute+0 at power-up)"): a hit is right when it is one of them — a numbered section
("7.2") is the section of that number, a chapter ("8") every section of that chapter; a
reference without a guide's name is to the scenario's product's guide.

**The split, fixed before anything was fitted.** Within each product the scenarios are ordered
by the SHA-256 of their key (hex) and taken in turn: the 1st, 3rd, 5th ... are the *fitting*
half, the 2nd, 4th, 6th ... the *reporting* half (19 and 18 scenarios; per product 7/6 SBC,
6/6 DeskPhone, 6/6 Edge; non-English tickets de 11/8, fr 10/8, it 7/12, es 10/8). Everything
that is chosen (the cross-language model's features, the rule it is used by) is chosen on the
fitting half; the reporting half is only reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "src" / "tierdesk" / "demo" / "content"
SCENARIOS = CONTENT / "scenarios.json"
MANUALS = CONTENT / "manuals"
# the demo fills these per ticket (``demo.facts``); any fixed value does for searching
FILLED = {"version": "6.0.2", "ip": "10.1.20.31", "peer_ip": "203.0.113.20", "since": "",
          "mac": "00:1A:7D:10:20:30", "serial": "KX2301234", "hostname": "kx-01.fra.example.com",
          "error_code": "E-5123", "extension": "2041", "customer_name": "",
          "agent_name": ""}  # fmt: skip
# how the solutions name the manuals
GUIDES = {
    "SBC Administration Guide": "Kestrel SBC",
    "DeskPhone User Guide": "Kestrel DeskPhone",
    "Edge Configuration Guide": "Kestrel Edge",
}
_REFERENCE = re.compile(
    r"\b(?:section|chapter)s?\s+(\d+(?:\.\d+)?)(?:\s*\([^)]*\))?(?:\s+of\s+the\s+(\w+ \w+ Guide))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DemoQuestion:
    scenario: str
    product: str
    language: str
    form: str  # "ticket" (subject and body) or "subject"
    text: str
    sections: frozenset[str]  # corpus ids ("<manual file>#<n>") of the sections it names


def halves() -> dict[str, str]:
    """Scenario key → "fit" or "report" (see the module's docstring)."""
    by_product: dict[str, list[str]] = {}
    for scenario in _scenarios():
        by_product.setdefault(scenario["product"], []).append(scenario["key"])
    half = {}
    for keys in by_product.values():
        ordered = sorted(keys, key=lambda k: hashlib.sha256(k.encode()).hexdigest())
        for at, key in enumerate(ordered):
            half[key] = "fit" if at % 2 == 0 else "report"
    return half


def named_sections(
    solution: str, product: str, titles: dict[str, list[tuple[str, str]]]
) -> frozenset[str]:
    """The corpus ids of the sections ``solution`` names. ``titles``: per product, its manual's
    (corpus id, section title) pairs."""
    found = set()
    for number, guide in _REFERENCE.findall(solution):
        of = GUIDES.get(guide, product) if guide else product
        for doc, title in titles[of]:
            heading = title.split(" ", 1)[0]
            if heading == number or ("." not in number and heading.startswith(f"{number}.")):
                found.add(doc)
    return frozenset(found)


def demo_questions(titles: dict[str, list[tuple[str, str]]], half: str) -> list[DemoQuestion]:
    """The questions of one half (``"fit"``, ``"report"``), every language and both forms."""
    chosen = halves()
    questions = []
    for scenario in _scenarios():
        if chosen[scenario["key"]] != half:
            continue
        product = scenario["product"]
        right = named_sections(scenario["texts"]["en"]["agent_solution"], product, titles)
        assert right, f"{scenario['key']} names no section"
        for language, texts in scenario["texts"].items():
            subject, body = _filled(texts["subject"]), _filled(texts["body"])
            for form, text in (("ticket", f"{subject}\n{body}"), ("subject", subject)):
                questions.append(
                    DemoQuestion(scenario["key"], product, language, form, text, right)
                )
    return questions


def _filled(text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: FILLED.get(m.group(1), ""), text)


def _scenarios() -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = json.loads(SCENARIOS.read_text("utf-8"))
    return loaded
