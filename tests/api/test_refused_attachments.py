"""A post refused on a closed ticket stores nothing, its attachments included. On both
engines."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM


def test_a_message_refused_on_a_closed_ticket_stores_none_of_its_attachments(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    """The refusal came after the files were written: each refused post left its attachments
    on disk, named by no row (a customer could fill the disk through a closed ticket)."""
    opened = client.post(
        "/api/v1/tickets", json={"subject": "No audio", "body": "x"}, headers=world.acme_contact
    )
    number = opened.json()["number"]
    tickets.close_ticket(app.desk, SYSTEM, number, "done")
    before = sorted(app.settings.attachments_dir.rglob("*"))
    upload = {"filename": "log.bin", "content_base64": base64.b64encode(b"x" * 50_000).decode()}

    refused = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "Still broken.", "attachments": [upload]},
        headers=world.acme_contact,
    )

    assert refused.status_code == 409, refused.text
    assert sorted(app.settings.attachments_dir.rglob("*")) == before
