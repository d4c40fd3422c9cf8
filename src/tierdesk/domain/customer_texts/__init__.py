"""What the desk says to customers, in their language: one catalogue per language (``en``,
``de``, ``it``, ``fr``, ``es``), each a flat table from a key ("defect.fixed") to a text with
``{named}`` placeholders. Mail frames, acknowledgements, clarifying questions, notices posted on
tickets, sign-in mails and the portal's own words all come from here, so that a language is
added (or a wording corrected) in one place; ``tests/domain/test_customer_texts.py`` checks
that every catalogue has every key with the same placeholders.

A language without a catalogue falls back to English, as does a key a catalogue lacks (which
the test forbids, but a missing translation must never stop a mail).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from tierdesk.domain.customer_texts import de, en, es, fr, it

CATALOGUES: Mapping[str, Mapping[str, str]] = {
    "en": en.TEXTS,
    "de": de.TEXTS,
    "it": it.TEXTS,
    "fr": fr.TEXTS,
    "es": es.TEXTS,
}
LANGUAGES = tuple(CATALOGUES)  # the languages customers are written to in
FALLBACK = "en"


def base_language(code: str | None) -> str | None:
    """``de-CH``, ``de_CH`` and ``DE`` are ``de``; blank is None."""
    cleaned = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return cleaned or None


def customer_language(*candidates: str | None) -> str:
    """The first candidate the desk has texts for, else English. The caller orders them: a
    ticket's mail puts the ticket's language first, the portal its reader's."""
    for candidate in candidates:
        code = base_language(candidate)
        if code is not None and code in CATALOGUES:
            return code
    return FALLBACK


def customer_text(language: str | None, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (English when there is none), filled in."""
    catalogue = CATALOGUES.get(base_language(language) or FALLBACK, CATALOGUES[FALLBACK])
    template = catalogue.get(key)
    if template is None:
        template = CATALOGUES[FALLBACK][key]  # an unknown key is a bug: KeyError
    return template.format(**values)


def has_text(key: str) -> bool:
    return key in CATALOGUES[FALLBACK]


def customer_day(language: str | None, day: date) -> str:
    """A day as the language writes it ("05.02.2027", "05/02/2027"; English keeps ISO)."""
    return day.strftime(customer_text(language, "format.day"))


def minutes_phrase(language: str | None, minutes: int) -> str:
    """ "3 minutes", "1 Minute": every catalogue language has one singular and one plural."""
    key = "duration.minute" if minutes == 1 else "duration.minutes"
    return customer_text(language, key, n=minutes)
