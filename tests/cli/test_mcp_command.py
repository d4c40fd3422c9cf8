"""``tierdesk mcp`` without the optional MCP SDK says how to install it (the SDK's own tests
are in tests/assistants, run where it is installed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierdesk.entrypoints.cli import cli


def test_the_mcp_command_without_the_sdk_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # what importing the SDK meets when it is missing (also where a test imported it already)
    for name in ["mcp", *(n for n in sys.modules if n.startswith("mcp."))]:
        monkeypatch.setitem(sys.modules, name, None)
    for name in [n for n in sys.modules if n.startswith("tierdesk.entrypoints.mcp")]:
        monkeypatch.delitem(sys.modules, name)
    env = {"TIERDESK_MCP_TOKEN": "td_x", "TIERDESK_DATA_DIR": str(tmp_path)}

    result = CliRunner().invoke(cli, ["mcp"], env=env)

    assert result.exit_code == 1
    assert "pip install 'tierdesk[mcp]'" in result.output
