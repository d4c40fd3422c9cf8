"""A task for worker-process tests, loaded by ``tierdesk worker --import tests.jobs.gated_tasks``.

It writes ``started <pid>`` to ``<dir>/log``, waits until ``<dir>/gate`` exists, then writes
``finished <pid>``: the test decides when it may finish, and can kill the worker while it waits.
Its lease is short so that a test does not wait long for a dead worker's job to be taken over."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS

LEASE = timedelta(seconds=2)


def _log(directory: Path, line: str) -> None:
    with (directory / "log").open("a") as log:
        log.write(f"{line} {os.getpid()}\n")


@TASKS.task("test.gated", max_attempts=3, lease=LEASE)
def gated(_desk: Desk, payload: dict[str, Any]) -> None:
    directory = Path(payload["dir"])
    _log(directory, f"started {payload['n']}")
    deadline = time.monotonic() + 60
    while not (directory / "gate").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.05)
    _log(directory, f"finished {payload['n']}")
