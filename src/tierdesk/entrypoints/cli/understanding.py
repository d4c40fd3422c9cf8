"""``tierdesk triage train|report|show`` and ``tierdesk facts``: the triage model and what the
desk understood about a ticket, from the terminal."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from tierdesk.entrypoints.cli.wiring import render_table, running_desk, say
from tierdesk.errors import InvalidInputError
from tierdesk.services import enrichment, triage
from tierdesk.services.auth import SYSTEM

triage_app = typer.Typer(help="The triage model: train, report, show.", no_args_is_help=True)


@triage_app.command("train")
def train() -> None:
    """Train one classifier per field on the desk's solved tickets and agents' corrections;
    the last line is JSON with the new model's per-field metrics."""
    with running_desk() as app:
        result = triage.train_triage(app.desk, SYSTEM)
    for name, reason in result.skipped.items():
        say(f"{name}: not trained ({reason})")
    for name, metrics in result.fields.items():
        threshold = metrics.get("threshold", 0.0)
        answers = (
            f"answers from {threshold:.0%} sure ({metrics.get('validation_answered', 0):.0%} of "
            f"held-back tickets, {metrics.get('validation_precision', 0):.0%} of them right)"
            if threshold <= 1.0
            else "never answers yet (its held-back answers do not show the precision)"
        )
        say(
            f"{name}: {int(metrics.get('examples', 0))} examples, "
            f"{int(metrics.get('classes', 0))} values, held-back accuracy "
            f"{metrics.get('validation_accuracy', 0):.0%}, macro-F1 "
            f"{metrics.get('validation_macro_f1', 0):.2f}; {answers}"
        )
    if result.refreshed:
        say(f"{result.refreshed} open tickets predicted with the new model")
    say(
        json.dumps(
            {"model_id": result.model_id, "examples": result.examples, "fields": result.fields}
        )
    )


@triage_app.command("report")
def report(
    since: Annotated[
        str | None, typer.Option(help="Only predictions from this ISO date/time on.")
    ] = None,
) -> None:
    """How triage has done on this desk: per field, predictions, abstentions, decisions and
    the share of answered suggestions agents kept."""
    start = None
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError as exc:
            raise InvalidInputError(f"--since {since!r} is not an ISO date") from exc
        if start.tzinfo is None:
            raise InvalidInputError("--since needs a time zone (e.g. 2026-11-01T00:00+00:00)")
    with running_desk() as app:
        rows = triage.triage_report(app.desk, SYSTEM, start)
    say(
        render_table(
            ["field", "predictions", "abstained", "decided", "kept", "corrected", "accuracy"],
            [
                [
                    str(r.field),
                    str(r.predictions),
                    str(r.abstained),
                    str(r.decided),
                    str(r.accepted),
                    str(r.corrected),
                    "-" if r.accuracy is None else f"{r.accuracy:.1%}",
                ]
                for r in rows
            ],
        )
    )


@triage_app.command("show")
def show(ticket: Annotated[str, typer.Argument(help="Ticket id or number.")]) -> None:
    """The triage suggestions recorded for a ticket."""
    with running_desk() as app:
        predictions = triage.triage_suggestions(app.desk, SYSTEM, ticket)
    say(
        render_table(
            ["field", "suggested", "confidence", "source", "outcome"],
            [
                [
                    str(p.field),
                    p.suggested or f"(abstained; best {p.best})",
                    f"{p.confidence:.2f}",
                    p.source,
                    str(p.outcome or "-"),
                ]
                for p in predictions
            ],
        )
    )


def facts(ticket: Annotated[str, typer.Argument(help="Ticket id or number.")]) -> None:
    """The facts read from a ticket, with the message each came from."""
    with running_desk() as app:
        found = enrichment.ticket_facts(app.desk, SYSTEM, ticket)
    say(
        render_table(
            ["kind", "value", "message", "where"],
            [
                [
                    str(f.kind),
                    f.value[:80],
                    str(f.message_id or "-"),
                    f"{f.start}-{f.end}" + (" (internal)" if f.internal else ""),
                ]
                for f in found
            ],
        )
    )
