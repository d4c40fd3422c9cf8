"""Error codes and serial numbers.

An error code is what follows an error word in any of the five languages ("error 4711",
"Fehlercode DP-1207", "codice errore", "code d'erreur", "código"), a token that names an error
by itself (ERR_TLS_HANDSHAKE, ECONNREFUSED, 0x80070005), or a code-shaped token the text
presents as an error (followed by its message, "SBC-4021: no ACK", or after "log", "shows",
"meldet", "affiche"...). A product model ("KP-200": in the desk's catalogue, after "phone",
"model", a brand name, or before "phones") and a ticket or order number never are.
"""

from __future__ import annotations

import errno
import re

from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.fact_text import Found, Reading, starts_token, words

_CODE = (
    r"(?-i:0x[0-9A-Fa-f]{1,16}(?!\w)|[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+(?![\w-])|"
    r"[A-Z]{1,8}\d{2,8}[A-Z]?(?!\w)|\d{1,6}(?![\w-]|[.,:/]\d))"
)
_AFTER_ERROR_WORD = re.compile(
    r"(?=[EeFfCcMmAaSsRr])"  # a cheap first test at each position: the words' first letters
    r"(?i:\b(?P<word>error(?:\s+code)?|err|errno|error\s+message|fehler(?:code|nummer|meldung)?|"
    r"fehler-code|errore|codice(?:\s+(?:di\s+)?errore)?|messaggio\s+di\s+errore|erreur|"
    r"code\s+d'erreur|message\s+d'erreur|c[oó]digo(?:\s+de\s+error)?(?!\s+postal)|"
    r"mensaje\s+de\s+error|alarm[ea]?|allarme|fault(?:\s+code)?|stop\s+code|exit\s+code|"
    r"return\s+code|exit\s+status|codice\s+di\s+uscita|code\s+de\s+sortie|"
    r"c[oó]digo\s+de\s+salida|exit-code|r[üu]ckgabewert|reason\s+code|"
    r"(?<!pin )(?<!area )(?<!zip )(?<!qr )(?<!postal )(?<!promo )(?<!source )(?<!status )"
    r"(?<!access )(?<!country )(?<!verification )code)"
    r"\s*(?:[:#=]\s*|no\.\s*|nr\.\s*|n[°º]\.?\s*)?[\"'«„“(]?\s*)(" + _CODE + ")"
    r"(?!\s+(?i:times|mal|volte|fois|veces)\b)"  # "the alarm 3 times" counts, names no code
)
_EXIT_WORDS = re.compile(r"(?i:exit|return|stop|uscita|sortie|salida|r[üu]ckgabe)")
_ERROR_PARTS = words(
    "ERR ERROR ERRNO FAIL FAILED FAILURE FAULT TIMEOUT TIMEDOUT TIMED DENIED FORBIDDEN "
    "INVALID ILLEGAL BAD REFUSED REJECTED UNREACHABLE UNAVAILABLE UNKNOWN UNSUPPORTED "
    "UNAUTHORIZED UNAUTHORISED EXPIRED EXCEEDED OVERFLOW MISMATCH MISSING CORRUPT "
    "CORRUPTED ABORT ABORTED LOST DOWN NO NOT VIOLATION CONFLICT BUSY FULL EXHAUSTED "
    "UNABLE CANNOT CANT DROPPED NOTFOUND UNACCEPTABLE"
)
_SNAKE = re.compile(r"(?<![\w$%{.-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w(-]|\s*=)")
_ERRNO_NAMES = frozenset(
    {name for name in errno.errorcode.values() if len(name) >= 5}
    | {"ENOTFOUND", "EAI_AGAIN", "ECONNABORTED", "EPROTO"}
)
_ERRNO = re.compile(r"(?:E[A-Z]{3,14}(?:_[A-Z]+)?|WSAE[A-Z]{3,14})(?![\w=])")
_HRESULT = re.compile(r"0x[0-9A-Fa-f]{8}(?!\w)")
_SHAPED = re.compile(r"[A-Z](?:[A-Z]{1,7}-[A-Z]?\d{2,6}|[A-Z]{0,7}\d{3,8}[A-Z]?)(?![\w-]|\.\d)")
_PRESENTED_BEFORE = re.compile(
    r"(?i:\b(?:logs?|logged|journal|protokoll|trace|dump|display|screen|[ée]cran|pantalla|"
    r"schermo|shows?|showed|displays?|says|reports?|raises?|raised|throws?|returns?|rejects?|"
    r"refuses?|fails?|failed|meldet|zeigt|steht|mostra|riporta|vedo|compare|indica|affiche|"
    r"indique|renvoie|muestra|aparece|devuelve|errors?|fehler|errore|erreur|alarms?|alarme|"
    r"allarme|exception)\b)"
)
_PRESENTED_AFTER = re.compile(r"^(?::\s+\S|\]| - \S)")
_MODEL_BEFORE = re.compile(
    r"(?i:\b(?:phones?|handsets?|devices?|models?|modell|modello|mod[eè]le|modelo|typ|type|"
    r"tipo|telefon[ei]?|telefono|t[ée]l[ée]phones?|postes?|tel[ée]fonos?|terminals?|"
    r"ger[äa]te?|apparecchio|appareil|equipo|units?|series|serie|base)\s*[:(]?\s*)$"
)
_MODEL_AFTER = re.compile(r"^(?:s\b|-?(?:phones?|handsets?|telefone|series|serie|units?)\b)", re.I)
_REFERENCE_BEFORE = re.compile(
    r"(?i:\b(?:tickets?|case|incidents?|incidencia|incidente|issue|order|invoice|rechnung|"
    r"fattura|facture|factura|contract|vertrag|contratto|contrat|contrato|ref|r[ée]f|"
    r"reference|referenz|riferimento|bestellung|auftrag|commande|pedido|ordine)\b[.:#\s]*"
    r"(?:n[°ºo.]*\s*)?|#\s*)$"
)
_NOT_ERRORS = re.compile(r"^(?:CVE|RFC|ISO|KB|INC|CHG|REQ|RITM|PRB|TASK|CR|PO|JIRA|IEEE)(?=[-\d])")
_ERRORISH = re.compile(
    r"(?i:fehler|error|erreur|code|codice|c[oó]digo|alarm|allarm|fault|meldung|message|"
    r"messaggio|mensaje|status|warn|crit|fatal|exception|log|journal|display|screen|[ée]cran|"
    r"pantalla|schermo|trace|dump)"
)
_BRAND_BEFORE = re.compile(r"\b([A-Z][a-z]+[A-Z]?\w*)\s+$")
_DETERMINERS = words(
    "The A An Our Your Their This That These Those Each Every Der Die Das Den Dem Ein Eine "
    "Unser Unsere Il Lo La Le Gli I Un Una Uno Il Nostro Nostra Les Des Du Une Notre Nos "
    "El Los Las Nuestro Nuestra"
)
_SERIAL = re.compile(
    r"(?=[SsNnMm])(?i:\b(?:serial(?:\s+(?:number|no\.?|nr\.?|#))?s?|s/n|sn|seriennummern?|"
    r"serien-?nr\.?|"
    r"numer[oi]\s+di\s+serie|matricol[ae]|num[ée]ros?\s+de\s+s[ée]rie|n[°º]\.?\s*de\s+s[ée]rie|"
    r"n[úu]meros?\s+de\s+serie|n\.?[ºo°]\s+de\s+serie)\b"
    # "serial number of one of them: KP2311004821", "Seriennummer eines Geräts: ..."
    r"(?:(?:\s+[^\s:.,;]+){1,5}?\s*:|\s*(?:[:#=]|is|ist|è|est|es)?)\s*)"
    r"(?-i:([A-Z0-9][A-Z0-9-]{3,}[A-Z0-9]))(?![\w-])"
)


def find_serial_numbers(reading: Reading) -> list[Found]:
    return [
        Found(FactKind.SERIAL_NUMBER, *match.span(1))
        for match in _SERIAL.finditer(reading.text)
        if any(c.isdigit() for c in match.group(1))
    ]


def find_error_codes(reading: Reading) -> list[Found]:
    text = reading.text
    found: list[Found] = []
    for match in _AFTER_ERROR_WORD.finditer(text):
        code = match.group(2)
        word = match.group("word")
        if len(code) == 1 and not _EXIT_WORDS.search(word):
            continue  # "error 1" is rare, "alarm 3" a count; "exit code 1" is a code
        if word in ("ERROR", "ERR") and code.isdigit():
            continue  # a log level and the process id after it: "ERROR 3312 --- [main]"
        if not _is_model(reading, match.start(2), match.end(2), brand=False):
            found.append(Found(FactKind.ERROR_CODE, *match.span(2)))
    for match in _SNAKE.finditer(text):
        if _ERROR_PARTS.intersection(match.group(0).split("_")):
            found.append(Found(FactKind.ERROR_CODE, *match.span()))
    for match in _ERRNO.finditer(text):
        if not starts_token(text, match.start(), "$"):
            continue
        if match.group(0) in _ERRNO_NAMES or match.group(0).startswith("WSAE"):
            found.append(Found(FactKind.ERROR_CODE, *match.span()))
    for match in _HRESULT.finditer(text):
        if starts_token(text, match.start(), "="):
            found.append(Found(FactKind.ERROR_CODE, *match.span()))
    for match in _SHAPED.finditer(text):
        start, end = match.span()
        if not starts_token(text, start, "/.#@-"):
            continue
        if _presented(reading, start, end) and not _is_model(reading, start, end):
            found.append(Found(FactKind.ERROR_CODE, start, end))
    return [f for f in found if not reading.in_frame(f.start) and not reading.in_url(f.start)]


def _presented(reading: Reading, start: int, end: int) -> bool:
    if _NOT_ERRORS.match(reading.text[start:end]):
        return False
    if _REFERENCE_BEFORE.search(reading.before(start, 30)):
        return False
    if _PRESENTED_AFTER.match(reading.after(end, 4)) or reading.text[start - 1 : start] == "[":
        return True
    return bool(_PRESENTED_BEFORE.search(reading.before(start, 60)))


def _is_model(reading: Reading, start: int, end: int, *, brand: bool = True) -> bool:
    """A product model, not an error: named in the catalogue, or said to be one by the words
    around it here or anywhere else in the text ("phone KP-200", "Kestrel KP-200", "KP-200
    phones")."""
    token = reading.text[start:end]
    if not any(c.isalpha() for c in token):
        return False
    if reading.catalog.knows(token) or token in reading.memo("models", lambda: _models(reading)):
        return True
    return _model_here(reading, start, end, brand=brand)


def _models(reading: Reading) -> frozenset[str]:
    """The code-shaped tokens the text calls a model somewhere."""
    return frozenset(
        match.group(0)
        for match in _SHAPED.finditer(reading.text)
        if starts_token(reading.text, match.start(), "/.#@-")
        and _model_here(reading, match.start(), match.end(), brand=True)
    )


def _model_here(reading: Reading, start: int, end: int, *, brand: bool) -> bool:
    before = reading.before(start, 30)
    if _MODEL_BEFORE.search(before) or _MODEL_AFTER.match(reading.after(end, 12)):
        return True
    named = _BRAND_BEFORE.search(before) if brand else None
    return (
        named is not None
        and named.group(1) not in _DETERMINERS
        and not _ERRORISH.search(named.group(1))
    )
