"""Which lines of a pasted text are log lines and which are the mail around them.

A customer writes "Hello, here is an excerpt:", pastes forty log lines and signs. Only the log
lines may become templates: a greeting grouped as a "template", or a signature flagged as an
error because it says "failed", would flow into packets and summaries.

Each line gets one label, before any grouping:

- **log**: it has the header learned from the text (``log_headers``), or it is machine text
  (``key=value``, brackets, identifiers with ``_``/``::``/``\\``, mostly non-words);
- **prose**: quoted mail (``> …``), everything after a signature mark (``--``) or a closing
  (“Best regards”, “Mit freundlichen Grüßen”, “Cordialement”, “Cordiali saluti”, “Saludos”),
  a greeting or a closing line in those five languages, and any sentence: mostly plain words,
  ending in ``. ! ? : ; ,``;
- **unsure** (a short line of plain words, such as "Send worker leaving thread" or "Anna"):
  it takes the label of the nearest labelled line in its paragraph (blank lines separate
  paragraphs; the line before wins a tie). A paragraph with no labelled line is log, unless
  the text has header lines elsewhere (then it is the mail around the log).

Nothing here knows a language beyond the short greeting and closing lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

PLAIN_SHARE = 0.7  # a sentence is at least this share of plain words
MAX_FORMULA_WORDS = 6  # a greeting or closing line is short
MIN_LOG_WORDS = 4  # "1. call 4711" is a list item; "call 4711 dropped after 30 s" a log line
MAX_SIGN_OFF_WORDS = 4  # "Best regards, Anna Rossi" ends the mail; "Thanks, here is the log:" not

_GREETINGS = (
    *("hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening"),
    *("hallo", "liebe", "lieber", "sehr geehrte", "sehr geehrter", "guten morgen"),
    *("guten tag", "moin", "servus", "bonjour", "bonsoir", "salut", "cher", "chère"),
    *("madame", "monsieur", "ciao", "buongiorno", "buonasera", "salve", "gentile", "gentili"),
    *("egregio", "caro", "cara", "hola", "buenos días", "buenas tardes", "buenas"),
    *("estimado", "estimada", "estimados"),
)
_CLOSINGS = (
    *("thanks", "thank you", "many thanks", "thx", "regards", "best regards", "kind regards"),
    *("best", "cheers", "sincerely", "yours", "danke", "vielen dank", "besten dank"),
    *("grüße", "gruß", "viele grüße", "beste grüße", "mit freundlichen grüßen", "mfg"),
    *("merci", "cordialement", "bien cordialement", "bien à vous", "salutations"),
    *("amicalement", "grazie", "saluti", "cordiali saluti", "distinti saluti", "un saluto"),
    *("gracias", "muchas gracias", "saludos", "un saludo", "atentamente", "cordialmente"),
    *("sent from my", "gesendet von meinem", "envoyé de mon", "inviato da", "enviado desde"),
)
_FORMULA = re.compile(
    r"^(?:(?P<greeting>" + "|".join(map(re.escape, _GREETINGS)) + r")|(?P<closing>"
    r"" + "|".join(map(re.escape, _CLOSINGS)) + r"))(?![\w])",
    re.IGNORECASE,
)
_MACHINE = re.compile(r"[=\[\]{}\\_$#|<>]|::|->|\w\.\w+\(")
_SENTENCE_END = re.compile(r"[.!?:;,…][\"'»”)]*$")
_SIGNATURE = frozenset({"--", "-- ", "—", "__"})


class LineLabel(Enum):
    LOG = "log"
    MAIL = "mail"  # quoted or in the signature: never log, whatever it holds
    PROSE = "prose"
    UNSURE = "unsure"
    BLANK = "blank"


def line_labels(lines: Sequence[str]) -> list[LineLabel]:
    """Each line's label on its own, before any header is known."""
    labels, signed = [], False
    for line in lines:
        text = line.strip()
        if not text:
            labels.append(LineLabel.BLANK)
            continue
        if text in _SIGNATURE or line.rstrip("\r\n") == "-- ":
            signed = True
        if signed or text.startswith(">"):
            labels.append(LineLabel.MAIL)
            continue
        label, closes = _label(text)
        labels.append(label)
        signed = signed or closes
    return labels


def log_lines(labels: Sequence[LineLabel], has_header: Sequence[bool]) -> list[bool]:
    """For each line, whether it is a log line (see the module's docstring)."""
    labels = [
        LineLabel.LOG if header and label is not LineLabel.MAIL else label
        for label, header in zip(labels, has_header, strict=True)
    ]
    any_header = any(has_header)
    result = [label is LineLabel.LOG for label in labels]
    for paragraph in _paragraphs(labels):
        before = _last_known(labels, paragraph)
        after = _last_known(labels, paragraph[::-1])[::-1]
        for position, index in enumerate(paragraph):
            if labels[index] is not LineLabel.UNSURE:
                continue
            near = [i for i in (before[position], after[position]) if i is not None]
            if not near:
                result[index] = not any_header
                continue
            nearest = min(near, key=lambda i: (abs(i - index), i > index))
            result[index] = labels[nearest] is LineLabel.LOG
    return result


def _last_known(labels: Sequence[LineLabel], indexes: Sequence[int]) -> list[int | None]:
    """For each of ``indexes`` in turn, the last one so far whose label is not unsure."""
    found: list[int | None] = []
    last: int | None = None
    for index in indexes:
        if labels[index] is not LineLabel.UNSURE:
            last = index
        found.append(last)
    return found


def _label(text: str) -> tuple[LineLabel, bool]:
    """A line without a header on its own; the flag says it closes the mail."""
    words = text.split()
    formula = _FORMULA.match(text)
    if formula is not None and len(words) <= MAX_FORMULA_WORDS:
        signs_off = (
            formula.group("closing") is not None
            and len(words) <= MAX_SIGN_OFF_WORDS
            and not text.endswith(":")
        )
        return LineLabel.PROSE, signs_off
    plain = sum(_PLAIN.fullmatch(word) is not None for word in words)
    if len(words) >= 2 and plain >= PLAIN_SHARE * len(words) and _SENTENCE_END.search(text):
        return LineLabel.PROSE, False
    if _MACHINE.search(text) or (plain < 0.5 * len(words) and len(words) >= MIN_LOG_WORDS):
        return LineLabel.LOG, False
    return LineLabel.UNSURE, False


# A word of a sentence: letters (any script), inner apostrophes or hyphens, punctuation
# around it ("(firmware", "l'adresse", "e-mail,", "«bonjour»").
_PLAIN = re.compile(r"[^\w\s]*[^\W\d_]+(?:['’-][^\W\d_]+)*[^\w\s]*")


def _paragraphs(labels: Sequence[LineLabel]) -> list[list[int]]:
    paragraphs: list[list[int]] = [[]]
    for index, label in enumerate(labels):
        if label is LineLabel.BLANK:
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(index)
    return [paragraph for paragraph in paragraphs if paragraph]
