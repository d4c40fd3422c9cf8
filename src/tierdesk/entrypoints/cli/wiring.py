"""What every command shares: settings, the assembled desk, and how errors reach the user.

A ``TierdeskError`` (or invalid settings) becomes ``Error: <message>`` on standard error and exit
code 1; usage errors keep Typer's exit code 2. Nothing here runs at import."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.errors import ConfigurationError, TierdeskError


class ErrorReportingGroup(TyperGroup):
    """The root command group: turns the desk's errors into one line and exit code 1."""

    def invoke(self, ctx: Any) -> Any:  # Typer's Context type lives in a private module
        try:
            return super().invoke(ctx)
        except TierdeskError as exc:
            fail(exc.message)
        except ValidationError as exc:
            fail(describe_settings_error(exc))


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def describe_settings_error(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = "__".join(str(part) for part in error["loc"]).upper()
        variable = f"TIERDESK_{name}" if name else "settings"
        problems.append(f"{variable}: {error['msg']}")
    return "invalid settings: " + "; ".join(problems)


def load_settings() -> Settings:
    return Settings()


@contextmanager
def running_desk(
    settings: Settings | None = None, *, require_current_schema: bool = True
) -> Iterator[Tierdesk]:
    """The desk built from ``settings`` (by default the environment's), closed afterwards. By
    default it refuses a database that still needs migrating, with the command that fixes it."""
    app = bootstrap(settings or load_settings())
    try:
        if require_current_schema and app.needs_upgrade():
            raise ConfigurationError(
                f"the database {app.database_label} needs migrating; run `tierdesk db upgrade`"
            )
        yield app
    finally:
        app.close()


def say(message: str = "") -> None:
    typer.echo(message)


def note(message: str) -> None:
    """Information for the person at the terminal, kept off standard output."""
    typer.echo(message, err=True)


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
