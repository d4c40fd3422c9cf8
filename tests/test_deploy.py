"""The systemd units in deploy/ run commands and options that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierdesk.entrypoints.cli import cli

DEPLOY = Path(__file__).parents[1] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def test_there_are_units_for_the_web_the_worker_and_mail() -> None:
    assert [u.name for u in UNITS] == [
        "tierdesk-mail.service",
        "tierdesk-web.service",
        "tierdesk-worker.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=[u.stem for u in UNITS])
def test_each_unit_runs_a_tierdesk_command_that_accepts_its_options(unit: Path) -> None:
    text = unit.read_text()
    (command,) = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    program, *arguments = shlex.split(command.removeprefix("ExecStart="))
    assert program.endswith("/tierdesk")
    assert "EnvironmentFile=/etc/tierdesk/tierdesk.env" in text

    # --help is answered only once every other option parsed: an unknown one fails first
    result = CliRunner().invoke(cli, [*arguments, "--help"])

    assert result.exit_code == 0, result.output
