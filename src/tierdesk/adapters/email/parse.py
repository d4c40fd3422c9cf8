"""Bytes of one e-mail → :class:`~tierdesk.domain.inbound.InboundEmail`. Pure: no I/O.

Read with the standard ``email`` package (``policy.default``). What cannot be read faithfully
raises :class:`UnreadableEmailError` with the reason it is quarantined for: broken MIME structure,
text that does not decode in its declared charset, an attachment over the size limit, no text
and no attachment at all. ``lenient=True`` is the admin's "reprocess": it reads what it can
(replacement characters, oversize attachments left in the raw message) and notes what it gave up.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import hashlib
import re
from collections.abc import Iterator
from email.message import Message
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from tierdesk.adapters.html import html_to_text
from tierdesk.domain.inbound import (
    BounceReport,
    EmailIdentity,
    InboundAttachment,
    InboundEmail,
    QuarantineReason,
    UnreadableEmailError,
    message_id_key,
    message_id_list,
)
from tierdesk.domain.messages import clean_filename

# Defects that mean the structure itself is broken, so parts may be missing or run together.
# (A missing closing boundary is not among them: it is common and everything is still read.)
_STRUCTURAL_DEFECTS = (
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
    email.errors.MissingHeaderBodySeparatorDefect,
    email.errors.InvalidBase64LengthDefect,
)

# Headers that servers add or rewrite on the way; they differ between two deliveries of one mail.
_TRACE_HEADERS = frozenset(
    {
        b"received",
        b"return-path",
        b"delivered-to",
        b"x-original-to",
        b"x-delivered-to",
        b"envelope-to",
        b"x-envelope-to",
        b"x-rcpt-to",
        b"authentication-results",
        b"arc-seal",
        b"arc-message-signature",
        b"arc-authentication-results",
        b"received-spf",
        b"status",
        b"x-status",
        b"x-uid",
        b"x-keywords",
        b"content-length",
        b"lines",
    }
)
_TRACE_PREFIXES = (b"x-spam-", b"x-virus-", b"x-ms-exchange-organization-")

# Labels that mean something else in practice: browsers decode ISO-8859-1 and ASCII as
# windows-1252 (its superset) because that is what senders really use; the same for the
# Chinese and Korean labels.
_CHARSET_SUPERSETS = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    data = raw.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    return (head, body) if sep else (data, b"")


def identify(raw: bytes) -> EmailIdentity:
    """The message's identity, computed from the bytes alone, so that it exists even for mail
    that is too broken to parse."""
    head, body = _split_head(raw)
    kept: list[bytes] = []
    message_id = ""
    for field in re.split(rb"\n(?![ \t])", head):
        name = field.partition(b":")[0].strip().lower()
        if name in _TRACE_HEADERS or name.startswith(_TRACE_PREFIXES):
            continue
        if name == b"message-id" and not message_id:
            value = field.partition(b":")[2].decode("ascii", "replace")
            message_id = message_id_key(" ".join(value.split()))
        kept.append(b" ".join(field.split()))
    digest = hashlib.sha256(b"\n".join(kept) + b"\n\n" + body.rstrip())
    return EmailIdentity(message_id=message_id, content_hash=digest.hexdigest())


def _text(value: object) -> str:
    """A header's text. Raw 8-bit header bytes arrive as surrogate escapes: read them as UTF-8,
    else as windows-1252, the two encodings such mail is really in."""
    text = _without_nul(str(value or ""))
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return " ".join(text.split())
    data = text.encode("utf-8", "surrogateescape")
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = data.decode("cp1252", "replace")
    return " ".join(decoded.split())


def _header(message: Message, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):  # a header the parser cannot model
        raw = message.get_all(name, failobj=[])
        value = raw[0] if raw else None
    return None if value is None else _text(value)


def _without_nul(text: str) -> str:
    """Badly made mail carries U+0000 in its text (a binary part declared as text, UTF-16 read
    as 8-bit): it says nothing, and PostgreSQL's text cannot hold it."""
    return text.replace("\x00", "")


def _decode(part: Message, lenient: bool, notes: list[str]) -> str:
    return _without_nul(_decoded(part, lenient, notes))


def _decoded(part: Message, lenient: bool, notes: list[str]) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    label = (part.get_content_charset() or "us-ascii").strip().lower()
    try:
        codec = codecs.lookup(_CHARSET_SUPERSETS.get(label, label)).name
    except LookupError:
        if not lenient:
            raise UnreadableEmailError(
                QuarantineReason.BAD_CHARSET, f"unknown charset {label!r}"
            ) from None
        notes.append(f"unknown charset {label!r} read as UTF-8 with replacements")
        return data.decode("utf-8", "replace")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "cp1252":  # the five bytes windows-1252 leaves undefined: plain Latin-1
            return data.decode("latin-1")
        if label in ("us-ascii", "ascii") or part.get_content_charset() is None:
            try:  # undeclared 8-bit text is UTF-8 more often than not
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("cp1252", "replace")
        if not lenient:
            raise UnreadableEmailError(
                QuarantineReason.BAD_CHARSET,
                f"the text is not valid {label} (byte {exc.start} of {len(data)})",
            ) from exc
        notes.append(f"text that is not valid {label} was read with replacement characters")
        return data.decode(codec, "replace")


def _leaves(part: Message) -> Iterator[Message]:
    """Every non-multipart part, in order. An attached message (message/rfc822) is one leaf: a
    forwarded mail stays whole, as an .eml attachment."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.get_payload():
            if isinstance(child, Message):
                yield from _leaves(child)
    else:
        yield part


def _structure(part: Message) -> Iterator[Message]:
    """The message and its MIME parts, not descending into attached messages: what a forwarded
    mail holds is its own business."""
    yield part
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.get_payload():
            if isinstance(child, Message):
                yield from _structure(child)


def _check_structure(message: Message) -> None:
    for part in _structure(message):
        for defect in part.defects:
            if isinstance(defect, _STRUCTURAL_DEFECTS):
                name = type(defect).__name__.removesuffix("Defect")
                words = re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()
                raise UnreadableEmailError(
                    QuarantineReason.MALFORMED_MIME, f"{words} in a {part.get_content_type()} part"
                )


def _attachment(part: Message, index: int) -> InboundAttachment:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else inner
        data = inner_message.as_bytes() if isinstance(inner_message, Message) else b""
        subject = _header(inner_message, "subject") if isinstance(inner_message, Message) else None
        name = part.get_filename() or f"{subject or 'forwarded message'}.eml"
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        extension = {"text/calendar": ".ics", "text/html": ".html", "text/plain": ".txt"}
        fallback = f"attachment-{index}{extension.get(content_type, '.bin')}"
        name = part.get_filename() or fallback
        if content_type == "text/calendar" and not part.get_filename():
            name = "invite.ics"
    return InboundAttachment(
        filename=clean_filename(_text(name)), content_type=content_type, data=data
    )


def _bounce(message: Message) -> BounceReport | None:
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    recipient = action = status = diagnostic = ""
    original: str | None = None
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            for block in part.get_payload():
                if not isinstance(block, Message):
                    continue
                final = _text(block.get("Final-Recipient") or block.get("Original-Recipient"))
                if final and not recipient:
                    recipient = parseaddr(final.rpartition(";")[2].strip())[1].lower()
                    action = _text(block.get("Action")).lower()
                    status = _text(block.get("Status"))
                    diagnostic = _text(block.get("Diagnostic-Code"))[:500]
        elif part.get_content_type() in ("message/rfc822", "text/rfc822-headers") and not original:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = message_id_key(_text(inner[0].get("Message-ID"))) or None
            else:
                found = re.search(r"(?im)^message-id:\s*(<[^>]+>)", str(inner))
                original = message_id_key(found.group(1)) if found else None
    if not recipient:
        return None
    return BounceReport(recipient, action, status, diagnostic, original)


def _addresses(message: Message, name: str) -> tuple[str, ...]:
    values = [_text(v) for v in message.get_all(name, failobj=[])]
    found = [addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr]
    return tuple(dict.fromkeys(found))


def parse_email(raw: bytes, *, max_attachment_bytes: int, lenient: bool = False) -> InboundEmail:
    message = email.message_from_bytes(raw, policy=default_policy)
    if not lenient:
        _check_structure(message)
    notes: list[str] = []
    from_name, from_address = parseaddr(_header(message, "from") or "")
    from_address = from_address.strip().lower()
    if "@" not in from_address or " " in from_address:
        raise UnreadableEmailError(QuarantineReason.NO_SENDER, "no readable From address")

    # policy.default gives an EmailMessage, which picks the body out of any alternatives.
    body_part = message.get_body(preferencelist=("plain", "html"))
    html_part = message.get_body(preferencelist=("html",))
    text = _decode(body_part, lenient, notes) if body_part is not None else ""
    html = _decode(html_part, lenient, notes) if html_part is not None else None
    if body_part is not None and body_part.get_content_subtype() == "html":
        text = html_to_text(text)

    bounce = _bounce(message)
    attachments: list[InboundAttachment] = []
    for index, part in enumerate(_leaves(message), start=1):
        if part is body_part or part is html_part:
            continue
        if bounce is not None and part.get_content_type() == "message/delivery-status":
            continue
        disposition = part.get_content_disposition()
        if part.get_content_maintype() == "text" and disposition != "attachment":
            if part.get_content_subtype() == "plain" and not part.get_filename():
                extra = _decode(part, lenient, notes).strip()
                text = f"{text.rstrip()}\n\n{extra}" if extra else text  # inline text blocks
                continue
            if part.get_content_subtype() == "html" and not part.get_filename():
                continue  # another rendering of text already read
        attachment = _attachment(part, index)
        if not attachment.data:
            continue
        if len(attachment.data) > max_attachment_bytes:
            detail = (
                f"attachment {attachment.filename!r} is {len(attachment.data)} bytes; "
                f"the limit is {max_attachment_bytes}"
            )
            if not lenient:
                raise UnreadableEmailError(QuarantineReason.OVERSIZE, detail)
            notes.append(f"{detail}; it is kept only in the original message")
            continue
        attachments.append(attachment)

    if not text.strip() and not attachments and bounce is None:
        if not lenient:
            raise UnreadableEmailError(QuarantineReason.EMPTY_BODY, "no text and no attachment")
        notes.append("the message had no text")

    date = None
    try:
        date_header = _header(message, "date")
        date = parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError, IndexError):
        date = None
    if date is not None and date.tzinfo is None:
        date = None  # a date without a zone cannot be placed in time

    def flag(name: str) -> bool:
        return message.get(name) is not None

    language = (_header(message, "content-language") or "").split(",")[0].strip().lower()
    return InboundEmail(
        message_id=message_id_key(_header(message, "message-id") or ""),
        subject=_header(message, "subject") or "",
        from_address=from_address,
        from_name=_text(from_name),
        text=text.strip(),
        to=_addresses(message, "to"),
        cc=_addresses(message, "cc"),
        date=date,
        in_reply_to=message_id_list(_header(message, "in-reply-to")),
        references=message_id_list(_header(message, "references")),
        html=html,
        attachments=tuple(attachments),
        auto_submitted=_header(message, "auto-submitted"),
        precedence=_header(message, "precedence"),
        auto_reply_header=any(flag(h) for h in ("X-Autoreply", "X-Autorespond", "X-Autoresponse")),
        bounce=bounce,
        language=language or None,
        notes=tuple(notes),
    )


class EmailReader:
    """The parser as the services see it (``ports.EmailReader``)."""

    def __init__(self, max_attachment_bytes: int) -> None:
        self.max_attachment_bytes = max_attachment_bytes

    def identify(self, raw: bytes) -> EmailIdentity:
        return identify(raw)

    def parse(self, raw: bytes, *, lenient: bool = False) -> InboundEmail:
        return parse_email(raw, max_attachment_bytes=self.max_attachment_bytes, lenient=lenient)
