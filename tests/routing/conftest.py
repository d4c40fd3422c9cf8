"""Fixtures for routing and rules tests: the API client, the CLI invoker, and the proof that a
refusal stored nothing (the same checks the service, API and CLI suites use)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from fastapi.testclient import TestClient

from tests.cli.conftest import tierdesk
from tests.services.support import stored_state
from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.app import create_app

__all__ = ["client", "tierdesk", "unchanged"]  # ``tierdesk``: the CLI suite's invoker


@pytest.fixture
def client(app: Tierdesk) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as test_client:
        yield test_client


@pytest.fixture
def unchanged(app: Tierdesk) -> Callable[[], AbstractContextManager[None]]:
    @contextmanager
    def check() -> Iterator[None]:
        before = stored_state(app)
        yield
        after = stored_state(app)
        for name in before:
            assert after[name] == before[name], f"{name} changed"

    return check
