"""What the desk posts to a customer's ticket on its own (defect fixed, enhancement shipped,
incident updates, level 3's checklist, a known issue's fix) is framed in the customer's
language; what an engineer typed into it stays as they wrote it. A customer in a language the
desk has no texts for reads English."""

from __future__ import annotations

from tests.factories import make_contact
from tests.language.support import GERMAN, LanguageDesk, language_desk
from tierdesk.domain.incidents import IncidentStatus
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.tickets import Ticket
from tierdesk.services import (
    defects,
    enhancements,
    incidents,
    known_issues,
    l3_outcomes,
    tickets,
)
from tierdesk.services.desk import Desk

DUTCH = (
    "Goedemiddag, sinds de update van gisteravond horen bellers ons niet meer. De telefoons "
    "gaan over, maar na het opnemen blijft de lijn aan onze kant stil."
)


def german_ticket(desk: Desk, world: LanguageDesk) -> Ticket:
    contact = make_contact(desk, organisation=world.organisation, language=None)
    return tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Kein Ton", body_text=GERMAN)
    )


def last_reply(desk: Desk, world: LanguageDesk, ticket: Ticket) -> str:
    shown = tickets.get_ticket(desk, world.lead, ticket.number or "")
    return [m for m in shown.messages if m.kind is MessageKind.PUBLIC_REPLY][-1].body_text


def test_a_german_customer_gets_a_german_defect_fixed_notice(desk: Desk) -> None:
    world = language_desk(desk)
    ticket = german_ticket(desk, world)
    defect = defects.open_defect(
        desk,
        world.lead,
        ticket.number or "",
        defects.DefectInput(
            title="Einseitiger Ton",
            actual="Kein Ton nach dem Abnehmen",
            steps=["Externen Anruf annehmen"],
        ),
    )

    defects.mark_defect_fixed(desk, world.lead, defect.id or 0, "7.3")

    notice = last_reply(desk, world, ticket)
    assert notice.startswith(f"Neuigkeiten zum Fehler DEF-{defect.id} (Einseitiger Ton): ")
    assert "in Release 7.3 behoben" in notice
    assert "Wir wissen nicht, welche Version Sie einsetzen" in notice


def test_a_german_customer_gets_a_german_incident_update(desk: Desk) -> None:
    world = language_desk(desk)
    ticket = german_ticket(desk, world)
    incident = incidents.declare_incident(
        desk, world.lead, "SIP trunk outage in Frankfurt", tickets=[ticket.number or ""]
    )

    incidents.post_incident_update(
        desk, world.lead, incident.id or 0, IncidentStatus.IDENTIFIED, "Ein Router fiel aus."
    )

    assert last_reply(desk, world, ticket) == (
        f"Statusmeldung zur Störung INC-{incident.id} (SIP trunk outage in Frankfurt) "
        "\u2013 Ursache gefunden:\n\nEin Router fiel aus."
    )


def test_a_german_customer_gets_a_german_more_information_checklist(desk: Desk) -> None:
    world = language_desk(desk)
    ticket = german_ticket(desk, world)

    l3_outcomes.request_more_information(
        desk, world.lead, ticket.number or "", ["SIP-Trace des Anrufs"], "Danke!"
    )

    assert last_reply(desk, world, ticket) == (
        "Um weiterzukommen, brauchen wir noch einige Angaben von Ihnen:\n\n"
        "[ ] SIP-Trace des Anrufs\n\nDanke!\n\n"
        "Bitte antworten Sie auf diese Nachricht mit allem, was Sie davon beisteuern können; "
        "bis dahin wartet das Ticket auf Ihre Antwort."
    )


def test_a_german_customer_is_told_in_german_that_their_enhancement_shipped(desk: Desk) -> None:
    world = language_desk(desk)
    ticket = german_ticket(desk, world)
    wish = enhancements.create_enhancement(desk, world.lead, "Rufumleitung per App")
    enhancements.link_enhancement(desk, world.lead, wish.id or 0, ticket.number or "")

    enhancements.ship_enhancement(desk, world.lead, wish.id or 0, "7.4")

    assert last_reply(desk, world, ticket) == (
        f"Gute Nachrichten: Die von Ihnen gewünschte Erweiterung ENH-{wish.id} "
        "(Rufumleitung per App) ist mit Release 7.4 erschienen."
    )


def test_a_known_issues_fix_reaches_a_german_customer_framed_in_german(desk: Desk) -> None:
    world = language_desk(desk)
    ticket = german_ticket(desk, world)
    issue = known_issues.create_known_issue(
        desk,
        world.lead,
        known_issues.KnownIssueInput(
            title="Kein Ton hinter NAT", symptoms="Einseitiger Ton", fix="NAT-Helfer ausschalten."
        ),
    )

    known_issues.link_known_issue(desk, world.lead, issue.id or 0, ticket.number or "")

    reply = last_reply(desk, world, ticket)
    assert reply.startswith(f"Es handelt sich um ein bekanntes Problem (KI-{issue.id}): ")
    assert "\n\nNAT-Helfer ausschalten.\n\n" in reply


def test_a_customer_writing_a_language_without_texts_reads_english(desk: Desk) -> None:
    world = language_desk(desk)
    contact = make_contact(desk, organisation=world.organisation, language=None)
    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Geen geluid", body_text=DUTCH)
    )

    l3_outcomes.request_more_information(desk, world.lead, ticket.number or "", ["A trace"])

    assert ticket.language == "nl"
    assert last_reply(desk, world, ticket).startswith("To get further we need some more")
