"""Incidents, enhancement requests and the escalation-metrics ``report`` from the terminal."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.domain.incidents import IncidentSeverity, IncidentStatus
from tierdesk.domain.messages import Channel
from tierdesk.domain.metrics import MetricsReport
from tierdesk.domain.people import Tier
from tierdesk.entrypoints.cli.wiring import fail, render_table, running_desk, say
from tierdesk.entrypoints.cli.workflow import ticket_rows
from tierdesk.services import enhancements, incidents, metrics
from tierdesk.services.auth import SYSTEM

incident_app = typer.Typer(help="Incidents (outages) at level 4.", no_args_is_help=True)
enhancement_app = typer.Typer(help="Enhancement requests and their votes.", no_args_is_help=True)

Tickets = Annotated[list[str], typer.Argument(help="Ticket numbers or ids.")]


@incident_app.command("declare")
def declare(
    title: Annotated[str, typer.Argument(help="What is broken.")],
    description: Annotated[str, typer.Option(help="More detail.")] = "",
    severity: Annotated[IncidentSeverity, typer.Option(help="sev1-sev3.")] = IncidentSeverity.SEV2,
    product: Annotated[str | None, typer.Option(help="Product key or name.")] = None,
    ticket: Annotated[list[str] | None, typer.Option(help="A ticket to link (repeat).")] = None,
) -> None:
    with running_desk() as app:
        refs: list[int | str] = list(ticket or [])
        incident = incidents.declare_incident(
            app.desk, SYSTEM, title, description, severity, product, refs
        )
    say(f"INC-{incident.id}  {incident.title}  [{incident.status}]")


@incident_app.command("link")
def link(incident_id: Annotated[int, typer.Argument()], tickets: Tickets) -> None:
    """Link many tickets at once (all or none)."""
    with running_desk() as app:
        linked = incidents.link_incident_tickets(app.desk, SYSTEM, incident_id, list(tickets))
    say(f"{len(linked)} tickets linked to INC-{incident_id}")


@incident_app.command("update")
def update(
    incident_id: Annotated[int, typer.Argument()],
    status: Annotated[IncidentStatus, typer.Argument(help="investigating/identified/monitoring")],
    text: Annotated[str, typer.Argument(help="What customers are told.")],
) -> None:
    """Post a status update: one public message on every linked ticket."""
    with running_desk() as app:
        posted = incidents.post_incident_update(
            app.desk, SYSTEM, incident_id, status, text, channel=Channel.CLI
        )
    say(f"INC-{incident_id} {posted.status}: {posted.tickets_notified} tickets told")


@incident_app.command("resolve")
def resolve(
    incident_id: Annotated[int, typer.Argument()],
    resolution: Annotated[str, typer.Argument(help="What fixed it (sent to every ticket).")],
) -> None:
    """Resolve the incident and solve every linked ticket still open."""
    with running_desk() as app:
        incidents.resolve_incident(app.desk, SYSTEM, incident_id, resolution)
    say(f"INC-{incident_id} resolved")


@incident_app.command("note")
def note(
    incident_id: Annotated[int, typer.Argument()],
    text: Annotated[str, typer.Argument(help="The post-incident note.")],
) -> None:
    with running_desk() as app:
        incidents.write_post_incident_note(app.desk, SYSTEM, incident_id, text)
    say(f"INC-{incident_id}: post-incident note kept")


@incident_app.command("list")
def list_incidents() -> None:
    with running_desk() as app:
        found = incidents.list_incidents(app.desk, SYSTEM)
    rows = [[f"INC-{i.id}", str(i.status), str(i.severity), str(n), i.title] for i, n in found]
    say(render_table(["incident", "status", "severity", "tickets", "title"], rows))


@incident_app.command("show")
def show(incident_id: Annotated[int, typer.Argument()]) -> None:
    with running_desk() as app:
        view = incidents.get_incident(app.desk, SYSTEM, incident_id)
    incident = view.incident
    say(f"INC-{incident.id}  {incident.title}  [{incident.status}, {incident.severity}]")
    for posted in view.updates:
        say(f"  {posted.posted_at:%Y-%m-%d %H:%M} {posted.status}: {posted.text}")
    if incident.post_incident_note:
        say(f"Post-incident note: {incident.post_incident_note}")
    say(ticket_rows(view.tickets))


@enhancement_app.command("create")
def create(
    title: Annotated[str, typer.Argument()],
    description: Annotated[str, typer.Option()] = "",
    product: Annotated[str | None, typer.Option(help="Product key or name.")] = None,
) -> None:
    with running_desk() as app:
        created = enhancements.create_enhancement(app.desk, SYSTEM, title, description, product)
    say(f"ENH-{created.id}  {created.title}")


@enhancement_app.command("link")
def link_enhancement(
    enhancement_id: Annotated[int, typer.Argument()],
    ticket: Annotated[str, typer.Argument(help="Ticket number or id.")],
) -> None:
    with running_desk() as app:
        linked = enhancements.link_enhancement(app.desk, SYSTEM, enhancement_id, ticket)
    say(f"{linked.number} linked to ENH-{enhancement_id}")


@enhancement_app.command("vote")
def vote(
    enhancement_id: Annotated[int, typer.Argument()],
    organisation: Annotated[str, typer.Argument(help="Organisation name.")],
) -> None:
    with running_desk() as app:
        enhancements.vote_for_enhancement(app.desk, SYSTEM, enhancement_id, organisation)
    say(f"{organisation} asks for ENH-{enhancement_id}")


@enhancement_app.command("status")
def status(
    enhancement_id: Annotated[int, typer.Argument()],
    new_status: Annotated[EnhancementStatus, typer.Argument(help="proposed/planned/…")],
) -> None:
    with running_desk() as app:
        enhancements.change_enhancement_status(app.desk, SYSTEM, enhancement_id, new_status)
    say(f"ENH-{enhancement_id} is {new_status}")


@enhancement_app.command("ship")
def ship(
    enhancement_id: Annotated[int, typer.Argument()],
    version: Annotated[str, typer.Argument(help="The release it shipped in.")],
) -> None:
    """Shipped: the requesting organisations' linked tickets are told."""
    with running_desk() as app:
        told = enhancements.ship_enhancement(app.desk, SYSTEM, enhancement_id, version)
    say(f"ENH-{enhancement_id} shipped in {version}: {told} tickets told")


@enhancement_app.command("list")
def list_enhancements() -> None:
    """Most wanted first."""
    with running_desk() as app:
        found = enhancements.list_enhancements(app.desk, SYSTEM)
    rows = [[f"ENH-{e.id}", str(e.status), str(votes), e.title] for e, votes in found]
    say(render_table(["request", "status", "votes", "title"], rows))


def _when(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--{name} {text!r} is not an ISO date-time like 2026-03-01T00:00Z")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def report(
    since: Annotated[
        str | None,
        typer.Option(
            help="Start, ISO date-time (default 30 days ago, earlier while fewer than 20 "
            "tickets saw activity since then)."
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="End, ISO date-time (default now).")] = None,
    product: Annotated[str | None, typer.Option(help="Only this product.")] = None,
    level: Annotated[str | None, typer.Option(help="Only this level (L0-L4).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Escalation quality per level (the same numbers as GET /api/v1/metrics)."""
    tier = Tier.parse(level) if level is not None else None
    with running_desk() as app:
        result = metrics.escalation_metrics(
            app.desk, SYSTEM, _when(since, "since"), _when(until, "until"), product, tier
        )
    say(json.dumps(report_dict(result), indent=2) if as_json else report_text(result))


def report_dict(r: MetricsReport) -> dict[str, object]:
    return {
        "since": r.since.isoformat(),
        "until": r.until.isoformat(),
        "escalations": r.escalations,
        "bounces": r.bounces,
        "solved": r.solved,
        "first_contact_resolution": r.first_contact_resolution,
        "sla_compliance": r.sla_compliance,
        "l3_outcomes": r.l3_outcomes,
        "levels": [
            {
                "level": m.level,
                "handled": m.handled,
                "escalation_rate": m.escalation_rate,
                "bounce_back_rate": m.bounce_back_rate,
                "solvable_lower_share": m.solvable_lower_share,
                "first_contact_resolution": m.first_contact_resolution,
                "hours_in_level_mean": m.mean_hours,
                "sla_compliance": m.sla_compliance,
                "backlog": m.backlog,
            }
            for m in r.levels
        ],
    }


def report_text(r: MetricsReport) -> str:
    head = (
        f"Escalation report {r.since:%Y-%m-%d %H:%M} – {r.until:%Y-%m-%d %H:%M} UTC\n"
        f"escalations {r.escalations}, bounces {r.bounces}, solved {r.solved}, "
        f"first-contact resolution {_percent(r.first_contact_resolution)}, "
        f"customer SLA compliance {_percent(r.sla_compliance)}\n"
        "L3 outcomes: " + ", ".join(f"{k} {v}" for k, v in r.l3_outcomes.items())
    )
    rows = [
        [
            f"L{m.level}",
            str(m.handled),
            _percent(m.escalation_rate),
            _percent(m.bounce_back_rate),
            _percent(m.solvable_lower_share),
            _percent(m.first_contact_resolution),
            "-" if m.mean_hours is None else f"{m.mean_hours:.1f}",
            _percent(m.sla_compliance),
            str(m.backlog),
        ]
        for m in r.levels
    ]
    headers = [
        "level",
        "handled",
        "escalated",
        "bounced back",
        "solvable lower",
        "FCR",
        "hours (mean)",
        "SLA",
        "backlog",
    ]
    return head + "\n\n" + render_table(headers, rows)
