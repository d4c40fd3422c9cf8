"""Clarifying questions: what a ticket of its type needs that nobody said yet, asked once, in
the customer's language, from fixed templates (no translation engine needed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.facts import FactKind


class Needed(StrEnum):
    VERSION = "version"
    ERROR_TEXT = "error"
    SINCE = "since"
    LOGS = "logs"


# What each ticket type needs before an engineer can work it.
REQUIRED: dict[str, tuple[Needed, ...]] = {
    "problem": (Needed.VERSION, Needed.ERROR_TEXT, Needed.SINCE),
    "defect": (Needed.VERSION, Needed.ERROR_TEXT, Needed.LOGS),
    "outage": (Needed.SINCE,),
}
# Which fact kinds answer which need.
ANSWERED_BY: dict[Needed, frozenset[FactKind]] = {
    Needed.VERSION: frozenset({FactKind.VERSION, FactKind.PRODUCT_VERSION}),
    Needed.ERROR_TEXT: frozenset(
        {
            FactKind.ERROR_CODE,
            FactKind.SIP_STATUS,
            FactKind.HTTP_STATUS,
            FactKind.STACK_TRACE,
            FactKind.LOG_TEMPLATE,
        }
    ),
    Needed.SINCE: frozenset({FactKind.SINCE, FactKind.TIMESTAMP}),
    Needed.LOGS: frozenset({FactKind.LOG_TEMPLATE, FactKind.STACK_TRACE}),
}

LANGUAGES = ("en", "de", "it", "fr", "es")
_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "intro": "Thank you for your request. So that we can help you quickly, please tell us:",
        Needed.VERSION: "the exact product and software version you are running",
        Needed.ERROR_TEXT: "the exact error message or code you see",
        Needed.SINCE: "since when the problem occurs (date and time, and whether anything "
        "changed then)",
        Needed.LOGS: "a log file covering the time the problem happened",
    },
    "de": {
        "intro": "Vielen Dank für Ihre Anfrage. Damit wir Ihnen schnell helfen können, "
        "teilen Sie uns bitte mit:",
        Needed.VERSION: "das genaue Produkt und die Softwareversion, die Sie einsetzen",
        Needed.ERROR_TEXT: "die genaue Fehlermeldung oder den Fehlercode",
        Needed.SINCE: "seit wann das Problem auftritt (Datum und Uhrzeit, und ob sich damals "
        "etwas geändert hat)",
        Needed.LOGS: "eine Logdatei aus dem Zeitraum, in dem das Problem auftrat",
    },
    "it": {
        "intro": "Grazie per la sua richiesta. Per aiutarla rapidamente, ci indichi per favore:",
        Needed.VERSION: "il prodotto e la versione software esatti in uso",
        Needed.ERROR_TEXT: "il messaggio o il codice di errore esatto",
        Needed.SINCE: "da quando si verifica il problema (data e ora, e se in quel momento è "
        "cambiato qualcosa)",
        Needed.LOGS: "un file di log del periodo in cui si è verificato il problema",
    },
    "fr": {
        "intro": "Merci pour votre demande. Afin de vous aider rapidement, merci de nous "
        "indiquer :",
        Needed.VERSION: "le produit et la version logicielle exacts que vous utilisez",
        Needed.ERROR_TEXT: "le message ou le code d'erreur exact",
        Needed.SINCE: "depuis quand le problème se produit (date et heure, et si quelque chose "
        "a changé à ce moment-là)",
        Needed.LOGS: "un fichier journal couvrant la période du problème",
    },
    "es": {
        "intro": "Gracias por su solicitud. Para poder ayudarle rápidamente, indíquenos por favor:",
        Needed.VERSION: "el producto y la versión de software exactos que utiliza",
        Needed.ERROR_TEXT: "el mensaje o código de error exacto",
        Needed.SINCE: "desde cuándo ocurre el problema (fecha y hora, y si algo cambió entonces)",
        Needed.LOGS: "un archivo de registro del periodo en que ocurrió el problema",
    },
}


class ClarifyMode(StrEnum):
    OFF = "off"
    PROPOSE = "propose"  # stored for an agent to send with one click
    SEND = "send"  # sent to the customer at once; the ticket then waits on them


@dataclass(eq=False)
class ClarifyingQuestion:
    ticket_id: int
    missing: list[str]
    language: str
    text: str
    mode: ClarifyMode
    created_at: datetime
    sent_at: datetime | None = None
    message_id: int | None = None
    id: int | None = None


def missing_facts(
    ticket_type: str, present: Iterable[FactKind], has_attachment: bool = False
) -> list[Needed]:
    kinds = set(present)
    missing = []
    for need in REQUIRED.get(ticket_type, ()):
        if need is Needed.LOGS and has_attachment:
            continue
        if not kinds & ANSWERED_BY[need]:
            missing.append(need)
    return missing


def question_text(missing: Iterable[Needed], language: str | None) -> tuple[str, str]:
    """The question and the language it is written in (English when we have no template)."""
    chosen = (language or "en").lower()[:2]
    if chosen not in _TEMPLATES:
        chosen = "en"
    template = _TEMPLATES[chosen]
    items = "\n".join(f"- {template[need]}" for need in missing)
    return f"{template['intro']}\n{items}", chosen
