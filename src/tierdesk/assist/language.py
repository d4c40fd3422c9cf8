"""Language identification with py3langid (BSD-3-Clause; its model ships in the package),
restricted to the languages the desk serves so that short texts are not called Latin."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

DESK_LANGUAGES = ("en", "de", "it", "fr", "es", "nl", "da", "pt", "pl", "sv")
MIN_LETTERS = 12  # below this, any guess is noise

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
        language, probability = self._model().classify(text)
        return str(language), float(probability)
