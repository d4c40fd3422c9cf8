"""``tierdesk audit list``: the desk-wide audit log from the terminal, newest first."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tierdesk.domain.audit_query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from tierdesk.entrypoints.cli.wiring import note, render_table, running_desk, say
from tierdesk.services import audit_log
from tierdesk.services.auth import SYSTEM

audit_app = typer.Typer(help="The audit log: who changed what, and when.", no_args_is_help=True)

_CHANGES_CHARS = 80


@audit_app.command("list")
def list_events(
    entity: Annotated[str, typer.Option(help="A kind of record: ticket, agent, sla_policy…")] = "",
    actor: Annotated[
        str, typer.Option(help="An e-mail address, agent:<id>, contact:<id> or system.")
    ] = "",
    action: Annotated[str, typer.Option(help="An action prefix, e.g. 'agent.'.")] = "",
    since: Annotated[str, typer.Option(help="From this ISO date or date-time (UTC).")] = "",
    until: Annotated[str, typer.Option(help="Up to this date (the whole day) or time.")] = "",
    cursor: Annotated[str, typer.Option(help="Continue where a previous list stopped.")] = "",
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_PAGE_SIZE, help="Events to show.")
    ] = DEFAULT_PAGE_SIZE,
) -> None:
    """List audit events across the desk, newest first."""
    wanted = audit_log.AuditFilter(
        entity=entity,
        actor=actor,
        action=action,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
    with running_desk() as app:
        page = audit_log.list_audit_events(app.desk, SYSTEM, wanted)
    rows = []
    for entry in page.entries:
        e = entry.event
        subject = e.subject_type if e.subject_id is None else f"{e.subject_type} {e.subject_id}"
        record = entry.ticket_number or subject
        changes = json.dumps(e.changes, ensure_ascii=False)
        if len(changes) > _CHANGES_CHARS:
            changes = changes[: _CHANGES_CHARS - 1] + "…"
        rows.append(
            [
                str(e.id),
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_name or e.actor_kind,
                e.action,
                record,
                changes,
            ]
        )
    say(render_table(["id", "at (UTC)", "who", "action", "record", "changes"], rows))
    if page.next_cursor:
        note(f"More events: add --cursor {page.next_cursor}")
