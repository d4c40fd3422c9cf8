"""The ``tierdesk`` command line (Typer). Every command acts as the system actor.

``main`` is the console-script entry point; ``cli`` is the Typer application tests invoke."""

from __future__ import annotations

import typer

from tierdesk.entrypoints.cli.operations import db_app, demo, serve
from tierdesk.entrypoints.cli.people import agent_app, contact_app, org_app, token_app
from tierdesk.entrypoints.cli.tickets import ticket_app
from tierdesk.entrypoints.cli.wiring import ErrorReportingGroup

cli = typer.Typer(
    cls=ErrorReportingGroup,
    help="tierdesk: a tiered technical-support desk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
cli.command()(serve)
cli.command()(demo)
cli.add_typer(db_app, name="db")
cli.add_typer(agent_app, name="agent")
cli.add_typer(contact_app, name="contact")
cli.add_typer(org_app, name="org")
cli.add_typer(token_app, name="token")
cli.add_typer(ticket_app, name="ticket")


def main() -> None:
    cli(prog_name="tierdesk")


__all__ = ["cli", "main"]
