"""Files handed to a browser: always a download, under a name any browser can read.

HTTP headers are Latin-1 on the wire, so a name such as ``тест.txt`` cannot go into
``filename="…"`` as it is. RFC 6266 gives the answer every current browser follows: an ASCII
``filename=`` fallback plus the real name UTF-8 percent-encoded in ``filename*`` (RFC 5987)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi import Response

# What may stand inside the quoted fallback: printable ASCII without the quote and backslash
# (which would end or escape the quoted string) and without ';' (which naive parsers split on).
_NOT_IN_FALLBACK = re.compile(r'[^ -~]|["\\;]')


def _ascii_fallback(filename: str) -> str:
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    cleaned = _NOT_IN_FALLBACK.sub("_", folded).strip(" ._")
    stem, dot, extension = cleaned.rpartition(".")
    if dot and not stem.strip(" ._"):  # only an extension survived ("日本語.log" -> ".log")
        return f"download.{extension}"
    return cleaned or "download"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in ``filename*``."""
    return (
        f'attachment; filename="{_ascii_fallback(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def download_response(content: bytes, filename: str, media_type: str) -> Response:
    """Never rendered by the browser: the bytes are a customer's or a stranger's."""
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )
