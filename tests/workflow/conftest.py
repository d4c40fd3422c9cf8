"""Workflow part 2 fixtures: the desk wired to a fake GitHub (a real local HTTP server), and a
small world of customers, versions and agents at every level."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.api.conftest import bearer
from tests.factories import make_agent, make_contact, make_organisation, token_for
from tests.workflow.fake_github import (
    REPOSITORY,
    TOKEN,
    WEBHOOK_SECRET,
    FakeGitHub,
    FakeGitHubServer,
)
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import SearchSettings, Settings, TrackerSettings
from tierdesk.domain.people import Agent, Role
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM

PRODUCT = "kestrel-pbx"
FULL_PACKET: dict[str, Any] = {
    "symptoms": "Calls drop after exactly 32 seconds on transferred calls",
    "product": "Kestrel PBX",
    "version": "4.1",
    "environment": "Two-node cluster, SIP trunk to carrier",
    "steps_tried": [
        {"step": "Transfer an external call to extension 200", "result": "drops at 32 s"},
        {"step": "Disable session timers", "result": "still drops"},
    ],
    "hypotheses": ["ACK for the re-INVITE is never relayed"],
    "open_questions": [],
}


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHubServer() as state:
        yield state


@pytest.fixture
def settings(tmp_path: Path, database_url: str, github: FakeGitHub) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),  # see tests/conftest.py
        tracker=TrackerSettings(
            kind="github",
            api_url=github.url,
            repository=REPOSITORY,
            token=SecretStr(TOKEN),
            webhook_secret=SecretStr(WEBHOOK_SECRET),
        ),
    )


@dataclass
class World:
    """Two customers on different versions, one engineer per level and a lead, over HTTP."""

    client: TestClient
    clock: FixedClock
    agents: dict[str, Agent]
    tokens: dict[str, dict[str, str]]

    def post(self, path: str, who: str, **body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=body, headers=self.tokens[who])

    def get(self, path: str, who: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params=params, headers=self.tokens[who])

    def open(self, who: str, version: str | None = "4.1", subject: str = "Calls drop") -> str:
        body: dict[str, Any] = {"subject": subject, "body": "Transferred calls drop after 32 s."}
        if version is not None:
            body.update(product=PRODUCT, version=version)
        response = self.post("/tickets", who, **body)
        assert response.status_code == 201, response.text
        return str(response.json()["number"])

    def escalate(self, number: str, by: str, to: int, taker: str, reason: str = "deeper") -> None:
        sent = self.post(
            f"/tickets/{number}/escalate", by, to_level=to, reason=reason, packet=FULL_PACKET
        )
        assert sent.status_code == 200, sent.text
        taken = self.post(f"/tickets/{number}/escalation/accept", taker)
        assert taken.status_code == 200, taken.text

    def to_l3(self, number: str) -> None:
        self.escalate(number, "lead", 1, "l1", "intake done")
        self.escalate(number, "l1", 2, "l2")
        self.escalate(number, "l2", 3, "l3")

    def messages(self, number: str, who: str = "lead") -> list[dict[str, Any]]:
        response = self.get(f"/tickets/{number}/messages", who)
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    def events(self, number: str) -> list[dict[str, Any]]:
        return list(self.get(f"/tickets/{number}/events", "lead").json()["items"])


@pytest.fixture
def world(app: Tierdesk, client: TestClient, clock: FixedClock) -> World:
    desk = app.desk
    catalog.create_product(
        desk,
        SYSTEM,
        catalog.NewProduct(
            name="Kestrel PBX",
            key=PRODUCT,
            versions=[("4.0", None), ("4.1", None), ("4.2.1", None), ("4.3", None)],
        ),
    )
    on_41 = make_organisation(desk, name="Alpine Hotels", plan="premium")
    on_43 = make_organisation(desk, name="Baltic Freight", plan="premium")
    agents = {
        "l1": make_agent(desk, tiers=[1]),
        "l2": make_agent(desk, tiers=[2]),
        "l3": make_agent(desk, tiers=[3]),
        "l4": make_agent(desk, tiers=[4]),
        "lead": make_agent(desk, tiers=[1, 2, 3], role=Role.LEAD),
    }
    tokens = {name: bearer(token_for(desk, agent)) for name, agent in agents.items()}
    tokens["alpine"] = bearer(token_for(desk, make_contact(desk, organisation=on_41)))
    tokens["baltic"] = bearer(token_for(desk, make_contact(desk, organisation=on_43)))
    return World(client, clock, agents, tokens)
