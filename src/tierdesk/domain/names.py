"""How two names are the same name: one comparison for every engine.

SQLite's ``lower()`` folds ASCII letters only (``Ö`` stays ``Ö``) while PostgreSQL's follows the
locale, so a case-insensitive check written in SQL said "new name" on one engine and "taken" on
the other — and on SQLite the plain unique constraint then failed the insert with a 500. Names
are compared by this key instead, computed here and stored beside the name under a unique index.
"""

from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    """Case-folded (``Straße`` is ``STRASSE``), Unicode-normalised (NFKC, so a composed and a
    decomposed ``Ö`` agree), inner whitespace collapsed and ends trimmed."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())
