"""The language identifier: remembered answers are the model's answers."""

from __future__ import annotations

from tierdesk.assist.language import CACHED_TEXT_CHARS, LangIdDetector


def test_a_remembered_language_is_what_the_model_says_and_long_texts_are_read_each_time() -> None:
    detector = LangIdDetector()
    german = "Seit dem Update bricht jeder Anruf nach dreißig Sekunden ab."
    said = detector.detect(german)
    assert said is not None and said[0] == "de"
    assert detector.detect(german) == said
    long_french = "Depuis la mise à jour, chaque appel est coupé. " * (CACHED_TEXT_CHARS // 40)
    assert len(long_french) > CACHED_TEXT_CHARS
    found = detector.detect(long_french)
    assert found is not None and found[0] == "fr"
    assert detector.detect("ok") is None  # too few letters to tell
