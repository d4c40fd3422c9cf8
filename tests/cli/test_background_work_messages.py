"""What `tierdesk serve` and `tierdesk worker` tell the operator about background work: in
words, including whether outgoing mail is sent, and never a bare runner id."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke
from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.cli.worker import background_jobs


def test_serve_says_in_words_what_runs_in_its_process_and_that_mail_waits(
    app: Tierdesk, capsys: pytest.CaptureFixture[str]
) -> None:
    with background_jobs(app, True) as runner:
        assert runner is not None
        said = capsys.readouterr().err

    assert "SLA" in said and "outgoing mail" in said
    assert "on PostgreSQL you can run `tierdesk worker` instead" in said
    assert runner.name not in said  # "vm:6324:serve:6ec6" says nothing to a person
    assert "TIERDESK_MAIL__FROM_ADDRESS" in said  # no sender address: mail is not sent


def test_worker_help_says_exactly_what_the_worker_does(tierdesk: Invoke) -> None:
    shown = tierdesk("worker", "--help")

    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "SLA sweep" in text
    assert "mail outbox" in text and "TIERDESK_MAIL__FROM_ADDRESS" in text
