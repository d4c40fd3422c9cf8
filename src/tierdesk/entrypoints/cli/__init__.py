"""The ``tierdesk`` command line (Typer). Every command acts as the system actor.

``main`` is the console-script entry point; ``cli`` is the Typer application tests invoke."""

from __future__ import annotations

import typer

from tierdesk.entrypoints.cli import (  # noqa: F401 - registers `eval routing|logs|facts`
    evaluation_facts,
    evaluation_understanding,
)
from tierdesk.entrypoints.cli.access_notes import access_notes_app
from tierdesk.entrypoints.cli.assistants import mcp
from tierdesk.entrypoints.cli.audit import audit_app
from tierdesk.entrypoints.cli.backups import backup, restore
from tierdesk.entrypoints.cli.exports import export
from tierdesk.entrypoints.cli.imports import import_app
from tierdesk.entrypoints.cli.mail import mail_app
from tierdesk.entrypoints.cli.operations import db_app, demo, serve
from tierdesk.entrypoints.cli.people import agent_app, contact_app, org_app, token_app
from tierdesk.entrypoints.cli.routing import queue_app, rule_app
from tierdesk.entrypoints.cli.search import eval_app, index_app, kb_app
from tierdesk.entrypoints.cli.sla import sla_app
from tierdesk.entrypoints.cli.tickets import ticket_app
from tierdesk.entrypoints.cli.understanding import facts, triage_app
from tierdesk.entrypoints.cli.wiring import ErrorReportingGroup
from tierdesk.entrypoints.cli.worker import jobs, worker
from tierdesk.entrypoints.cli.workflow import defect_app, known_issue_app, outcome_app
from tierdesk.entrypoints.cli.workflow_ops import enhancement_app, incident_app, report

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
cli.command()(backup)
cli.command()(restore)
cli.add_typer(agent_app, name="agent")
cli.add_typer(contact_app, name="contact")
cli.add_typer(org_app, name="org")
cli.add_typer(token_app, name="token")
cli.add_typer(audit_app, name="audit")
cli.add_typer(ticket_app, name="ticket")
cli.add_typer(kb_app, name="kb")
cli.add_typer(index_app, name="index")
cli.add_typer(eval_app, name="eval")
cli.add_typer(triage_app, name="triage")
cli.command()(facts)
cli.add_typer(mail_app, name="mail")
cli.add_typer(import_app, name="import")
cli.command()(export)
cli.add_typer(access_notes_app, name="access-notes")
cli.add_typer(queue_app, name="queue")
cli.add_typer(rule_app, name="rule")
cli.add_typer(sla_app, name="sla")
cli.command()(worker)
cli.command()(mcp)
cli.command()(jobs)
cli.add_typer(known_issue_app, name="known-issue")
cli.add_typer(defect_app, name="defect")
cli.add_typer(outcome_app, name="outcome")
cli.add_typer(incident_app, name="incident")
cli.add_typer(enhancement_app, name="enhancement")
cli.command()(report)


def main() -> None:
    cli(prog_name="tierdesk")


__all__ = ["cli", "main"]
