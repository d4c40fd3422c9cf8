"""The demo's incidents and enhancement requests, played on the common timeline.

Incidents: customers of several organisations write in within the hour, an L4 engineer declares
the incident with their tickets, links the late ones, posts status updates that reach every
ticket, resolves it (solving them all) and writes the post-incident note; the last incident is
still open when the demo ends. Enhancement requests collect the tickets of their scenario and
votes from organisations that asked without a ticket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tierdesk.demo.cast import Customer
from tierdesk.demo.record_steps import RecordId, Timeline, unlinked_tickets
from tierdesk.demo.script import TicketScript
from tierdesk.demo.world import World
from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.domain.incidents import IncidentSeverity, IncidentStatus
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.services import enhancements, incidents
from tierdesk.services.catalog import product_key
from tierdesk.services.tickets import CatalogRef, NewTicket


def _customer(world: World, name: str) -> Customer:
    return next(c for c in world.customers if c.organisation.name == name)


def _writer(customer: Customer, body: str) -> Contact:
    """The contact who signs the message (the first contact when none does)."""
    return next((c for c in customer.contacts if c.name in body), customer.contacts[0])


def _agent(world: World, email: str) -> Agent:
    return next(a for a in world.roster.agents if a.email == email)


def _report(world: World, spec: dict[str, Any], ticket: dict[str, Any]) -> TicketScript:
    """One customer's report of the outage, opened in the portal (routing takes it to intake)."""
    contact = _writer(_customer(world, ticket["organisation"]), ticket["body"])
    product = ticket.get("product") or spec["product"]
    component = ticket.get("component") or spec["component"]
    script = world.script(world.when(ticket["at"]), contact.language or "en")
    script.open(
        contact,
        NewTicket(
            subject=ticket["subject"],
            body_text=ticket["body"],
            requester_id=contact.id,
            channel=Channel.PORTAL,
            type=TicketType.OUTAGE,
            priority=Priority.P1 if spec["severity"] == "sev1" else Priority.P2,
            catalog=CatalogRef(product, component, None),
            language=contact.language,
            tags=["outage", "cloud-service"],
        ),
    )
    return script


def plan_incidents(
    world: World, timeline: Timeline, specs: list[dict[str, Any]]
) -> list[TicketScript]:
    scripts: list[TicketScript] = []
    for spec in specs:
        scripts += _plan_incident(world, timeline, spec)
    return scripts


def _plan_incident(world: World, timeline: Timeline, spec: dict[str, Any]) -> list[TicketScript]:
    incident = RecordId()
    runner = _agent(world, spec["runner"])
    first = [_report(world, spec, t) for t in spec["tickets"]]
    late = [_report(world, spec, t) for t in spec["late_tickets"]]

    def declare() -> None:
        declared = incidents.declare_incident(
            world.desk,
            runner,
            spec["title"],
            spec["description"],
            IncidentSeverity(spec["severity"]),
            product_key(spec["product"]) if spec["product"] else None,
            tickets=[s.ref for s in first],
        )
        incident.value = declared.id

    timeline.at(world.when(spec["declared"]), declare)
    for script in late:
        timeline.at(
            script.opened_at + timedelta(minutes=12),
            lambda s=script: incidents.link_incident_tickets(  # type: ignore[misc]
                world.desk, runner, incident.id, [s.ref]
            ),
        )
    for update in spec["updates"]:
        timeline.at(
            world.when(update["at"]),
            lambda u=update: incidents.post_incident_update(  # type: ignore[misc]
                world.desk, runner, incident.id, IncidentStatus(u["status"]), u["text"]
            ),
        )
    resolved, note = spec["resolved"], spec["note"]
    if resolved:

        def resolve() -> None:
            incidents.resolve_incident(world.desk, runner, incident.id, resolved["text"])
            world.tally.solved += len(first) + len(late)

        timeline.at(world.when(resolved["at"]), resolve)
    if note:
        timeline.at(
            world.when(note["at"]),
            lambda: incidents.write_post_incident_note(
                world.desk, runner, incident.id, note["text"]
            ),
        )
    return first + late


def plan_enhancements(world: World, timeline: Timeline, specs: list[dict[str, Any]]) -> None:
    for spec in specs:
        _plan_enhancement(world, timeline, spec)


def _plan_enhancement(world: World, timeline: Timeline, spec: dict[str, Any]) -> None:
    """The lead records the request and links the tickets asking for it (each organisation
    one vote); organisations that ask in a call or a review vote without a ticket; at the end
    the newer tickets are linked too."""
    enhancement = RecordId()
    lead = world.roster.lead

    def link_tagged_tickets() -> None:
        view = enhancements.get_enhancement(world.desk, lead, enhancement.id)
        linked = {t.id for t in view.tickets}
        for number in unlinked_tickets(world, spec["tag"], linked):
            enhancements.link_enhancement(world.desk, lead, enhancement.id, number)

    def create() -> None:
        created = enhancements.create_enhancement(
            world.desk, lead, spec["title"], spec["description"], product_key(spec["product"])
        )
        enhancement.value = created.id
        link_tagged_tickets()

    def vote(organisation: str) -> None:
        view = enhancements.get_enhancement(world.desk, lead, enhancement.id)
        if all(o.name != organisation for o in view.organisations):
            enhancements.vote_for_enhancement(world.desk, lead, enhancement.id, organisation)

    timeline.at(world.when(spec["created"]), create)
    for at, organisation in spec["votes"]:
        timeline.at(world.when(at), lambda o=organisation: vote(o))  # type: ignore[misc]
    if spec["status"]:
        at, status = spec["status"]
        timeline.at(
            world.when(at),
            lambda: enhancements.change_enhancement_status(
                world.desk, lead, enhancement.id, EnhancementStatus(status)
            ),
        )
    timeline.at(world.end - timedelta(minutes=20), link_tagged_tickets)
