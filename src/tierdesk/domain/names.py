"""How two names are the same name: one comparison for every engine.

SQLite's ``lower()`` folds ASCII letters only (``Ö`` stays ``Ö``) while PostgreSQL's follows the
locale, so a case-insensitive check written in SQL said "new name" on one engine and "taken" on
the other — and on SQLite the plain unique constraint then failed the insert with a 500. Names
are compared by this key instead, computed here and stored beside the name under a unique index.
"""

from __future__ import annotations

import unicodedata

from tierdesk.errors import InvalidInputError


def name_key(name: str) -> str:
    """Case-folded (``Straße`` is ``STRASSE``), Unicode-normalised (NFKC, so a composed and a
    decomposed ``Ö`` agree), inner whitespace collapsed and ends trimmed."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def clean_name(name: str, what: str, longest: int = 80) -> str:
    """A name as typed into a form (a view's, a macro's): whitespace collapsed, not empty, not
    longer than ``longest``."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError(f"give the {what} a name", field="name")
    if len(cleaned) > longest:
        raise InvalidInputError(f"a {what} name has at most {longest} characters", field="name")
    return cleaned
