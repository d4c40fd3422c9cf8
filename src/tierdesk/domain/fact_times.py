"""Time facts: timestamps (a date with a time of day, in the notations of logs, mail headers
and people in five languages) and "since" phrases (when the problem started: a marker such as
"since", "seit", "da", "depuis", "desde" and a time expression from a closed set)."""

from __future__ import annotations

import re

from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.fact_text import Found, Reading

_MONTHS = (
    r"jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|f[ée]v(?:rier)?|m[äa]r(?:ch|z|s)?|apr(?:il|ile)?|"
    r"avr(?:il)?|may|mai|jun(?:e|i)?|juin|jul(?:y|i)?|juil(?:let)?|aug(?:ust)?|ao[uû]t?|"
    r"sep(?:t(?:ember|embre)?)?|oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|"
    r"dec(?:ember)?|dez(?:ember)?|d[ée]c(?:embre)?|gen(?:naio)?|febbraio|marzo|aprile|"
    r"maggio|giugno|luglio|ago(?:sto)?|set(?:tembre)?|ott(?:obre)?|dic(?:embre)?|ene(?:ro)?|"
    r"febrero|abr(?:il)?|mayo|junio|julio|septiembre|octubre|noviembre|diciembre|"
    r"janvier|mars|juillet|septembre|octobre|novembre|d[ée]cembre|januar|februar|juni|juli|"
    r"oktober|dezember"
)
_WEEKDAY_NAMES = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|"
    r"venerd[iì]|sabato|domenica|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|"
    r"martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo"
)
_WEEKDAYS = (  # in mail headers and logs, abbreviated too
    _WEEKDAY_NAMES + r"|mon|tue|wed|thu|fri|sat|sun|mo|di|mi|do|fr|sa|so|lun|mar|mer|gio|ven|"
    r"sab|dom|jeu|sam|dim|mi[ée]|jue|vie|s[áa]b"
)
_MONTH = rf"(?:{_MONTHS})(?![a-zà-ÿ])"
_WEEKDAY = rf"(?:{_WEEKDAYS})(?![a-zà-ÿ])"
_TIME = r"\d{1,2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?|h\d{2}|h(?!\w))"
_ZONE = r"(?:[^\S\n]?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|CES?T)(?![\w]))?"
_CLOCK = rf"{_TIME}(?:[^\S\n]?(?:[AaPp]\.?[Mm]\.?|Uhr)(?!\w))?{_ZONE}"
_AT = (
    r"(?:,[^\S\n]*|[^\S\n]+)(?:(?:at|um|alle(?:[^\S\n]+ore)?|à|a[^\S\n]+las|a[^\S\n]+la)[^\S\n]+)?"
)
_JOIN = r"(?:at|um|alle(?:[^\S\n]+ore)?|à|a[^\S\n]+las)"
# Each pattern starts with a digit or a capital letter, so that the regular expression engine
# can skip ahead to candidates (a 200 KB log is read in a few milliseconds per pattern); a
# weekday before a written date ("Fri, 20 Nov 2026 ...") is added afterwards.
_STAMP_FROM_DIGIT = re.compile(
    "|".join(
        (
            # ISO 8601 and its log variants: 2026-11-20T10:15:02.123Z, 2026/11/21 09:15:11
            rf"\d{{4}}([-/])\d{{2}}\1\d{{2}}[T ]\d{{2}}:\d{{2}}"
            rf"(?::\d{{2}}(?:[.,]\d{{1,9}})?)?{_ZONE}",
            # Apache: 20/Nov/2026:10:15:02 +0100
            rf"\d{{1,2}}/(?i:{_MONTH})/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:[^\S\n][+-]\d{{4}})?",
            # numeric day first or US month first, with a year: 20.11.2026 10:15, 11/20/2026 9:42 AM
            rf"\d{{1,2}}[./]\d{{1,2}}[./](?:\d{{4}}|\d{{2}})(?!\d){_AT}{_CLOCK}",
            # numeric without a year, joined by a word: 28/11 a las 19:00, 27/11 à 9h
            rf"\d{{1,2}}[./]\d{{1,2}}\.?[^\S\n]+{_JOIN}[^\S\n]+{_CLOCK}",
            # written: 20 Nov 2026 11:05:33 +0100; 23 nov. 2026 à 14:02; 3 décembre à 14h
            rf"\d{{1,2}}(?:\.|er|º|°)?[^\S\n]+(?i:(?:de[^\S\n]+)?{_MONTH}\.?(?:[^\S\n]+(?:de[^\S\n]+)?"
            rf"\d{{4}}{_AT}|[^\S\n]+{_JOIN}[^\S\n]+)){_CLOCK}",
        )
    )
)
_ENGLISH_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_STAMP_FROM_WORD = re.compile(
    rf"{_ENGLISH_MONTH}(?:"
    # syslog: Nov 20 10:15:02
    r"[^\S\n]{1,2}\d{1,2}[^\S\n]\d{2}:\d{2}:\d{2}\b|"
    # month first: Nov 20, 2026 10:15 AM; November 17, 2026 at 9:12
    rf"\.?[^\S\n]+\d{{1,2}}(?:st|nd|rd|th)?,?[^\S\n]+\d{{4}}{_AT}{_CLOCK})"
)
_ANY_CLOCK = re.compile(r"\d(?::\d|h)")
_WRITTEN = re.compile(
    r"\d{1,2}(?:\.|er|º|°)?[^\S\n]+[^\W\d]|[A-Z]"
)  # a month's name comes first or second
_WEEKDAY_BEFORE = re.compile(rf"(?i:\b{_WEEKDAY}\.?,?[^\S\n]+)$")

_NUMBER_WORDS = (
    r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a[^\S\n]+few|a[^\S\n]+couple[^\S\n]+of|"
    r"ein(?:em|er|en)?|zwei|drei|vier|f[üu]nf|sechs|sieben|acht|neun|zehn|einigen|mehreren|"
    r"ein[^\S\n]+paar|un(?:a|o|')?|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|qualche|alcun[ie]|"
    r"diversi|diverse|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques|plusieurs|une|"
    r"dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|unos|unas|varios|varias"
)
_UNITS = (
    r"minutes?|hours?|days?|weeks?|months?|minuten|stunden|tag(?:en|e)?|wochen?|monat(?:en)?|"
    r"minuti|or[ae]|giorni?|settiman[ae]|mes[ei]|heures?|jours?|semaines?|mois|minutos?|"
    r"horas?|d[ií]as?|semanas?|mes(?:es)?"
)
_DAYPARTS = (
    r"morning|afternoon|evening|night|noon|lunchtime|abend|morgen|nachmittag|vormittag|mittag|"
    r"fr[üu]h|nacht|mattina|mattino|pomeriggio|sera|notte|matin|apr[eè]s-midi|soir|nuit|"
    r"ma[ñn]ana|tarde|noche|mediod[ií]a"
)
_DAY_WORDS = (
    r"yesterday|today|tonight|this[^\S\n]+(?:morning|afternoon|evening|week|month)|last[^\S\n]+(?:night|"
    r"week|month|weekend|(?:" + _WEEKDAY_NAMES + r"))|the[^\S\n]+weekend|gestern|vorgestern|heute|"
    r"letzter[^\S\n]+woche|letztem[^\S\n]+wochenende|dem[^\S\n]+wochenende|vergangener[^\S\n]+woche|ieri|"
    r"l'altro[^\S\n]+ieri|stamattina|stamani|stanotte|stasera|oggi|(?:la[^\S\n]+)?settimana[^\S\n]+scorsa|"
    r"(?:il[^\S\n]+)?(?:weekend|fine[^\S\n]+settimana)|hier|avant-hier|ce[^\S\n]+matin|cette[^\S\n]+nuit|"
    r"aujourd'hui|la[^\S\n]+semaine[^\S\n]+derni[eè]re|le[^\S\n]+week-end|ayer|anteayer|anoche|hoy|"
    r"esta[^\S\n]+(?:ma[ñn]ana|tarde|noche)|la[^\S\n]+semana[^\S\n]+pasada|el[^\S\n]+fin[^\S\n]+de[^\S\n]+semana"
)
_EVENTS = (
    r"upgrade|update|migration|reboot|restart|move|change|changeover|switch|outage|"
    r"power[^\S\n]+(?:cut|outage|failure)|maintenance(?:[^\S\n]+window)?|installation|cutover|patch|"
    r"update|upgrade|neustart|umzug|wechsel|tausch|stromausfall|wartung|umstellung|"
    r"aktualisierung|installation|aggiornamento|riavvio|migrazione|trasloco|cambio|"
    r"passaggio|manutenzione|installazione|blackout|interruzione|mise[^\S\n]+[àa][^\S\n]+jour|"
    r"red[ée]marrage|d[ée]m[ée]nagement|changement|coupure|bascule|passage|maintenance|"
    r"actualizaci[óo]n|migraci[óo]n|reinicio|mudanza|corte|mantenimiento|instalaci[óo]n"
)
_DATE = (
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})?(?!\d)|"  # 20.11.2026, 12.11.
    r"\d{1,2}/\d{1,2}(?:/\d{4}|/\d{2})?(?![\d/])|"  # 20/11/2026, 12/11
    r"(?:\d{1,2}|primo|premier)(?:\.|er|º|°)?[^\S\n]+(?:de[^\S\n]+)?"
    + _MONTH
    + r"(?:[^\S\n]+(?:de[^\S\n]+)?\d{4})?|"
    + _MONTH
    + r"[^\S\n]+\d{1,2}(?:st|nd|rd|th)?(?:,?[^\S\n]+\d{4})?|"
    # early November, Anfang November, inizio novembre, début novembre, principios de noviembre
    r"(?:the[^\S\n]+)?\d{1,2}(?:st|nd|rd|th)[^\S\n]+(?:of[^\S\n]+)?" + _MONTH + r"|"
    r"(?:early|mid|late|anfang|mitte|ende|inizio|met[àa]|fine|d[ée]but|mi-|fin|principios|"
    r"mediados|finales)(?:[^\S\n]+(?:of|de|di))?[^\S\n]*" + _MONTH
)
_ARTICLE = r"(?:the|dem|der|den|il|lo|la|le|l'|el|los|las|les|del|al)"
_LATEST = r"(?:last|latest|recent|letzten|ultim[oa]|derni[eè]re?|[úu]ltim[oa])"
_EXPRESSION = (  # what may follow a "since" marker; the first alternative that fits is taken
    rf"(?:(?:{_ARTICLE}[^\S\n]*)?(?:{_LATEST}[^\S\n]+)?(?:[\w'’-]+(?:[^\S\n]|-))?(?:{_EVENTS})\b"
    rf"|(?:heute[^\S\n]+|today[^\S\n]+|oggi[^\S\n]+|hoy[^\S\n]+|(?:las|la)[^\S\n]+)?(?:(?:ca\.|circa|about|around|"
    rf"etwa|gegen|verso|vers|environ|hacia)[^\S\n]+)?(?:{_TIME}|\d{{1,2}}\.\d{{2}}(?=[^\S\n]?Uhr))"
    rf"(?:[^\S\n]?(?:Uhr|[ap]\.?m\.?))?(?:[^\S\n]+(?:today|heute|oggi|aujourd'hui|hoy))?"
    rf"|(?:{_DAY_WORDS})(?:[^\S\n]+(?:{_DAYPARTS}))?\b"
    rf"|(?:{_ARTICLE}[^\S\n]+)?(?:{_WEEKDAY_NAMES})(?:[^\S\n]+(?:scorso|dernier|pasado|last))?"
    rf"(?:[^\S\n]+(?:{_DAYPARTS}))?\b"
    rf"|(?:(?:dem|the|il|le|el|l')[^\S\n]*)?(?:{_DATE})"
    rf"|(?:(?:ca\.|circa|about|around|etwa|environ|unos)[^\S\n]+)?(?:{_NUMBER_WORDS})[^\S\n]+(?:{_UNITS})\b)"
)
_SINCE = re.compile(
    r"(?=[SsDdAaàÀBbIiCcEe])(?i:\b(?:(?:since|seit|depuis|desde(?:[^\S\n]+hace)?|a[^\S\n]+partire[^\S\n]+da(?:l|lla|lle)?|"
    r"[àa][^\S\n]+partir[^\S\n]+d[eu]|dal|dalla|dalle|dallo|dai|da|"
    r"(?:started|starting|began|begun|begann|iniziat[oa]|cominciat[oa]|commenc[ée]|"
    r"empez[óo]|comenz[óo])(?:[^\S\n]+(?:on|at|in|around|am|il|le|el))?)[^\S\n]+|"
    r"(?:a[^\S\n]+partire[^\S\n]+)?dall'[^\S\n]*)" + _EXPRESSION + ")"
)
_FOR = re.compile(
    rf"(?=[Ff])(?i:\bfor[^\S\n]+(?:(?:about|around)[^\S\n]+)?(?:{_NUMBER_WORDS})[^\S\n]+(?:{_UNITS})\b)"
)
_EVENT_AT_END = re.compile(rf"(?i:(?:{_EVENTS}))$")
_RANGE_END = re.compile(  # "... a venerdì", "... bis 18:00": the start of a range, not of a problem
    r"(?i:[^\S\n]*(?:-|–|a|al|alla|alle|fino\s+a\w*|hasta(?:\s+el)?|bis|to|till|until|à|au|"
    r"jusqu'(?:au|à))[^\S\n]*(?:" + _WEEKDAY_NAMES + r"|\d))"
)
_BEEN = re.compile(r"(?i:\bbeen\b)")


def find_timestamps(reading: Reading) -> list[Found]:
    text = reading.text
    found: list[Found] = []
    if not _ANY_CLOCK.search(text):
        return found  # every timestamp has a time of day: "10:15", "9h", "14h30"
    for pattern in (_STAMP_FROM_DIGIT, _STAMP_FROM_WORD):
        for match in pattern.finditer(text):
            start, end = match.span()
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue  # inside a longer token
            if reading.in_frame(start):
                continue
            written = _WRITTEN.match(text, start, end)
            weekday = _WEEKDAY_BEFORE.search(reading.before(start, 16)) if written else None
            found.append(
                Found(FactKind.TIMESTAMP, start - len(weekday.group(0)) if weekday else start, end)
            )
    return found


def find_since(reading: Reading) -> list[Found]:
    found = []
    for match in _SINCE.finditer(reading.text):
        is_event = _EVENT_AT_END.search(match.group(0))
        if not is_event and _RANGE_END.match(reading.after(match.end(), 24)):
            continue  # "da lunedì a venerdì", "desde el lunes hasta el viernes": office hours
        found.append(Found(FactKind.SINCE, match.start(), _trim(reading.text, *match.span())))
    for match in _FOR.finditer(reading.text):
        if _BEEN.search(reading.before(match.start(), 50)):
            found.append(Found(FactKind.SINCE, *match.span()))
    return found


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t,;:":
        end -= 1
    return end
