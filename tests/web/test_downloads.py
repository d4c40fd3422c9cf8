"""The one Content-Disposition every download uses (API, workspace, portal, raw mail)."""

from __future__ import annotations

import re

from tierdesk.entrypoints.web.downloads import content_disposition


def test_the_header_falls_back_to_ascii_and_never_breaks_out_of_its_quotes() -> None:
    header = content_disposition('a"b\\c\r\nSet-Cookie: x=1;.txt')
    assert "\r" not in header and "\n" not in header
    fallback = re.search(r'filename="([^"]*)"', header)
    assert fallback is not None and "\\" not in fallback.group(1)
    assert content_disposition("plain.txt") == (
        "attachment; filename=\"plain.txt\"; filename*=UTF-8''plain.txt"
    )
    assert 'filename="download"' in content_disposition("日本語")
