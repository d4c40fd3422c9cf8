"""The language a ticket is worked and answered in (pure rules).

A ticket takes, in this order: the language chosen for it (by whoever opened it, or an agent
later), the language its first customer message is written in when the identifier is sure of
it, the requester's stated language, or none (unknown). What customers are then written in is
``customer_texts.customer_language(ticket's, contact's)``: English when the desk has no texts
for the language.
"""

from __future__ import annotations

from tierdesk.domain.customer_texts import base_language

# py3langid's normalised probability; below it a guess (short or mixed text) is not acted on.
SURE = 0.8


def sure_language(detected: tuple[str, float] | None) -> str | None:
    """The identifier's answer when it is sure, else None."""
    if detected is None:
        return None
    code, confidence = detected
    return base_language(code) if confidence >= SURE else None


def opening_language(chosen: str | None, written: str | None, stated: str | None) -> str | None:
    """A new ticket's language: ``chosen`` for the ticket beats what the customer ``written``
    in, which beats the contact's ``stated`` language (a default, not a choice for this
    ticket)."""
    return (chosen or "").strip() or written or stated or None
