"""``tierdesk mcp`` without the optional MCP SDK says how to install it (the SDK's own tests
are in tests/assistants, run where it is installed)."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from tierdesk.entrypoints.cli import cli


def test_the_mcp_command_without_the_sdk_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "mcp", None)  # what `import mcp` meets when it is missing
    for name in [n for n in sys.modules if n.startswith("tierdesk.entrypoints.mcp")]:
        monkeypatch.delitem(sys.modules, name)

    result = CliRunner().invoke(cli, ["mcp"], env={"TIERDESK_MCP_TOKEN": "td_x"})

    assert result.exit_code == 1
    assert "pip install 'tierdesk[mcp]'" in result.output
