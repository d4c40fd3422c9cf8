"""The client openapi-python-client generates from the desk's OpenAPI document calls the desk:
typed pages, ticket numbers in paths, and errors parsed as the documented envelope.

openapi-python-client is a development dependency; without it this test is skipped (the
hand-built client of test_generated_client.py covers the same document meanwhile)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World

pytest.importorskip("openapi_python_client")


def _generate(spec: dict[str, Any], where: Path) -> str:
    document = where / "openapi.json"
    document.write_text(json.dumps(spec))
    done = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document),
         "--meta", "none", "--output-path", str(where / "desk_client")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Unable to" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(where))
    return "desk_client"


def test_the_generated_client_opens_pages_reads_and_meets_errors(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    package = _generate(client.get("/openapi.json").json(), tmp_path)
    desk = importlib.import_module(package)
    create, listing, one = (
        importlib.import_module(f"{package}.api.tickets.{name}")
        for name in (
            "create_ticket_api_v1_tickets_post",
            "list_tickets_api_v1_tickets_get",
            "get_ticket_api_v1_tickets_ticket_ref_get",
        )
    )
    models = importlib.import_module(f"{package}.models")

    def as_(headers: dict[str, str]) -> Any:
        generated = desk.AuthenticatedClient(base_url="http://testserver", token="unused")
        client.headers.update(headers)  # the token rides on the shared in-process client
        generated.set_httpx_client(client)
        return generated

    customer = as_(world.acme_contact)
    opened = [
        create.sync(
            client=customer, body=models.TicketCreate(subject=f"VPN drops {i}", body="Again.")
        )
        for i in range(3)
    ]
    agent = as_(world.l1_agent)
    first = listing.sync(client=agent, limit=2)
    second = listing.sync(client=agent, limit=2, cursor=first.next_cursor)
    by_number = one.sync(client=agent, ticket_ref=opened[0].number)
    missing = one.sync(client=agent, ticket_ref="TD-999999")
    too_many = listing.sync(client=agent, limit=500)

    assert [t.number for t in first.items + second.items] == [t.number for t in opened[::-1]]
    assert second.next_cursor is None
    assert by_number.id == opened[0].id
    assert isinstance(missing, models.ErrorEnvelope) and missing.error.code == "not_found"
    assert isinstance(too_many, models.ErrorEnvelope) and too_many.error.problems
