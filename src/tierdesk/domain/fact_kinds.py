"""The kinds of fact the desk reads out of what people write, and one fact with where it was
said (kept apart from the rules in ``facts.py`` so that the rule modules and the scoring can
share them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FactKind(StrEnum):
    PRODUCT_VERSION = "product-version"  # "Kestrel SBC 4.2.1", "KP-400 firmware 4.0.1"
    VERSION = "version"  # a bare version number
    ERROR_CODE = "error-code"  # ERR_TLS_HANDSHAKE, ORA-00942, 0x80070005, "Fehler 4711"
    SIP_STATUS = "sip-status"  # SIP/2.0 503 Service Unavailable
    HTTP_STATUS = "http-status"  # HTTP/1.1 502, "HTTP 404", "429 Too Many Requests"
    IP_ADDRESS = "ip-address"
    MAC_ADDRESS = "mac-address"
    SERIAL_NUMBER = "serial-number"
    HOSTNAME = "hostname"
    TIMESTAMP = "timestamp"
    SINCE = "since"  # "since yesterday", "seit Montag": when the problem started
    STACK_TRACE = "stack-trace"  # a trace's exception line ("java.lang.NullPointer...: x")
    LOG_TEMPLATE = "log-template"  # a kind of line in a pasted or attached log
    LANGUAGE = "language"  # the language a message is written in (ISO 639-1)

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


@dataclass(frozen=True)
class Fact:
    """One fact and where it was read: ``message_id`` and offsets into that message's text
    (``attachment_id`` when it came from an attached file)."""

    kind: FactKind
    value: str
    start: int
    end: int
    message_id: int | None = None
    attachment_id: int | None = None
    internal: bool = False  # read from an internal note: agents only
    detail: dict[str, Any] = field(default_factory=dict)
    ticket_id: int | None = None
    id: int | None = None
