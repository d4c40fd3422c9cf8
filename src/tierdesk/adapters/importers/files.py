"""Fetching an imported attachment from the URL its export names, when it is reachable.

An export's attachment URLs may need the old desk's sign-in, may have expired, or may point
at a host this machine cannot reach: any of those is a missing attachment for the report,
never a failed import.

The URLs are written by whoever made the export file, so by default a URL (or any redirect
it leads to) whose host resolves to a loopback, private or link-local address is refused:
an export must not make the desk fetch from its own network and store the answer where
agents read it. An admin importing from an old desk on the same LAN passes
``--allow-private-hosts``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from tierdesk.adapters.network import private_host
from tierdesk.ports.imports import FetchedFile

TIMEOUT_SECONDS = 15.0
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FileFetcher:
    """An ``AttachmentFetcher``: follows redirects itself so that every hop is checked."""

    allow_private: bool = False

    def __call__(self, url: str, max_bytes: int) -> FetchedFile:
        try:
            with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
                for _ in range(MAX_REDIRECTS + 1):
                    if not url.lower().startswith(("http://", "https://")):
                        return FetchedFile(None, "not an http(s) URL")
                    refused = None if self.allow_private else private_host(url)
                    if refused is not None:
                        return FetchedFile(None, f"refused: {refused}")
                    with client.stream("GET", url) as response:
                        if response.is_redirect and "location" in response.headers:
                            url = urljoin(url, response.headers["location"])
                            continue
                        if response.status_code != 200:
                            return FetchedFile(None, f"HTTP {response.status_code}")
                        return _read(response, max_bytes)
        except httpx.HTTPError as exc:
            return FetchedFile(None, f"unreachable ({type(exc).__name__}: {exc})")
        return FetchedFile(None, f"more than {MAX_REDIRECTS} redirects")


def _read(response: httpx.Response, max_bytes: int) -> FetchedFile:
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > max_bytes:
            return FetchedFile(None, f"larger than the desk's {max_bytes} bytes")
    if not data:
        return FetchedFile(None, "empty")
    return FetchedFile(bytes(data))
