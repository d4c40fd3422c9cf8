"""The HTTP sender refuses a host name that resolves to a loopback or private address unless
private addresses are allowed (a literal address is refused earlier, when the URL is saved)."""

from __future__ import annotations

from tests.webhooks.conftest import Receiver
from tierdesk.adapters.webhooks.http import HttpWebhookSender


def test_a_name_that_resolves_to_loopback_is_not_called(receiver: Receiver) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    sender = HttpWebhookSender(timeout_seconds=2, allow_private=False)

    result = sender.send(f"http://localhost:{port}/hooks/desk", b"{}", {})

    assert result.status_code is None
    assert "not a public address" in (result.error or "")
    assert receiver.requests == []


def test_with_private_addresses_allowed_the_same_name_is_called(receiver: Receiver) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    sender = HttpWebhookSender(timeout_seconds=2, allow_private=True)

    result = sender.send(f"http://localhost:{port}/hooks/desk", b"{}", {})

    assert result.status_code == 200
    assert len(receiver.requests) == 1
