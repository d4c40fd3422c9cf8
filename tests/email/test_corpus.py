"""Every real-world-shaped mail in tests/fixtures/emails ends as the right ticket, message,
bounce record, quarantine record or ignored auto-reply."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.email.conftest import FIXTURES, deliver, fixture_bytes
from tierdesk.domain.inbound import InboundOutcome
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Organisation
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk
from tierdesk.services.tickets import get_ticket

STORED, IGNORED, BOUNCE, QUARANTINED = (
    InboundOutcome.STORED,
    InboundOutcome.IGNORED,
    InboundOutcome.BOUNCE,
    InboundOutcome.QUARANTINED,
)


@dataclass(frozen=True)
class Expect:
    outcome: InboundOutcome
    reason: str | None = None
    subject: str | None = None  # of the ticket the mail opened
    text: tuple[str, ...] = ()  # in the stored message
    not_text: tuple[str, ...] = ()  # quoted history, signatures, markup: not in it
    attachments: tuple[str, ...] = ()
    after: tuple[str, ...] = ()  # mail delivered first
    joins: str | None = None  # lands on the ticket this earlier mail opened
    organisation: str | None = None
    contact_name: str | None = None
    language: str | None = None


CORPUS: dict[str, Expect] = {
    "new_request_plain.eml": Expect(
        STORED,
        subject="One-way audio on all external calls since Monday",
        text=("all external calls on our Kestrel SBC 6.0", "RTP timeout after 30 s"),
        not_text=("Phone +49", "IT Operations"),
        organisation="Acme GmbH",
        contact_name="Max Weber",
    ),
    "multipart_alternative.eml": Expect(
        STORED,
        subject="Voicemail-Benachrichtigungen kommen doppelt",
        text=("Voicemail-Benachrichtigung zweimal", "Können Sie uns helfen?"),
        not_text=("<b>", "<p>"),
        language="de",
    ),
    "html_only_outlook.eml": Expect(
        STORED,
        subject="Licenza scaduta sul gateway Edge",
        text=('segnala "licenza scaduta"', "KE-13-004711", "Giulia Rossi"),
        not_text=("alert", "MsoNormal", "<p", "&nbsp;"),
        organisation="Globex",
        contact_name="Rossi, Giulia",
        language="it",
    ),
    "gmail_reply.eml": Expect(
        STORED,
        after=("new_request_plain.eml",),
        joins="new_request_plain.eml",
        text=("the firewall was replaced on Sunday night",),
        not_text=("since Monday morning", "wrote:"),
    ),
    "outlook_reply_windows1252.eml": Expect(
        STORED,
        after=("new_request_plain.eml",),
        joins="new_request_plain.eml",
        text=("weiterhin \u2013 auch", "\u201eSBC-Log\u201c", "150 \u20ac"),
        not_text=("Bitte starten Sie den SBC neu", "Gesendet:"),
    ),
    "forwarded_nested.eml": Expect(
        STORED,
        subject="Fwd: Fwd: Teléfonos DeskPhone se reinician solos",
        text=("Os reenvío", "Mira lo que dice Carmen", "se reinician cada dos horas"),
        contact_name="Laura Fernández",
    ),
    "forward_as_attachment.eml": Expect(
        STORED, text=("check the fax gateway",), attachments=("Fax line dead.eml",)
    ),
    "iso_8859_1_quoted_printable.eml": Expect(
        STORED,
        subject="Registrierung fehlgeschlagen im Büro Köln",
        text=("Größe der Anlage", "Grüße aus Köln"),
        contact_name="Jürgen Müller",
    ),
    "iso_2022_jp.eml": Expect(
        STORED,
        subject="会議室の電話機",
        text=("外線に発信できません",),
        contact_name="山田 太郎",
        organisation="Individual customers",
    ),
    "mislabelled_charset.eml": Expect(QUARANTINED, reason="bad-charset"),
    "unknown_charset.eml": Expect(QUARANTINED, reason="bad-charset"),
    "calendar_invite.eml": Expect(
        STORED, text=("review the SBC upgrade plan",), attachments=("invite.ics",)
    ),
    "dsn_bounce.eml": Expect(BOUNCE, reason="5.1.1", after=("new_request_plain.eml",)),
    "auto_reply_out_of_office.eml": Expect(IGNORED, reason="automated"),
    "precedence_bulk_newsletter.eml": Expect(IGNORED, reason="automated"),
    "mailer_daemon_plain.eml": Expect(IGNORED, reason="automated"),
    "from_our_own_address.eml": Expect(IGNORED, reason="automated"),
    "broken_mime_no_boundary.eml": Expect(QUARANTINED, reason="malformed-mime"),
    "empty_body.eml": Expect(QUARANTINED, reason="empty-body"),
    "attachment_pdf_and_inline_image.eml": Expect(
        STORED,
        text=("the screenshot shows the alarm",),
        attachments=("screenshot.png", "sbc-report.pdf"),
    ),
    "no_message_id.eml": Expect(STORED, text=("call recordings of yesterday",)),
    "raw_utf8_headers.eml": Expect(
        STORED,
        subject="Störung: Headset-Taste ohne Funktion",
        contact_name="Zoë Faßbender",
    ),
    "unknown_domain_sender.eml": Expect(
        STORED,
        text=("how do I reset my voicemail PIN?",),
        not_text=("Sent from my iPhone",),
        organisation="Individual customers",
        contact_name="Kim Lee",
    ),
}


def test_every_mail_in_the_corpus_has_an_expected_outcome() -> None:
    on_disk = {p.name for p in FIXTURES.glob("*.eml")}

    assert on_disk == set(CORPUS)
    assert {e.outcome for e in CORPUS.values()} >= {STORED, IGNORED, BOUNCE, QUARANTINED}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_mail_from_the_corpus_ends_as_expected(
    name: str, mail: MailDesk, desk: Desk, acme: Organisation, globex: Organisation
) -> None:
    expect = CORPUS[name]
    earlier = {before: deliver(mail, before) for before in expect.after}

    receipt = deliver(mail, name)

    assert not receipt.duplicate
    assert receipt.outcome is expect.outcome, receipt
    if expect.reason is not None:
        assert receipt.reason == expect.reason
    with desk.uow() as uow:
        record = uow.mail.get_inbound(receipt.inbound_id)
        assert record is not None
        assert desk.files.open(record.raw_key) == fixture_bytes(name)  # the original is kept
    if expect.outcome is not STORED:
        assert receipt.ticket_number is None or expect.outcome is BOUNCE
        return
    assert receipt.ticket_number is not None
    ticket = get_ticket(desk, SYSTEM, receipt.ticket_number)
    if expect.joins is not None:
        assert receipt.ticket_number == earlier[expect.joins].ticket_number
    else:
        assert len(ticket.messages) == 1
        assert ticket.channel is Channel.EMAIL and ticket.queue == "first-line"
    if expect.subject is not None:
        assert ticket.subject == expect.subject
    message = ticket.messages[-1]
    assert message.kind is MessageKind.CUSTOMER and message.channel is Channel.EMAIL
    assert record.ticket_message_id == message.id
    for fragment in expect.text:
        assert fragment in message.body_text
    for fragment in expect.not_text:
        assert fragment not in message.body_text
    assert sorted(a.filename for a in message.attachments) == sorted(expect.attachments)
    with desk.uow() as uow:
        contact = uow.contacts.get(ticket.requester_id)
        assert contact is not None
        organisation = uow.organisations.get(contact.organisation_id)
        assert organisation is not None
    if expect.organisation is not None:
        assert organisation.name == expect.organisation
    if expect.contact_name is not None:
        assert contact.name == expect.contact_name
    if expect.language is not None:
        assert contact.language == expect.language
