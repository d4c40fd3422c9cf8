"""Level 3's records from the terminal: ``known-issue``, ``defect`` and ``outcome``.
(Incidents, enhancement requests and ``report`` are in ``workflow_ops.py``.)"""

from __future__ import annotations

from typing import Annotated

import typer

from tierdesk.domain.defects import DefectStatus, Severity
from tierdesk.domain.known_issues import KnownIssueStatus
from tierdesk.domain.messages import Channel
from tierdesk.domain.tickets import Ticket
from tierdesk.entrypoints.cli.wiring import render_table, running_desk, say
from tierdesk.services import defect_sync, defects, known_issues, l3_outcomes
from tierdesk.services.auth import SYSTEM

known_issue_app = typer.Typer(help="Known issues and their documented fixes.", no_args_is_help=True)
defect_app = typer.Typer(help="Product defects and their tracker mirror.", no_args_is_help=True)
outcome_app = typer.Typer(help="Level 3 outcomes on a ticket.", no_args_is_help=True)


def ticket_rows(tickets: list[Ticket]) -> str:
    rows = [[t.number or "", str(t.status), t.tier.label, t.subject[:60]] for t in tickets]
    return render_table(["ticket", "status", "level", "subject"], rows)


@known_issue_app.command("create")
def create_known_issue(
    title: Annotated[str, typer.Option(help="Short title.")],
    symptoms: Annotated[str, typer.Option(help="What customers see.")],
    fix: Annotated[str, typer.Option(help="The documented fix or workaround (sent as is).")],
    root_cause: Annotated[str, typer.Option(help="Why it happens.")] = "",
    product: Annotated[str | None, typer.Option(help="Product key or name.")] = None,
    version: Annotated[list[str] | None, typer.Option(help="An affected version (repeat).")] = None,
) -> None:
    """Document a known issue."""
    with running_desk() as app:
        issue = known_issues.create_known_issue(
            app.desk,
            SYSTEM,
            known_issues.KnownIssueInput(title, symptoms, fix, root_cause, product, version or []),
        )
    say(f"KI-{issue.id}  {issue.title}")


@known_issue_app.command("list")
def list_known_issues(
    product: Annotated[str | None, typer.Option(help="Only this product.")] = None,
    status: Annotated[KnownIssueStatus | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """Known issues with how many tickets are linked to each."""
    with running_desk() as app:
        found = known_issues.list_known_issues(app.desk, SYSTEM, product, status)
    rows = [[f"KI-{k.id}", str(k.status), str(n), k.title[:60]] for k, n in found]
    say(render_table(["issue", "status", "tickets", "title"], rows))


@known_issue_app.command("show")
def show_known_issue(issue_id: Annotated[int, typer.Argument(help="Known issue id.")]) -> None:
    with running_desk() as app:
        view = known_issues.get_known_issue(app.desk, SYSTEM, issue_id)
    issue = view.issue
    say(f"KI-{issue.id}  {issue.title}  [{issue.status}]")
    say(f"Symptoms: {issue.symptoms}")
    say(f"Root cause: {issue.root_cause or '-'}")
    say(f"Fix: {issue.fix}")
    say(f"Linked tickets: {view.link_count}")
    say(ticket_rows(view.tickets))


@known_issue_app.command("link")
def link_known_issue(
    issue_id: Annotated[int, typer.Argument(help="Known issue id.")],
    ticket: Annotated[str, typer.Argument(help="Ticket number or id.")],
    send_fix: Annotated[bool, typer.Option(help="Answer the ticket with the fix.")] = True,
) -> None:
    """Link a ticket and send it the documented fix as a public reply, in one step."""
    with running_desk() as app:
        issue, linked = known_issues.link_known_issue(
            app.desk, SYSTEM, issue_id, ticket, send_fix=send_fix, channel=Channel.CLI
        )
    say(f"{linked.number} linked to KI-{issue.id}" + (" and answered" if send_fix else ""))


@defect_app.command("open")
def open_defect(
    ticket: Annotated[str, typer.Argument(help="The ticket the defect is concluded from.")],
    title: Annotated[str | None, typer.Option(help="Default: the ticket's subject.")] = None,
    severity: Annotated[Severity, typer.Option(help="How bad it is.")] = Severity.MAJOR,
    expected: Annotated[str | None, typer.Option(help="What should happen.")] = None,
    actual: Annotated[str | None, typer.Option(help="Default: the packet's symptoms.")] = None,
    step: Annotated[list[str] | None, typer.Option(help="A reproduction step (repeat).")] = None,
) -> None:
    """Open a defect; the reproduction comes from the ticket's newest hand-off packet."""
    with running_desk() as app:
        defect = defects.open_defect(
            app.desk,
            SYSTEM,
            ticket,
            defects.DefectInput(
                title=title, severity=severity, expected=expected, actual=actual, steps=step
            ),
        )
    say(f"DEF-{defect.id}  {defect.title}")


@defect_app.command("list")
def list_defects(
    status: Annotated[DefectStatus | None, typer.Option(help="Only this status.")] = None,
) -> None:
    with running_desk() as app:
        found = defects.list_defects(app.desk, SYSTEM, status)
    rows = [
        [f"DEF-{d.id}", str(d.status), d.fixed_in or "-", d.external_url or "-", str(n), d.title]
        for d, n in found
    ]
    say(render_table(["defect", "status", "fixed in", "tracker", "tickets", "title"], rows))


@defect_app.command("show")
def show_defect(defect_id: Annotated[int, typer.Argument(help="Defect id.")]) -> None:
    with running_desk() as app:
        view = defects.get_defect(app.desk, SYSTEM, defect_id)
    defect = view.defect
    say(f"DEF-{defect.id}  {defect.title}  [{defect.status}]")
    say(f"Fixed in: {defect.fixed_in or '-'}   Tracker: {defect.external_url or '-'}")
    say(defects.reproduction_of(defect).as_markdown())
    say(ticket_rows(view.tickets))


@defect_app.command("link")
def link_defect(
    defect_id: Annotated[int, typer.Argument(help="Defect id.")],
    ticket: Annotated[str, typer.Argument(help="Ticket number or id.")],
) -> None:
    with running_desk() as app:
        linked = defects.link_defect(app.desk, SYSTEM, defect_id, ticket)
    say(f"{linked.number} linked to DEF-{defect_id}")


@defect_app.command("fixed")
def mark_fixed(
    defect_id: Annotated[int, typer.Argument(help="Defect id.")],
    version: Annotated[str, typer.Argument(help="The release that fixes it.")],
) -> None:
    """Record the fixing release; every linked ticket is told whether it is affected."""
    with running_desk() as app:
        defect = defects.mark_defect_fixed(
            app.desk, SYSTEM, defect_id, version, channel=Channel.CLI
        )
    say(f"DEF-{defect.id} fixed in {defect.fixed_in}")


@defect_app.command("sync")
def sync_defect(defect_id: Annotated[int, typer.Argument(help="Defect id.")]) -> None:
    """Mirror the defect to the tracker now (if not yet) and read its state back."""
    with running_desk() as app:
        defect = defect_sync.sync_defect(app.desk, SYSTEM, defect_id)
    say(f"DEF-{defect.id} {defect.external_url} {defect.external_state} [{defect.status}]")


@outcome_app.command("more-info")
def more_info(
    ticket: Annotated[str, typer.Argument(help="Ticket number or id.")],
    item: Annotated[list[str], typer.Option(help="What the customer should send (repeat).")],
    note: Annotated[str | None, typer.Option(help="A line after the checklist.")] = None,
) -> None:
    """Send the customer a checklist; the ticket waits on them until they answer."""
    with running_desk() as app:
        changed = l3_outcomes.request_more_information(app.desk, SYSTEM, ticket, item, note)
    say(f"{changed.number} is {changed.status}: checklist of {len(item)} sent")
