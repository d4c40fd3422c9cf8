"""Language identification with py3langid (BSD-3-Clause; its model ships in the package),
restricted to the languages the desk serves so that short texts are not called Latin."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

DESK_LANGUAGES = ("en", "de", "it", "fr", "es", "nl", "da", "pt", "pl", "sv")
MIN_LETTERS = 12  # below this, any guess is noise


class LangIdDetector:
    def __init__(self, languages: Sequence[str] = DESK_LANGUAGES) -> None:
        self._languages = list(languages)
        self._identifier: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(self._languages)
                self._identifier = identifier
            return self._identifier

    @property
    def loaded(self) -> bool:
        return self._identifier is not None

    def detect(self, text: str) -> tuple[str, float] | None:
        if sum(character.isalpha() for character in text) < MIN_LETTERS:
            return None
        language, probability = self._model().classify(text)
        return str(language), float(probability)
