"""Reading tickets from the terminal: ``ticket show`` and ``ticket list``."""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import Annotated, Any

import typer

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Priority, Status, Ticket
from tierdesk.entrypoints.cli.wiring import render_table, running_desk, say
from tierdesk.ports import TicketFilter
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

ticket_app = typer.Typer(help="Tickets.", no_args_is_help=True)


@ticket_app.command("show")
def show_ticket(
    number: Annotated[str, typer.Argument(help="Ticket number (TD-1042) or id.")],
) -> None:
    """Show a ticket: its fields, the whole thread (internal notes marked) and the audit trail."""
    with running_desk() as app:
        desk = app.desk
        ticket = tickets.get_ticket(desk, SYSTEM, number)
        events = tickets.ticket_events(desk, SYSTEM, number)
        names = _Names.load(desk, ticket)
    say("\n".join(_describe(ticket, names)))
    say()
    say(f"Thread ({len(ticket.messages)} messages)")
    for message in ticket.messages:
        say("\n".join(_describe_message(message)))
    say()
    say(f"Audit trail ({len(events)} events)")
    for event in events:
        say("\n".join(_describe_event(event, names.agents)))


class _Names:
    """Display names for the ids a ticket refers to, read once through the services."""

    def __init__(
        self, fields: dict[str, str], link_numbers: dict[int, str], agents: dict[int, str]
    ) -> None:
        self.fields = fields
        self.link_numbers = link_numbers
        self.agents = agents

    @classmethod
    def load(cls, desk: Desk, ticket: Ticket) -> _Names:
        organisation = next(
            (o for o in people.list_organisations(desk, SYSTEM) if o.id == ticket.organisation_id),
            None,
        )
        plans = {p.id: p.key for p in people.list_plans(desk)}
        requester = next(
            (
                c
                for c in people.list_contacts(desk, SYSTEM, ticket.organisation_id)
                if c.id == ticket.requester_id
            ),
            None,
        )
        agents = people.list_agents(desk, SYSTEM)
        assignee = next((a for a in agents if a.id == ticket.assignee_id), None)
        product = next((p for p in tickets.list_products(desk) if p.id == ticket.product_id), None)
        catalogue = []
        if product is not None:
            catalogue.append(product.name)
            catalogue += [c.name for c in product.components if c.id == ticket.component_id]
            catalogue += [v.name for v in product.versions if v.id == ticket.version_id]
        fields = {
            "organisation": (
                f"{organisation.name} ({organisation.country or '-'}, "
                f"{plans.get(organisation.plan_id, '?')} plan)"
                if organisation
                else str(ticket.organisation_id)
            ),
            "requester": f"{requester.name} <{requester.email}>" if requester else "-",
            "assignee": f"{assignee.name} <{assignee.email}>" if assignee else "-",
            "product": " / ".join(catalogue) or "-",
        }
        link_numbers = {
            link.target_ticket_id: tickets.get_ticket(desk, SYSTEM, link.target_ticket_id).number
            or str(link.target_ticket_id)
            for link in ticket.links
        }
        return cls(fields, link_numbers, {a.id: a.name for a in agents if a.id is not None})


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "-"


def _describe(ticket: Ticket, names: _Names) -> list[str]:
    pairs = [
        ("status", str(ticket.status)),
        ("priority", str(ticket.priority)),
        ("level", ticket.tier.label),
        ("type", str(ticket.type)),
        ("channel", str(ticket.channel)),
        ("language", ticket.language or "-"),
        ("organisation", names.fields["organisation"]),
        ("requester", names.fields["requester"]),
        ("assignee", names.fields["assignee"]),
        ("product", names.fields["product"]),
        ("queue", ticket.queue or "-"),
        ("tags", ", ".join(ticket.tags) or "-"),
        ("opened", _when(ticket.created_at)),
        ("updated", _when(ticket.updated_at)),
    ]
    if ticket.solved_at:
        pairs.append(("solved", _when(ticket.solved_at)))
    if ticket.closed_at:
        pairs.append(("closed", _when(ticket.closed_at)))
    if ticket.resolution:
        pairs.append(("resolution", ticket.resolution))
    if ticket.public_answer:
        pairs.append(("answer", ticket.public_answer))
    for link in ticket.links:
        pairs.append(("link", f"{link.kind} {names.link_numbers[link.target_ticket_id]}"))
    lines = [f"{ticket.number}  {ticket.subject}"]
    lines += [f"  {label:<13}{value}" for label, value in pairs]
    return lines


_MESSAGE_LABELS = {
    MessageKind.CUSTOMER: "customer",
    MessageKind.PUBLIC_REPLY: "public reply",
    MessageKind.INTERNAL_NOTE: "INTERNAL NOTE",
}


def _describe_message(message: Message) -> list[str]:
    head = (
        f"--- {_when(message.created_at)}  [{_MESSAGE_LABELS[message.kind]}]  "
        f"{message.author_name} ({message.author_kind}, {message.channel})"
    )
    lines = [head, *_indent(message.body_text)]
    lines += [
        f"    [attachment] {a.filename} ({a.content_type}, {a.size} bytes)"
        for a in message.attachments
    ]
    return lines


def _indent(text: str) -> list[str]:
    return [f"    {line}" if line else "" for line in text.splitlines()]


def _describe_event(event: AuditEvent, agents: dict[int, str]) -> list[str]:
    who = f"{event.actor_name or event.actor_kind} ({event.actor_kind})"
    visibility = "" if event.public else "  [internal]"
    lines = [f"{_when(event.at)}  {event.action:<24} by {who}{visibility}"]
    for key, value in event.changes.items():
        if key in ("handoff_note", "resolution", "public_answer"):
            lines.append(f"    {key}:")
            lines += [f"      {line}" for line in str(value).splitlines()]
        elif key == "assignee_id" and isinstance(value, list):
            lines.append(f"    assignee: {_change([agents.get(v, v) for v in value])}")
        else:
            lines.append(f"    {key}: {_change(value)}")
    if event.reason:
        lines.append(f"    reason: {event.reason}")
    return lines


def _change(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_plain(value[0])} → {_plain(value[1])}"
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return textwrap.shorten(str(value), width=100, placeholder=" …")


@ticket_app.command("list")
def list_tickets(
    status: Annotated[
        list[Status] | None, typer.Option(help="Only tickets in this status; repeatable.")
    ] = None,
    priority: Annotated[
        list[Priority] | None, typer.Option(help="Only this priority; repeatable.")
    ] = None,
    tier: Annotated[list[str] | None, typer.Option(help="Only this level; repeatable.")] = None,
    text: Annotated[str | None, typer.Option(help="Subject contains this text.")] = None,
    limit: Annotated[int, typer.Option(help="How many tickets, newest first.", min=1)] = 20,
) -> None:
    """List tickets, newest first."""
    filters = TicketFilter(
        status=[str(s) for s in status or []],
        priority=[str(p) for p in priority or []],
        tier=[int(Tier.parse(t)) for t in tier or []],
        text=text,
    )
    with running_desk() as app:
        page = tickets.list_tickets(app.desk, SYSTEM, filters, limit)
    rows = [
        [
            t.number or str(t.id),
            str(t.status),
            str(t.priority),
            t.tier.label,
            _when(t.updated_at),
            textwrap.shorten(t.subject, width=70, placeholder=" …"),
        ]
        for t in page.tickets
    ]
    say(render_table(["number", "status", "priority", "level", "updated", "subject"], rows))
    say(f"{len(page.tickets)} of {page.total} tickets")
