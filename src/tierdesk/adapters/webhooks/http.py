"""Sending one webhook delivery over HTTP with httpx (docs/webhooks.md).

A short timeout, no redirects followed (a 3xx is a failed attempt: the receiver should give
its final URL), and unless ``allow_private`` the host's addresses are looked up first and a
name that resolves to a loopback, private or link-local address is refused, so a webhook
cannot make the desk probe its own network. (A name that resolves differently between that
look-up and the connection slips through; the desk's egress firewall is the real fence.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

from tierdesk.adapters.network import private_host
from tierdesk.domain.webhooks import ERROR_LIMIT
from tierdesk.ports.webhooks import SendResult

USER_AGENT = "tierdesk-webhooks/1"


class HttpWebhookSender:
    def __init__(self, *, timeout_seconds: float, allow_private: bool) -> None:
        self.timeout = timeout_seconds
        self.allow_private = allow_private

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        started = time.monotonic()
        refused = None if self.allow_private else private_host(url)
        if refused is not None:
            return SendResult(None, refused, 0)
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                response = client.post(
                    url,
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "User-Agent": USER_AGENT,
                        **headers,
                    },
                )
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
            return SendResult(None, error, _elapsed_ms(started))
        return SendResult(response.status_code, None, _elapsed_ms(started))


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
