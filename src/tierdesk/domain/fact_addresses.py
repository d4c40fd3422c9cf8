"""Addresses: IPv4 and IPv6 addresses, MAC addresses and host names.

A dotted quad is an IP address wherever it stands, also before a full stop (only right after
"version"/"firmware" is it a version). A host name is a dotted name that ends in a real
top-level domain: that keeps out Java and .NET class names ("com.kestrel.sip.Dialog",
"System.Net.Http"), file names ("config.xml") and e-mail domains.
"""

from __future__ import annotations

import ipaddress
import re

from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.fact_text import Found, Reading, starts_token, words

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(
    rf"(?:{_OCTET}\.){{3}}{_OCTET}(?:/(?:3[0-2]|[12]?\d)(?![\d.]))?"
    r"(?!\w|\.\d|-[A-Za-z_])"
)
_IPV6 = re.compile(
    r"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:/\d{1,3})?(?![\w:])"
)
_VERSION_WORD = re.compile(r"(?i:\b(?:version|firmware|fw|release|build|v)\s*)$")
_SECTION_WORD = re.compile(
    r"(?i:\b(?:sections?|chapters?|abschnitt|kapitel|paragrafo|capitolo|chapitre|apartado|"
    r"secci[oó]n|cap[ií]tulo|§)\s*)$"
)
_MAC = re.compile(
    r"(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|"
    r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}|[0-9A-Fa-f]{12})(?![\w:-]|\.\w)"
)
_MAC_LABEL = re.compile(r"(?i:\bmac\b)")
# The look-behind keeps a long run of letters from being rescanned from each of its letters.
_DOTTED = re.compile(r"(?<![\w.-])[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_SIP_USER = re.compile(r"(?i:sips?:[^\s@<>]*)$")
_TOP_LEVEL = words(
    "com net org info biz io co app dev cloud tech online site eu edu gov mil int "
    "de it fr es ch at uk us nl be lu pt se no dk fi ie cz sk hu ro gr ru ua br ar mx cl ca "
    "au nz jp cn sg hk za tr il ae si hr rs bg lt lv ee li mc sm va ad tw kr vn th my ph "
    "pe ve uy ec bo ma tn eg ng ke "
    # local and documentation suffixes
    "local lan internal corp intra intranet home localdomain arpa test example invalid"
)
_PACKAGE_ROOTS = frozenset(("com", "org", "net", "io"))


def find_ip_addresses(reading: Reading) -> list[Found]:
    text = reading.text
    found = []
    for match in _IPV4.finditer(text):
        start = match.start()
        if not starts_token(text, start, "~.") and text[start - 2 : start] != "..":
            continue  # inside a longer token, or "1.2.3.4.5"; "...10.1.2.3" is an address
        before = reading.before(match.start(), 12)
        if match.group(0).startswith("255.") or _VERSION_WORD.search(before):
            continue  # a netmask, or "firmware 66.86.0.15": a version
        if _SECTION_WORD.search(before):
            continue  # "section 17.1.1.2" of a standard
        found.append(Found(FactKind.IP_ADDRESS, *match.span()))
    for match in _IPV6.finditer(text):
        candidate = match.group(0)
        if not starts_token(text, match.start(), ":."):
            continue
        if "::" not in candidate and candidate.count(":") != 7:
            continue
        try:
            ipaddress.IPv6Address(candidate.split("/")[0])
        except ValueError:
            continue
        if any(c.isdigit() for c in candidate):
            found.append(Found(FactKind.IP_ADDRESS, *match.span()))
    return found


def find_mac_addresses(reading: Reading) -> list[Found]:
    found = []
    for match in _MAC.finditer(reading.text):
        value = match.group(0)
        if not starts_token(reading.text, match.start(), ":.-"):
            continue
        if len(value) == 12 and not _MAC_LABEL.search(reading.before(match.start(), 30)):
            continue  # twelve bare hex digits are a MAC only when called one
        if len(value) == 14 and value.isdigit():
            continue  # 1234.5678.9012 is a number, not Cisco's notation
        found.append(Found(FactKind.MAC_ADDRESS, *match.span()))
    return found


def find_hostnames(reading: Reading) -> list[Found]:
    text = reading.text
    found = []
    for match in _DOTTED.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in "-_":
            end -= 1
        name = text[start:end]
        if _is_hostname(name) and not _in_email(reading, start):
            found.append(Found(FactKind.HOSTNAME, start, end))
    return found


def _is_hostname(name: str) -> bool:
    labels = name.split(".")
    top = labels[-1]
    if top not in _TOP_LEVEL:  # also refuses "System.Net" and "INFO": lower case only
        return False
    if not all(_LABEL.fullmatch(label) for label in labels):
        return False
    if len(labels) >= 3 and labels[0].lower() in _PACKAGE_ROOTS:
        return False  # a Java package ("com.kestrel.io"), not a host
    return not labels[-2].isdigit()


def _in_email(reading: Reading, start: int) -> bool:
    """The domain of an e-mail address is not a host; the host of a SIP URI is."""
    if start == 0 or reading.text[start - 1] != "@":
        return False
    return not _SIP_USER.search(reading.before(start - 1, 80))
