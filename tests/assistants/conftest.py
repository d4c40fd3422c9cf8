"""Fixtures for the MCP server's tests: the real ``tierdesk mcp`` command in a subprocess, on
the test's database (both engines), and the SDK's own client talking to it over stdio or
streamable HTTP."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import tierdesk
from tests.cli.conftest import environment
from tests.factories import make_agent, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.people import Role

if TYPE_CHECKING:
    from mcp import Client, StdioServerParameters

# The SDK is the optional extra tierdesk[mcp]: without it the tests here are not collected
# (a conftest may not skip), and nothing here imports it before a test runs.
collect_ignore_glob = [] if importlib.util.find_spec("mcp") else ["test_*.py"]

SOURCE = str(Path(tierdesk.__file__).resolve().parents[1])


def server_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The test's desk for a ``tierdesk`` subprocess (the SDK's stdio client passes on only a
    few variables of its own, so the import path goes along too)."""
    env = {k: v for k, v in environment(str(settings.data_dir), settings.database).items() if v}
    env["PYTHONPATH"] = os.pathsep.join([SOURCE, *sys.path[1:]])
    env["TIERDESK_SEARCH__MIN_CONFIDENCE"] = "0"  # as the in-process tests' settings
    env.update(extra)
    return env


def stdio_server(settings: Settings, **extra: str) -> StdioServerParameters:
    from mcp import StdioServerParameters

    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "tierdesk", "mcp"],
        env=server_environment(settings, **extra),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class HttpServer:
    url: str

    @asynccontextmanager
    async def client(self, headers: dict[str, str] | None = None) -> AsyncIterator[Client]:
        import httpx2  # the SDK's HTTP client
        from mcp import Client
        from mcp.client.streamable_http import streamable_http_client

        async with (
            httpx2.AsyncClient(headers=headers or {}, timeout=30) as http,
            Client(streamable_http_client(self.url, http_client=http)) as client,
        ):
            yield client


@pytest.fixture
def http_server(settings: Settings, app: Tierdesk) -> Iterator[HttpServer]:
    """``tierdesk mcp --transport http`` on a free port of this machine (after ``app`` has
    migrated the database). A lead's token is in its environment as ``TIERDESK_MCP_TOKEN``:
    over HTTP it must be ignored, whatever a call does or does not bring."""
    port = free_port()
    lead = make_agent(app.desk, tiers=[1, 2, 3], role=Role.LEAD)
    env = {**os.environ, **server_environment(settings)}
    env["TIERDESK_MCP_TOKEN"] = token_for(app.desk, lead)
    process = subprocess.Popen(
        [sys.executable, "-m", "tierdesk", "mcp", "--transport", "http", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                assert process.stderr is not None
                pytest.fail(f"tierdesk mcp exited: {process.stderr.read().decode()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                pytest.fail("tierdesk mcp did not start listening")
            time.sleep(0.1)
        yield HttpServer(f"http://127.0.0.1:{port}/mcp")
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr is not None:
            process.stderr.close()


def answer(result: Any) -> dict[str, Any]:
    """A tool's JSON text, which must not be an error."""
    assert not result.is_error, result.content
    [content] = result.content
    loaded: dict[str, Any] = json.loads(content.text)
    return loaded


def error(result: Any) -> dict[str, Any]:
    """A tool error's body (the REST API's error shape)."""
    assert result.is_error
    [content] = result.content
    loaded: dict[str, Any] = json.loads(content.text)
    return loaded
