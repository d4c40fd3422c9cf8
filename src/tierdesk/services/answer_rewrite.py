"""The optional rewrite of an answer by the configured OpenAI-compatible endpoint (issue 17).

The offline answer frames the cited passage with fixed texts in the customer's language and
quotes the passage as written, with a note when it is in another language. When
``understanding.llm_endpoint`` is set, that whole answer is handed to the model to be written
in the customer's language — the passage included. It only rewrites what the desk already
decided to say: the source, the confidence and the policy were settled without it, and the
policy still decides whether anything is sent. An answer whose rewrite lost the portal link
(the customer's way to say whether it solved it) or that the model could not give keeps the
offline text.
"""

from __future__ import annotations

import logging

from tierdesk.errors import LanguageModelUnavailableError
from tierdesk.services.desk import Desk

logger = logging.getLogger(__name__)

INSTRUCTION = (
    "Rewrite this answer from a technical support desk to its customer entirely in the language "
    "{language} (an ISO 639-1 code), including the quoted passage. Keep its meaning and every "
    "step, product name, menu name, code, version and link exactly; keep the name of the source "
    "it cites and the closing question with its link. Add nothing: no new steps, no promises, "
    "no greeting or signature it does not have. Reply with the rewritten answer only."
)


def rewrite_answer(desk: Desk, text: str, language: str, keep: list[str]) -> str | None:
    """The answer rewritten in ``language``; None without a configured model, when the model
    fails, or when its text drops any of ``keep`` (the offline answer is sent then)."""
    llm = desk.understanding.llm if desk.understanding is not None else None
    if llm is None:
        return None
    try:
        rewritten = llm.complete(INSTRUCTION.format(language=language), text)
    except LanguageModelUnavailableError as exc:
        logger.warning("answer rewrite skipped: %s", exc)
        return None
    missing = [k for k in keep if k not in rewritten]
    if missing:
        logger.warning("answer rewrite dropped %s: the offline answer is kept", missing)
        return None
    return rewritten
