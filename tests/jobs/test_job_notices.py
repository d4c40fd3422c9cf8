"""Job notices between processes (adapters/wakeup_channel.py): the web processes of ``serve
--workers N`` tell the parent's job runners the moment a commit enqueued a job. Also what such a
web process settles at start (entrypoints/heap.py)."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_contact, token_for
from tierdesk.adapters.wakeup_channel import WakeupListener
from tierdesk.bootstrap import JOB_NOTICES_VARIABLE, Tierdesk
from tierdesk.config import Settings
from tierdesk.entrypoints.web.asgi import create_web_app
from tierdesk.errors import ConfigurationError

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_notice_from_another_process_wakes_this_ones_runners(app: Tierdesk) -> None:
    runner = app.desk.job_wakeup.listen()  # what a job runner of this process waits on
    with app.job_notices() as address:
        sender = (
            "from tierdesk.adapters.wakeup_channel import wakeup_sender; "
            f"wakeup_sender({address!r})()"
        )
        subprocess.run([sys.executable, "-c", sender], cwd=REPOSITORY, check=True, timeout=60)
        assert runner.wait(30)


def _web_process_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A web process builds its desk from the environment, as ``serve --workers N`` starts it."""
    monkeypatch.setenv("TIERDESK_DATABASE_URL", settings.database)
    monkeypatch.setenv("TIERDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TIERDESK_ENV", "test")
    monkeypatch.setenv("TIERDESK_SEARCH__EMBEDDER", "hashing")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_web_process_tells_the_parent_when_a_new_ticket_enqueues_its_follow_up(
    app: Tierdesk, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = make_contact(app.desk)
    headers = {"Authorization": f"Bearer {token_for(app.desk, contact)}"}
    noticed = threading.Event()
    parent = WakeupListener(noticed.set)
    parent.start()
    _web_process_environment(settings, monkeypatch)
    monkeypatch.setenv(JOB_NOTICES_VARIABLE, parent.address)
    try:
        with TestClient(create_web_app()) as web:
            assert web.get("/api/v1/health").status_code == 200
            assert not noticed.is_set()  # nothing was enqueued yet
            opened = web.post(
                "/api/v1/tickets",
                json={"subject": "Calls drop after 30 s", "body": "Every call."},
                headers=headers,
            )
            assert opened.status_code == 201, opened.text
            assert noticed.wait(30)
    finally:
        parent.stop()


def test_a_notice_address_that_is_not_host_and_port_is_refused(app: Tierdesk) -> None:
    with pytest.raises(ConfigurationError, match="host:port"):
        app.forward_job_notices("the parent")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("app")
def test_a_web_process_leaves_its_start_up_objects_out_of_the_collectors_passes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection walked every object the process made at start-up, 180-250 ms each
    time on the demo desk (entrypoints/heap.py): a started web process has them frozen."""
    _web_process_environment(settings, monkeypatch)
    try:
        web = create_web_app()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # the permanent generation is not among the objects the collector walks
        assert not any(tracked is web for tracked in gc.get_objects())
        with TestClient(web) as client:
            assert client.get("/api/v1/health").status_code == 200
    finally:
        gc.unfreeze()  # this test process builds many desks: let them be collected again
