"""Versions and product versions.

A number with two to five dotted parts is a version when what surrounds it says so: a product
name right before it ("Kestrel SBC 4.2.1", "OpenSSL 3.0.13", a name from the desk's catalogue)
makes it a product version; "version", "firmware", "release" before it, or three or more parts,
or an upgrade "to"/"auf"/"alla" a two-part number make it a version. Protocol versions
(SIP/2.0, TLS 1.2), numbers in file names and URLs, dates, phone numbers, decimals with a
unit or a currency, and section numbers are not versions.
"""

from __future__ import annotations

import re

from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.fact_text import Found, Reading, starts_token, words

_NUMBER = re.compile(
    r"(?:[vV](?=\d))?\d{1,5}(?:\.\d{1,6}){1,4}"
    r"(?:-[0-9A-Za-z]+(?:[.-][0-9A-Za-z]+)*|[a-z](?!\w))?"  # 6.0.0-rc2, 14.0.1.13900-155
    r"(?![\w/\\@-]|[.,]\d|\.[A-Za-z])"
)
_KEYWORD = re.compile(
    r"(?i:(?<![\w])(?:version|versione|versi[óo]n|ver\.|release|build|firmware|fw|software|sw|"
    r"softwarestand|stand|firmware-?version|softwareversion|logiciel)\s*[:=]?\s*)$"
)
_NOT_BEFORE = re.compile(
    r"(?i:(?:\b(?:sections?|chapters?|chap\.|abschnitt|kapitel|schritt|steps?|paragraph|"
    r"paragrafo|capitolo|chapitre|apartado|secci[oó]n|cap[ií]tulo|punto|pages?|seite|pagina|"
    r"p[áa]gina|figure|fig\.|abb\.|tables?|tabelle|tabella|tableau|tabla|art\.?|artikel|"
    r"article|articolo|art[ií]culo|mos|tel\.?|phone|fax|mobile?|portable|m[óo]vil|"
    r"cellulare|handy|jitter|latency|latenz|loss)|[€$£§]|\b(?:eur|usd|chf|gbp))\s*:?\s*)$"
)
_UNIT_AFTER = re.compile(
    r"(?i:^\s?(?:%|‰|°|ms|s|secs?|seconds?|secondi|secondes|segundos|sekunden|min|minutes?|"
    r"minuten|minuti|minutos|h|hrs?|hours?|stunden|ore|heures|horas|days?|tage?n?|giorni|"
    r"jours|d[ií]as|[kmgt]i?b|mbit|gbit|kbit|[kmg]bps|[kmg]hz|hz|db|dbm|mah|mm|cm|m|km|kg|"
    r"€|eur|euros?|usd|chf|gbp|dollars?|fps|pps)(?![a-z]))"
)
_FROM = re.compile(r"(?i:\b(?:from|von|da|dalla|dal|de|desde|la)\s+)$")
_TO = re.compile(r"(?i:^\s+(?:to|auf|a|alla|al|à|vers|la|a\s+la)\s+v?\d)")
_FROM_TO = re.compile(
    r"(?i:\b(?:from|von|da|dalla|dal|de|desde|de\s+la)\s+v?\d+(?:\.\d+)+\s+"
    r"(?:to|auf|a|alla|al|à|vers|a\s+la)\s+)$"
)
_TO_BEFORE = re.compile(r"(?i:\b(?:to|auf|a|alla|al|à|vers|on|nach)\s+)$")
_CHANGE = re.compile(
    r"(?i:upgrad|updat|aktualisier|aggiorn|mis\w*\s+[àa]\s+jour|mise\s+[àa]\s+jour|actualiz|"
    r"migr|downgrad|wechsel|release|version|firmware|running|l[äa]uft)"
)
_PARTS = re.compile(r"[.-]")
_IP_SHAPED = re.compile(
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
)
_TOKEN = re.compile(r"([A-Za-z][\w.+!-]*) $")
_STOP = words(
    # function words and greetings that open sentences, in five languages
    "The A An Our We I It Its This That These Those Since After Before From To On In At "
    "With Without For Of And Or But Is Are Was Were Be Been Has Have Had Please Hi Hello "
    "Dear Thanks Yes No Now Then Also Only Still All New Old Current Latest Last Next "
    "Today Yesterday Der Die Das Den Dem Des Ein Eine Einen Einem Einer Unser Unsere "
    "Unseren Wir Ich Es Seit Nach Vor Von Auf Mit Ohne Für Bei Beim Im Am Um Zum Zur Und "
    "Oder Aber Ist Sind War Auch Noch Nur Alle Neue Neuen Alte Hallo Danke Bitte Il Lo La "
    "Le Gli Un Una Uno Del Della Dal Dalla Alla Al Con Su Sul Sulla Nel Nella Per Da Di E O "
    "Ma Dopo Prima Buongiorno Salve Ciao Grazie Les L Une Des Du De Au Aux Avec Sans Sur "
    "Sous Dans Pour Par Depuis Après Avant Vers En Et Ou Mais Notre Nos Nous Bonjour Merci "
    "El Los Las Unos Unas Sin Sobre Desde Tras Después Antes Hasta Y Pero Nuestro Nuestra "
    "Nuestros Hola Gracias Running Runs Using Upgraded Updated Installed Currently Sie Er "
    "Ihr Ihre Ihnen Mein Meine Kein Keine "
    # generic nouns of the trade: "the phone 4.0.1" names no product
    "Version Versions Versione Versión Release Build Firmware Software Hardware Patch Update "
    "Upgrade Phone Phones Router Server Switch System Gateway Device Model Section Chapter "
    "Step Page Figure Table Item Line Port Room Floor Rack Ticket Case Order Invoice Total "
    "Price Note Example Error Alarm Code Status Level Log Logs Image File Softwarestand "
    "Stand Aktualisierung Telefon Telefone Telefonanlage Anlage Gerät Geräte Rechner Modell "
    "Abschnitt Kapitel Schritt Seite Datei Termin Zwischenschritt Fehler Aggiornamento "
    "Telefono Telefoni Centralino Sistema Paragrafo Capitolo Pagina Modello Errore Logiciel "
    "Mise Poste Postes Routeur Serveur Système Chapitre Modèle Erreur Actualización "
    "Teléfono Teléfonos Centralita Servidor Apartado Capítulo Página Modelo Browser "
    "Navegador Navigateur "
    # protocols and standards: "TLS 1.2" is no product
    "TLS SSL SIP HTTP HTTPS SNMP TCP UDP RTP SRTP DTLS IKE MOS G H T Q PoE DSL LTE WPA "
    "USB LDAP DNS DHCP NTP SDP VLAN IPv4 IPv6 QoS NAT VPN IPsec OID RFC ISO IEEE"
)


_SLASH_NUMBER = re.compile(  # Server and User-Agent headers: "Apache/2.4.58", "Kestrel-KP400/4.0.1"
    r"/v?\d{1,4}(?:\.\d{1,6}){1,4}(?![\w/\\@-]|[.,]\d|\.[A-Za-z])"
)
_NAME_BEFORE_SLASH = re.compile(r"(?<![\w/.\\-])[A-Za-z][\w.+!-]*$")
_PROTOCOLS = words("SIP HTTP HTTPS RTSP RTP TLS SSL SNMP MGCP XMPP SMTP IMAP FTP")


def find_versions(reading: Reading) -> list[Found]:
    found = []
    for match in _SLASH_NUMBER.finditer(reading.text):  # "/" first: found in a few steps
        name = _NAME_BEFORE_SLASH.search(reading.text, max(0, match.start() - 40), match.start())
        if name is None or name.group(0).upper() in _PROTOCOLS:
            continue
        if not reading.in_frame(name.start()) and not reading.in_url(name.start()):
            found.append(Found(FactKind.PRODUCT_VERSION, name.start(), match.end()))
    for match in _NUMBER.finditer(reading.text):
        start, end = match.span()
        if not starts_token(reading.text, start, ".,/\\:@#$+~-"):
            continue
        if reading.in_frame(start) or reading.in_url(start) or reading.in_email(start):
            continue
        version = _classify(reading, start, end)
        if version is not None:
            found.append(version)
    return found


def _classify(reading: Reading, start: int, end: int) -> Found | None:
    text = reading.text
    number = text[start:end].lstrip("vV")
    before = reading.before(start, 40)
    keyword = _KEYWORD.search(before)
    if _IP_SHAPED.fullmatch(number) and text[start] not in "vV" and keyword is None:
        return None  # an address (or a netmask), read as such or not at all
    if _NOT_BEFORE.search(before) or _UNIT_AFTER.match(reading.after(end, 12)):
        return None
    if _looks_like_date_or_phone(number.split("-")[0].split(".")):
        return None
    parts = _PARTS.split(number)
    left = start - (len(keyword.group(0)) if keyword else 0)
    product = _product_start(reading, left)
    if product is not None:
        return Found(FactKind.PRODUCT_VERSION, product, end)
    if keyword or text[start] in "vV":
        return Found(FactKind.VERSION, start, end)
    if len([p for p in parts if p.isdigit()]) >= 3:
        return Found(FactKind.VERSION, start, end)
    return Found(FactKind.VERSION, start, end) if _plainly_version(reading, start, end) else None


# What a product is, not its name: "the SBC 6.0.0" names no product, "Kestrel SBC 6.0.0" does.
_TYPE_WORDS = words("SBC PBX IPBX ATA Gateway Router Firewall")


def _product_start(reading: Reading, position: int) -> int | None:
    """Where the product name that ends right before ``position`` starts, if one does: a name
    from the desk's catalogue, or up to three name-like words ("Kestrel SBC", "IOS XE") that
    are not only words for a kind of device ("SBC")."""
    text = reading.text
    edge = position
    while edge > 0 and text[edge - 1] == " ":
        edge -= 1
    if edge == position or edge == 0:
        return None  # a product name and its version are separated by a space
    for name_start, name_end in reading.memo("catalogue names", lambda: _catalogue(reading)):
        if name_end == edge:
            return name_start
    start = None
    named = False  # a word that names a make or a product, not a kind of device
    cursor = edge + 1
    for _ in range(3):
        token = _TOKEN.search(text, max(0, cursor - 40), cursor)
        if token is None or not _name_like(token.group(1)):
            break
        is_type = token.group(1) in _TYPE_WORDS
        if is_type and named:
            break  # "SBC Kestrel SBC 6.0.0": the name starts at "Kestrel"
        named = named or not is_type
        start = token.start(1)
        cursor = start
        if cursor == 0 or text[cursor - 1] != " ":
            break
    return start if named else None


def _catalogue(reading: Reading) -> list[tuple[int, int]]:
    pattern = reading.catalog.pattern()
    return [m.span() for m in pattern.finditer(reading.text)] if pattern else []


def _name_like(token: str) -> bool:
    if token in _STOP or token.rstrip(".") in _STOP:
        return False
    if token.endswith((".", ",", ":", ";", "!", "?")):
        return False  # the end of a sentence, not a name
    if len(token) > 5 and token[1:].islower() and token.endswith(("ed", "ing")):
        return False  # "Loaded", "Running": a verb, not a name
    return token[0].isupper() or (any(c.isupper() for c in token) and token[0].islower())


def _looks_like_date_or_phone(parts: list[str]) -> bool:
    """Also a number with thousands separators ("2.500.000 calls")."""
    if len(parts) >= 3 and len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return True
    if len(parts) >= 4 and all(len(p) == 2 for p in parts):
        return True  # 06.12.34.56.78
    if len(parts) >= 3 and parts[0].startswith("0") and all(len(p) >= 2 for p in parts):
        return True  # 02.4567.8901
    if len(parts) == 3 and 1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12:
        year = parts[2]
        return (len(year) == 4 and year[:2] in ("19", "20")) or (
            len(year) == 2 and (parts[0].startswith("0") or parts[1].startswith("0"))
        )
    return False


def _plainly_version(reading: Reading, start: int, end: int) -> bool:
    """A two-part number ("13.0") is a version in "from 12.2 to 13.0", "upgraded to 13.0",
    "läuft auf 12.2", not on its own ("3.5", "MOS 4.1")."""
    before = reading.before(start, 160)
    if (_FROM.search(before) and _TO.match(reading.after(end, 12))) or _FROM_TO.search(before):
        return True
    return bool(_TO_BEFORE.search(before) and _CHANGE.search(before))
