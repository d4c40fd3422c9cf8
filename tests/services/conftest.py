"""Fixtures for service tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from tests.services.support import stored_state
from tierdesk.bootstrap import Tierdesk


@pytest.fixture
def unchanged(app: Tierdesk) -> Callable[[], AbstractContextManager[None]]:
    """``with unchanged(), pytest.raises(SomeError): ...`` also proves nothing was stored:
    no row of any table and no attachment file differs afterwards."""

    @contextmanager
    def check() -> Iterator[None]:
        before = stored_state(app)
        yield
        after = stored_state(app)
        for name in before:
            assert after[name] == before[name], f"{name} changed"

    return check
