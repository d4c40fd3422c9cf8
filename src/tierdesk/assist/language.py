"""Language identification with py3langid (BSD-3-Clause; its model ships in the package),
restricted to the languages the desk serves so that short texts are not called Latin."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

DESK_LANGUAGES = ("en", "de", "it", "fr", "es", "nl", "da", "pt", "pl", "sv")
MIN_LETTERS = 12  # below this, any guess is noise
# Search reads the language of each hit's opening (assist/search.py, up to 1,000 characters),
# the same manual sections for question after question: remembered per detector.
CACHED_TEXT_CHARS = 2_000
CACHED_TEXTS = 4_096

_loading = threading.Lock()


@functools.cache
def _identifier(languages: tuple[str, ...]) -> Any:
    """The model for ``languages``, loaded once per process (~0.4 s of CPU: a process that
    assembles several desks, as the test suite does, would otherwise pay it for each). Sharing
    is safe: classifying only reads the model's arrays."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


class LangIdDetector:
    def __init__(self, languages: Sequence[str] = DESK_LANGUAGES) -> None:
        self._languages = tuple(languages)
        self._identifier: Any = None
        self._remembered = functools.lru_cache(maxsize=CACHED_TEXTS)(self._classify)

    def _model(self) -> Any:
        if self._identifier is None:
            with _loading:
                self._identifier = _identifier(self._languages)
        return self._identifier

    @property
    def loaded(self) -> bool:
        return self._identifier is not None

    def detect(self, text: str) -> tuple[str, float] | None:
        if sum(character.isalpha() for character in text) < MIN_LETTERS:
            return None
        if len(text) <= CACHED_TEXT_CHARS:
            return self._remembered(text)
        return self._classify(text)

    def _classify(self, text: str) -> tuple[str, float]:
        language, probability = self._model().classify(text)
        return str(language), float(probability)
