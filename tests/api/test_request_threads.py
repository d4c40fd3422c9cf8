"""How many requests one web process works on at once: ``server.threads``, never more than the
pool's connections (docs/design.md, "No more worker threads than connections, and few")."""

from __future__ import annotations

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from tests.conftest import TEST_PASSWORDS
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import bootstrap
from tierdesk.config import DatabaseSettings, ServerSettings, Settings
from tierdesk.entrypoints.web.app import create_app


def _threads_of(settings: Settings, clock: FixedClock) -> int:
    application = bootstrap(settings, clock=clock, passwords=TEST_PASSWORDS)
    try:
        with TestClient(create_app(application)) as client:
            assert client.portal is not None
            limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
            assert client.get("/api/v1/health").status_code == 200
            return int(limiter.total_tokens)
    finally:
        application.close()


@pytest.mark.parametrize(("threads", "pool", "expected"), [(4, 20, 4), (3, 20, 3), (8, 2, 2)])
def test_a_process_works_on_server_threads_requests_at_most_as_many_as_connections(
    settings: Settings, clock: FixedClock, threads: int, pool: int, expected: int
) -> None:
    chosen = settings.model_copy(
        update={
            "server": ServerSettings(threads=threads),
            "db": DatabaseSettings(pool_size=pool),
        }
    )
    assert _threads_of(chosen, clock) == expected


def test_threads_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERDESK_SERVER__THREADS", "6")
    assert Settings().server.threads == 6
    monkeypatch.setenv("TIERDESK_SERVER__THREADS", "0")
    with pytest.raises(ValueError, match="threads"):
        Settings()
