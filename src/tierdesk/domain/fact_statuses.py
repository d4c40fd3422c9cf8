"""SIP and HTTP response statuses: status lines, a code with the protocol named ("SIP 486",
"HTTP error 500") or with its reason phrase ("408 Request Timeout"), and a status-like number
after an error word or "status" when the sentence (or the text) is plainly about one protocol.
A reason phrase unique to one protocol decides it ("486 Busy Here"); a shared one ("503 Service
Unavailable") is decided by the context, SIP words against web words."""

from __future__ import annotations

import re

from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.fact_text import Found, Reading, starts_token

_SIP_PHRASES = {
    100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued",
    183: "Session Progress", 199: "Early Dialog Terminated", 200: "OK", 202: "Accepted",
    204: "No Notification", 300: "Multiple Choices", 301: "Moved Permanently",
    302: "Moved Temporarily", 305: "Use Proxy", 380: "Alternative Service",
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    407: "Proxy Authentication Required", 408: "Request Timeout", 410: "Gone",
    412: "Conditional Request Failed", 413: "Request Entity Too Large",
    414: "Request-URI Too Long", 415: "Unsupported Media Type", 416: "Unsupported URI Scheme",
    417: "Unknown Resource-Priority", 420: "Bad Extension", 421: "Extension Required",
    422: "Session Interval Too Small", 423: "Interval Too Brief", 428: "Use Identity Header",
    429: "Provide Referrer Identity", 433: "Anonymity Disallowed", 436: "Bad Identity-Info",
    437: "Unsupported Certificate", 438: "Invalid Identity Header", 470: "Consent Needed",
    480: "Temporarily Unavailable", 481: "Call/Transaction Does Not Exist",
    482: "Loop Detected", 483: "Too Many Hops", 484: "Address Incomplete", 485: "Ambiguous",
    486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
    489: "Bad Event", 491: "Request Pending", 493: "Undecipherable",
    494: "Security Agreement Required", 500: "Server Internal Error", 501: "Not Implemented",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Server Time-out",
    505: "Version Not Supported", 513: "Message Too Large", 580: "Precondition Failure",
    600: "Busy Everywhere", 603: "Decline", 604: "Does Not Exist Anywhere",
    606: "Not Acceptable", 607: "Unwanted",
}  # fmt: skip
_HTTP_PHRASES = {
    100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
    204: "No Content", 206: "Partial Content", 301: "Moved Permanently", 302: "Found",
    303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
    308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
    402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout",
    409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
    413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
    416: "Range Not Satisfiable", 417: "Expectation Failed", 421: "Misdirected Request",
    422: "Unprocessable Content", 423: "Locked", 424: "Failed Dependency", 425: "Too Early",
    426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
    507: "Insufficient Storage", 508: "Loop Detected", 511: "Network Authentication Required",
}  # fmt: skip
_HTTP_VARIANTS = {413: ("Payload Too Large",), 422: ("Unprocessable Entity",)}

_ANY_PHRASE = frozenset(_SIP_PHRASES) | frozenset(_HTTP_PHRASES)
_SIP_LINE = re.compile(r"\bSIP/2\.0 ([1-6]\d\d)\b")
_HTTP_LINE = re.compile(r"\bHTTP/\d(?:\.\d)?(\"?) ([1-5]\d\d)\b")
_NAMED = re.compile(
    r"\b(SIP|HTTPS?)(?:[ -](?i:error|status(?: code)?|code|response|fehler|errore|erreur|"
    r"c[oó]digo|statuscode))?[ :]\s?([1-6]\d\d)(?!\d|[.,/]\d)"
)
_PHRASED = re.compile(r"([1-6]\d\d)(?=\s*[-–:(]?\s*[A-Za-z])")
_LIBRARY = re.compile(r"([45]\d\d) (?:Client|Server) Error\b(?:: ([A-Z][\w ]+?)(?= for|$))?")
_CALLED = re.compile(
    r"(?=[EeFfCcSsHhRrÉé])(?i:\b(?:"
    r"(error|err|fehler|errore|erreur|c[oó]digo|(?<!exit )(?<!return )code)|"
    r"(status(?:\s+code)?|statuscode|status\s+of|http-status)|"
    r"(?:failed|failure|rejected|refused|fehlgeschlagen|fallit[oa]|[ée]chec|fall[óo])(?=:))"
    r"\s*[:#]?\s*[\"'«„(]?\s*)"
    r"([1-6]\d\d)(?![\d.,:/]|\s?%)"
)
_ANY_CODE = re.compile(r"[1-6]\d\d")
_OWN_WORDS = re.compile(r"(?: [A-Z][\w'/-]*){1,5}")
_ANSWERED = re.compile(  # "the API returns 404.", "der Server liefert 503 zurück"
    r"(?=[RrAaGgLlBbEeDd])(?i:\b(?:returns?|returned|answers?(?:ed)?|respond(?:s|ed)?|gets?|got|receives?|received|"
    r"liefert|antwortet|bekommen|erhalten|restituisce|risponde|ricev\w*|renvoie|r[ée]pond|"
    r"re[çc]oit|devuelve|responde|recib\w*)(?:\s+(?:with|mit|con|avec|by|par))?"
    r"(?:\s+(?:an?|einen?|un|une|una))?\s+)([1-6]\d\d)"
    r"(?=\s*(?:[.,;:!?)\"'»]|$)|\s+(?:for|when|on|from|after|to|bei|beim|f[üu]r|per|quando|"
    r"pour|quand|para|cuando|zur[üu]ck|errors?|fehler|errore|erreur)\b)"
)
_SIP_CUES = re.compile(
    r"\bSIP\b|\bsips?:|\b(?:INVITE|REGISTER|BYE|ACK|CANCEL|PRACK|SUBSCRIBE|NOTIFY|REFER)\b|"
    r"(?i:\btrunks?\b|\bregistrar\b|\bregist(?:r(?:ation|ierung|azione|aci[óo]n|ement|ieren|"
    r"are|o)|er(?:ing|s|ed)?)\b|\b(?:calls?|caller|anruf\w*|gespr[äa]ch\w*|chiamat\w*|"
    r"appels?|llamad\w*)\b|\b(?:pbx|ipbx|centralin[oi]|centralita|telefonanlage|sbc|"
    r"softphone|dect|carrier)\b)"
)
_HTTP_CUES = re.compile(
    r"\bHTTPS?\b|\bhttps?://|\bURL\b|(?i:\b(?:api|rest|webhook|portal\w*|portail|browser|"
    r"navigat(?:eur|ore)|navegador|website|web|nginx|apache|iis|curl|endpoint|"
    r"web-?(?:oberfl[äa]che|server|seite|page|ui|admin)|page|seite|pagina|p[áa]gina)\b)"
)


def find_statuses(reading: Reading) -> list[Found]:
    text = reading.text
    found: list[Found] = []
    if not _ANY_CODE.search(text):
        return found  # no three-digit number, no status: most short messages
    for match in _SIP_LINE.finditer(text):
        found.append(_with_phrase(text, FactKind.SIP_STATUS, match.start(), match.end(1), True))
    for match in _HTTP_LINE.finditer(text):
        quoted = bool(match.group(1))  # an access log: "GET /x HTTP/1.1" 404 153
        start = match.start(2) if quoted else match.start()
        found.append(_with_phrase(text, FactKind.HTTP_STATUS, start, match.end(2), not quoted))
    for match in _NAMED.finditer(text):
        kind = FactKind.SIP_STATUS if match.group(1) == "SIP" else FactKind.HTTP_STATUS
        found.append(_with_phrase(text, kind, match.start(), match.end(2), False))
    for match in _LIBRARY.finditer(text):
        if starts_token(text, match.start(), "./:-"):
            found.append(Found(FactKind.HTTP_STATUS, match.start(), match.end()))
    for match in _PHRASED.finditer(text):
        if not starts_token(text, match.start(), "./:=-") or int(match.group(1)) not in _ANY_PHRASE:
            continue
        phrased = _phrased(reading, match.start(1), match.end(1))
        if phrased is not None:
            found.append(phrased)
    for match in _ANSWERED.finditer(text):
        answered = _protocol(reading, *match.span(1))
        table = _SIP_PHRASES if answered is FactKind.SIP_STATUS else _HTTP_PHRASES
        if answered is not None and int(match.group(1)) in table:
            found.append(_with_phrase(text, answered, match.start(1), match.end(1), False))
    for match in _CALLED.finditer(text):
        if int(match.group(3)) not in _SIP_PHRASES and int(match.group(3)) not in _HTTP_PHRASES:
            continue
        called = _protocol(reading, match.start(3), match.end(3))
        if called is None and match.group(2):
            called = FactKind.HTTP_STATUS  # "status code 502" is the web's wording
        if called is not None:
            found.append(Found(called, match.start(3), match.end(3)))
    return [f for f in found if not reading.in_frame(f.start)]


def _with_phrase(text: str, kind: FactKind, start: int, code_end: int, words: bool) -> Found:
    """The status with its reason phrase: the standard one, or on a status line whatever
    capitalised words follow (a server's own wording)."""
    code = int(text[code_end - 3 : code_end])
    table = _SIP_PHRASES if kind is FactKind.SIP_STATUS else _HTTP_PHRASES
    end = _phrase_end(text, code_end, table.get(code))
    if end is None and words:
        following = _OWN_WORDS.match(text, code_end, code_end + 60)
        end = following.end() if following else code_end
    return Found(kind, start, end or code_end)


def _phrased(reading: Reading, start: int, end: int) -> Found | None:
    code = int(reading.text[start:end])
    sip_end = _phrase_end(reading.text, end, _SIP_PHRASES.get(code))
    http_end = None
    for phrase in (_HTTP_PHRASES.get(code), *_HTTP_VARIANTS.get(code, ())):
        http_end = http_end or _phrase_end(reading.text, end, phrase)
    if sip_end is None and http_end is None:
        return None
    if sip_end is not None and http_end is not None:
        kind = _protocol(reading, start, sip_end) or FactKind.HTTP_STATUS
    else:
        kind = FactKind.SIP_STATUS if sip_end is not None else FactKind.HTTP_STATUS
    stop = sip_end if kind is FactKind.SIP_STATUS and sip_end is not None else http_end or sip_end
    assert stop is not None
    return Found(kind, start, stop)


def _phrase_end(text: str, position: int, phrase: str | None) -> int | None:
    """Where ``phrase`` ends when it follows ``position`` (case, spaces, hyphens and a
    parenthesis aside: "Server Time-out" = "server timeout", "(Internal Server Error)")."""
    if not phrase:
        return None
    wanted = [c for c in phrase.lower() if c.isalnum()]
    index, matched, opened = position, 0, False
    while matched < len(wanted) and index < len(text) and index - position < 60:
        char = text[index].lower()
        if char == wanted[matched]:
            matched += 1
        elif char.isalnum() or char == "\n":
            return None
        elif char == "(" and matched == 0:
            opened = True
        index += 1
    if matched < len(wanted) or (index < len(text) and text[index].isalnum()):
        return None
    return index + 1 if opened and text[index : index + 1] == ")" else index


def _protocol(reading: Reading, start: int, end: int, *, whole: bool = False) -> FactKind | None:
    """SIP or HTTP when the sentence around the span (or the whole text) speaks of one only."""
    if whole:
        sip, http = reading.memo("protocol cues", lambda: _cues(reading.text))
    else:
        sip, http = _cues(reading.sentence(start, end))
    if sip > http:
        return FactKind.SIP_STATUS
    if http > sip:
        return FactKind.HTTP_STATUS
    if not whole:
        return _protocol(reading, start, end, whole=True)
    return None


def _cues(text: str) -> tuple[int, int]:
    return len(_SIP_CUES.findall(text)), len(_HTTP_CUES.findall(text))
