"""Fetching an imported attachment from the URL its export names, when it is reachable.

An export's attachment URLs may need the old desk's sign-in, may have expired, or may point
at a host this machine cannot reach: any of those is a missing attachment for the report,
never a failed import."""

from __future__ import annotations

import httpx

from tierdesk.ports.imports import FetchedFile

TIMEOUT_SECONDS = 15.0


def fetch_file(url: str, max_bytes: int) -> FetchedFile:
    if not url.lower().startswith(("http://", "https://")):
        return FetchedFile(None, "not an http(s) URL")
    try:
        with httpx.stream("GET", url, timeout=TIMEOUT_SECONDS, follow_redirects=True) as response:
            if response.status_code != 200:
                return FetchedFile(None, f"HTTP {response.status_code}")
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > max_bytes:
                    return FetchedFile(None, f"larger than the desk's {max_bytes} bytes")
    except httpx.HTTPError as exc:
        return FetchedFile(None, f"unreachable ({type(exc).__name__}: {exc})")
    if not data:
        return FetchedFile(None, "empty")
    return FetchedFile(bytes(data))
