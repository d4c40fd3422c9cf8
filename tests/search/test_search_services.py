"""Similar tickets, manual search and the index's upkeep, through the services, on SQLite and
PostgreSQL (the word-hashing embedder; tests/search/test_real_model.py uses the real one)."""

from __future__ import annotations

import pytest

from tests.factories import (
    full_packet,
    make_agent,
    make_contact,
    make_organisation,
    make_ticket,
)
from tests.follow_ups import run_follow_ups
from tierdesk.bootstrap import Tierdesk
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Role, Tier
from tierdesk.domain.tickets import LinkKind
from tierdesk.errors import PermissionDeniedError, TicketNotFoundError
from tierdesk.services import conversation, escalation, knowledge, tickets
from tierdesk.services import search as search_services
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

MANUALS = CONTENT_DIR / "manuals"


def add_manual(app: Tierdesk, name: str, product: str = "Kestrel Edge") -> knowledge.Ingested:
    path = MANUALS / name
    parsed = app.read_document(path.read_bytes(), name)
    return knowledge.add_article(app.desk, SYSTEM, parsed, name, product=product, version="1")


def note(desk: Desk, reference: str | None, text: str) -> None:
    assert reference is not None
    conversation.add_message(desk, SYSTEM, reference, MessageKind.INTERNAL_NOTE, text=text)


def test_a_new_ticket_is_found_as_similar_as_soon_as_its_follow_up_indexed_it(desk: Desk) -> None:
    old = make_ticket(
        desk,
        subject="Calls drop after thirty seconds",
        body="Every SIP call through the SBC drops after thirty seconds.",
    )
    tickets.solve_ticket(desk, SYSTEM, old.number, "Enable session timer refresh on the trunk.")
    unrelated = make_ticket(desk, subject="Invoice address wrong", body="Please fix our invoice.")
    twin = make_ticket(
        desk,
        subject="SIP calls drop after thirty seconds",
        body="Our SIP calls drop after thirty seconds since the upgrade.",
    )
    new = make_ticket(
        desk, subject="Calls drop after 30 seconds", body="All SIP calls drop after thirty seconds."
    )
    run_follow_ups(desk)

    found = search_services.similar_tickets(desk, SYSTEM, new.number)

    assert found.solved[0].ticket.number == old.number
    assert found.solved[0].ticket.resolution == "Enable session timer refresh on the trunk."
    assert found.open[0].ticket.number == twin.number
    assert new.number not in [s.ticket.number for s in found.solved + found.open]
    assert unrelated.number not in [s.ticket.number for s in found.open]  # nothing in common
    assert "rare words" in found.open[0].why


def test_a_customer_never_finds_another_organisations_tickets(desk: Desk) -> None:
    acme_org = make_organisation(desk)
    acme = make_contact(desk, organisation=acme_org)
    globex = make_contact(desk, organisation=make_organisation(desk))
    theirs = make_ticket(
        desk,
        contact=globex,
        subject="Voicemail greeting lost",
        body="The voicemail greeting is lost after reboot.",
    )
    colleague = make_contact(desk, organisation=acme_org)
    ours_old = make_ticket(
        desk,
        contact=colleague,
        subject="Voicemail greeting missing",
        body="Voicemail greeting lost after a reboot.",
    )
    mine = make_ticket(
        desk,
        contact=acme,
        subject="Voicemail greeting lost after reboot",
        body="After every reboot the voicemail greeting is lost.",
    )
    run_follow_ups(desk)

    found = search_services.similar_tickets(desk, acme, mine.number)

    numbers = [s.ticket.number for s in found.solved + found.open]
    assert ours_old.number in numbers
    assert theirs.number not in numbers
    with pytest.raises(TicketNotFoundError):
        search_services.similar_tickets(desk, acme, theirs.number)


def test_a_similar_tickets_links_show_a_customer_only_tickets_they_may_open(desk: Desk) -> None:
    acme_org = make_organisation(desk)
    acme = make_contact(desk, organisation=acme_org)
    colleague = make_contact(desk, organisation=acme_org)
    ours = make_ticket(
        desk, contact=colleague, subject="Fax line dead", body="The fax line is dead again."
    )
    sibling = make_ticket(desk, contact=colleague, subject="Invoice", body="Wrong address.")
    theirs = make_ticket(desk, subject="Alarm panel", body="Shares a line with the fax.")
    lead = make_agent(desk, role=Role.LEAD)
    for target in (sibling, theirs):
        tickets.link_tickets(desk, lead, ours.number or "", target.number or "", LinkKind.RELATED)
    mine = make_ticket(desk, contact=acme, subject="Our fax line is dead", body="Fax line dead.")

    def links_shown_to(reader: Actor) -> list[tuple[str, str]]:
        found = search_services.similar_tickets(desk, reader, mine.number or "")
        return next(s.links for s in found.open if s.ticket.number == ours.number)

    assert links_shown_to(acme) == [("related", sibling.number)]
    assert links_shown_to(lead) == [("related", sibling.number), ("related", theirs.number)]


def test_internal_notes_are_found_by_agents_and_never_by_customers(desk: Desk) -> None:
    contact = make_contact(desk)
    noted = make_ticket(desk, contact=contact, subject="Phone reboots", body="It reboots.")
    note(desk, noted.number, "Suspect firmware zanzibarquux watchdog.")
    asking = make_ticket(
        desk,
        contact=contact,
        subject="zanzibarquux watchdog",
        body="zanzibarquux watchdog zanzibarquux",
    )
    agent = make_agent(desk, tiers=[0, 1, 2])
    run_follow_ups(desk)

    for_agent = search_services.similar_tickets(desk, agent, asking.number)
    for_customer = search_services.similar_tickets(desk, contact, asking.number)

    agent_hits = {s.ticket.number: s.why for s in for_agent.open}
    assert noted.number in agent_hits
    customer_hits = {s.ticket.number: s for s in for_customer.open}
    # the customer may see their own ticket, but never because of the note's words
    assert noted.number not in customer_hits or customer_hits[noted.number].score < 0.5


def test_changing_a_tickets_text_replaces_what_the_index_holds(desk: Desk) -> None:
    ticket = make_ticket(desk, subject="Fax machine jams", body="Paper jam in the fax.")
    other = make_ticket(desk, subject="Fax jams again", body="Paper jam in the fax.")
    conversation.add_message(
        desk, SYSTEM, ticket.number, MessageKind.PUBLIC_REPLY, text="Try the quokkaflux tray."
    )
    asking = make_ticket(desk, subject="quokkaflux tray", body="quokkaflux tray question")
    run_follow_ups(desk)

    found = search_services.similar_tickets(desk, SYSTEM, asking.number, limit=1)

    assert found.open[0].ticket.number == ticket.number
    assert other.number != ticket.number


def test_a_manual_is_searched_with_citations(app: Tierdesk) -> None:
    done = add_manual(app, "kestrel-edge-configuration-guide-13.0.pdf")

    hits = knowledge.search_knowledge(app.desk, SYSTEM, "port forwarding destination NAT", limit=3)

    assert done.created and done.article.section_count > 10
    best = hits[0]
    assert best.section.startswith("4.2 Port forwarding")
    assert best.page == 2
    assert best.document == "Kestrel Edge Configuration Guide, release 13.0"
    assert best.product == "Kestrel Edge" and best.version == "1"
    assert best.passage and best.score > 0


def test_the_same_manual_twice_is_ingested_once(app: Tierdesk) -> None:
    first = add_manual(app, "kestrel-sbc-admin-guide-6.0.md")
    again = add_manual(app, "kestrel-sbc-admin-guide-6.0.md")

    assert again.created is False and again.article.id == first.article.id
    assert len(knowledge.list_articles(app.desk, SYSTEM)) == 1


def test_a_removed_manual_is_no_longer_found(app: Tierdesk) -> None:
    done = add_manual(app, "kestrel-edge-configuration-guide-13.0.pdf")
    assert done.article.id is not None

    knowledge.remove_article(app.desk, SYSTEM, done.article.id)

    assert knowledge.search_knowledge(app.desk, SYSTEM, "port forwarding") == []


def test_customers_cannot_add_manuals(app: Tierdesk) -> None:
    contact = make_contact(app.desk)
    path = MANUALS / "kestrel-sbc-admin-guide-6.0.md"
    parsed = app.read_document(path.read_bytes(), path.name)

    with pytest.raises(PermissionDeniedError):
        knowledge.add_article(app.desk, contact, parsed, path.name)


def test_suggestions_bring_passages_known_issues_and_similar_tickets(app: Tierdesk) -> None:
    desk = app.desk
    add_manual(app, "kestrel-edge-configuration-guide-13.0.pdf")
    known = app.read_document(
        b"# Known issues\n## Port forwarding breaks after upgrade to 13.0\n"
        b"After the upgrade, destination NAT port forwarding rules stop matching.\n",
        "known.md",
    )
    knowledge.add_article(desk, SYSTEM, known, "known.md", kind=DocumentKind.KNOWN_ISSUE)
    ticket = make_ticket(
        desk,
        subject="Port forwarding stopped working",
        body="Destination NAT port forwarding to our web server stopped.",
    )

    found = knowledge.suggestions_for_ticket(desk, SYSTEM, ticket.number)

    assert found.passages[0].section.startswith("4.2 Port forwarding")
    assert found.known_issues[0].section == "Port forwarding breaks after upgrade to 13.0"
    assert found.known_issues[0].kind is DocumentKind.KNOWN_ISSUE
    assert all(p.kind is DocumentKind.MANUAL for p in found.passages)


def test_rebuilding_the_index_restores_every_document(app: Tierdesk) -> None:
    desk = app.desk
    add_manual(app, "kestrel-sbc-admin-guide-6.0.md")
    make_ticket(desk, subject="Trunk down", body="The SIP trunk is down.")
    run_follow_ups(desk)
    before = search_services.index_size(desk)
    seen: list[int] = []

    stored = search_services.rebuild_index(desk, progress=seen.append)

    assert search_services.index_size(desk) == before
    assert stored == before["manual"] + before["ticket"]
    assert sum(seen) == before["manual"] + 1
    assert knowledge.search_knowledge(desk, SYSTEM, "SIP trunk", limit=1)


def test_a_merged_tickets_conversation_is_found_through_the_ticket_it_was_merged_into(
    desk: Desk,
) -> None:
    lead = make_agent(desk, tiers=[1, 2], role=Role.LEAD)
    first_line = make_agent(desk, tiers=[1])
    customer = make_contact(desk)
    source = make_ticket(
        desk, contact=customer, subject="Fax", body="The quillfeather gateway rejects faxes."
    )
    escalation.escalate_ticket(desk, lead, source.number or "", Tier.L2, "lab", full_packet())
    note(desk, source.number, "Zanzibarite overflow in the vexillum codec.")
    target = make_ticket(desk, contact=customer, subject="Faxes", body="Faxes fail since Monday.")
    tickets.merge_tickets(desk, lead, source.number or "", target.number or "", None)

    found = search_services.search_tickets(desk, customer, "quillfeather gateway")
    noted = search_services.search_tickets(desk, first_line, "zanzibarite vexillum")

    assert target.number in [f.ticket.number for f in found if f.ticket]
    # the level-2 note stays behind the merged ticket's own door
    assert target.number not in [f.ticket.number for f in noted if f.ticket]
