"""Plain keyword-default factories with random suffixes; each goes through the real services."""

from __future__ import annotations

import io
import uuid

from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.people import Agent, Contact, Organisation, Role
from tierdesk.domain.tickets import Ticket
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM, issue_token
from tierdesk.services.desk import Desk


def suffix() -> str:
    return uuid.uuid4().hex[:8]


def make_organisation(
    desk: Desk, *, name: str | None = None, plan: str = "standard"
) -> Organisation:
    return people.create_organisation(
        desk, SYSTEM, people.NewOrganisation(name=name or f"Org {suffix()}", plan=plan)
    )


def make_contact(
    desk: Desk, *, organisation: Organisation | None = None, language: str | None = "en"
) -> Contact:
    organisation = organisation or make_organisation(desk)
    created = people.create_contact(
        desk,
        SYSTEM,
        people.NewContact(
            email=f"contact-{suffix()}@example.com",
            name=f"Contact {suffix()}",
            organisation=organisation.name,
            language=language,
        ),
    )
    return created.contact


def make_agent(
    desk: Desk,
    *,
    tiers: list[int] | None = None,
    role: Role = Role.AGENT,
    queues: list[str] | None = None,
) -> Agent:
    return people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(
            email=f"agent-{suffix()}@kestrel.example",
            name=f"Agent {suffix()}",
            tiers=tiers if tiers is not None else [1],
            role=role,
            queues=queues or [],
        ),
    )


def make_ticket(
    desk: Desk,
    *,
    contact: Contact | None = None,
    subject: str | None = None,
    body: str = "It broke.",
) -> Ticket:
    contact = contact or make_contact(desk)
    return tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject=subject or f"Problem {suffix()}", body_text=body)
    )


def token_for(desk: Desk, who: Agent | Contact) -> str:
    return issue_token(desk, SYSTEM, who.email).token


def full_packet(note: str = "Checked the basics.") -> PacketContent:
    """A hand-off packet complete enough for any level's entry rules."""
    return PacketContent(
        symptoms=f"Symptoms: {note}",
        environment="Kestrel SBC 6.0.0, two-node cluster",
        steps_tried=[TriedStep(note, "no change")],
        hypotheses=["media relay NAT handling"],
    )


def make_pdf(pages: int = 1, lines: int = 40, line: str = "The trunk registers again") -> bytes:
    """A PDF of ``pages`` pages, each drawing ``lines`` lines of text. Its content streams are
    compressed, so a few kilobytes can inflate to megabytes of text (``lines`` in the
    thousands): the shape of a PDF that expands far beyond its size."""
    from pypdf import PdfWriter  # slow to import: only for the tests that need a PDF
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for number in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        drawn = " ".join(f"({line} {number}.{n}) Tj T*" for n in range(lines))
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 10 Tf 12 TL 72 760 Td {drawn} ET".encode())
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode(level=9))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
