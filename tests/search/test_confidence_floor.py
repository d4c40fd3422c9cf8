"""The confidence floor through the services, on SQLite and PostgreSQL: every hit carries a
calibrated confidence, hits below ``search.min_confidence`` are not returned, and a ticket
whose product has no manual gets no manual passages (the word-hashing embedder, so the
keyword-only calibration decides)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.factories import make_contact
from tests.follow_ups import run_follow_ups
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.services import catalog, knowledge, tickets
from tierdesk.services import search as search_services
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

MANUALS = CONTENT_DIR / "manuals"
SBC = "kestrel-sbc-admin-guide-6.0.md"
EDGE = "kestrel-edge-configuration-guide-13.0.pdf"


LONG_TICKET = (
    "Since this morning our SIP trunk registration to the carrier fails with 403 Forbidden. "
    "We rotated the TLS certificate on the session border controller yesterday evening and "
    "restarted the service; the phones register fine internally, but every outbound call "
    "gets a fast busy tone and inbound calls from the carrier never arrive. The carrier says "
    "they see our REGISTER requests with the new certificate and reject them. Could the "
    "certificate chain be incomplete, or does the trunk need its credentials entered again?"
)


def floored(settings: Settings, floor: float, ticket_floor: float | None = None) -> Tierdesk:
    """A desk on the same data with these floors (a whole ticket's: ``floor`` unless given)."""
    floors = {
        "min_confidence": floor,
        "min_confidence_ticket": floor if ticket_floor is None else ticket_floor,
    }
    search = settings.search.model_copy(update=floors)
    return bootstrap(settings.model_copy(update={"search": search}))


@pytest.fixture
def with_floor(settings: Settings) -> Iterator[Tierdesk]:
    application = floored(settings, 0.5)
    yield application
    application.close()


def add_manual(app: Tierdesk, name: str, product: str | None) -> None:
    parsed = app.read_document((MANUALS / name).read_bytes(), name)
    knowledge.add_article(app.desk, SYSTEM, parsed, name, product=product, version="1")


def test_every_hit_carries_a_confidence_and_weak_ones_are_not_shown(
    with_floor: Tierdesk,
) -> None:
    desk = with_floor.desk
    add_manual(with_floor, EDGE, "Kestrel Edge")
    asked = "port forwarding destination NAT web server"
    # the same index, read by a desk without the floor: everything the relevance floor passes
    everything = floored(with_floor.settings, 0.0)
    try:
        all_hits = knowledge.search_knowledge(everything.desk, SYSTEM, asked, limit=10)
    finally:
        everything.close()

    shown = knowledge.search_knowledge(desk, SYSTEM, asked, limit=10)

    assert all(0.0 <= h.confidence <= 1.0 for h in all_hits)
    assert any(h.confidence < 0.5 for h in all_hits)  # a weak one exists to be hidden
    assert shown and all(h.confidence >= 0.5 for h in shown)
    assert [h.key for h in shown] == [h.key for h in all_hits if h.confidence >= 0.5]
    assert shown[0].section.startswith("4.2 Port forwarding")


def test_a_search_with_nothing_good_returns_nothing(with_floor: Tierdesk) -> None:
    desk = with_floor.desk
    add_manual(with_floor, EDGE, "Kestrel Edge")

    # the relevance floor alone lets these through: each shares a word with some section
    for asked in ("how do I change the ringtone on my phone", "my printer prints blank pages"):
        assert knowledge.search_knowledge(desk, SYSTEM, asked) == [], asked


def test_similar_tickets_below_the_floor_are_not_shown(with_floor: Tierdesk) -> None:
    desk = with_floor.desk
    contact = make_contact(desk)

    def ticket(subject: str, body: str) -> str:
        opened = tickets.open_ticket(desk, contact, tickets.NewTicket(subject, body))
        return opened.number or ""

    twin = ticket(
        "SIP trunk registration fails with 403 after certificate rotation",
        "Since rotating the TLS certificate the SIP trunk registration to the carrier fails "
        "with 403 Forbidden on every attempt.",
    )
    for i in range(6):
        ticket(f"Printer {i} jams", f"The office printer {i} jams on every page since Monday.")
    loose = ticket(
        "Fax machine slow after the certificate rotation",
        "The fax machine is slow since the TLS certificate rotation.",
    )
    new = ticket(
        "Trunk registration 403 after certificate rotation",
        "After the TLS certificate rotation our SIP trunk registration fails with 403 Forbidden.",
    )
    run_follow_ups(desk)  # indexed

    found = search_services.similar_tickets(desk, SYSTEM, new)
    numbers = [s.number for s in found.solved + found.open]

    assert numbers[:1] == [twin]
    assert loose not in numbers  # a few shared words: the relevance floor alone shows it
    assert all(s.confidence >= 0.5 for s in found.solved + found.open)


def test_a_whole_tickets_similar_tickets_have_their_own_lower_floor(settings: Settings) -> None:
    """An agent's list of similar tickets is judged by the agent: it keeps the weak matches
    down to ``search.min_confidence_ticket``, while a question keeps ``min_confidence``."""
    desk_with_floors = floored(settings, 0.5, ticket_floor=0.15)
    everything = floored(settings, 0.0)
    try:
        desk = desk_with_floors.desk
        contact = make_contact(desk)
        for subject, body in [
            ("Trunk registration fails with 403", "The SIP trunk registration fails, 403."),
            ("SIP trunk registration 403", "The trunk registration fails with 403 again."),
            ("Trunk down", "Our SIP trunk does not register since Monday, calls fail."),
            ("Registration error on phones", "Phones show a registration error 403."),
            ("SIP calls drop", "SIP calls drop after the trunk came back."),
            ("Fax slow after rotation", "The fax is slow since the certificate rotation."),
            ("Printer jams", "The office printer jams on every page."),
        ]:
            tickets.open_ticket(desk, contact, tickets.NewTicket(subject, body))
        new = (
            tickets.open_ticket(
                desk,
                contact,
                # longer than one passage (``passage_words``): searched as a whole ticket
                tickets.NewTicket("SIP trunk 403 on registration", LONG_TICKET),
            ).number
            or ""
        )
        run_follow_ups(desk)  # indexed

        def confidences(app: Tierdesk) -> list[float]:
            found = search_services.similar_tickets(app.desk, SYSTEM, new)
            return sorted(s.confidence for s in found.solved + found.open)

        every = confidences(everything)
        shown = confidences(desk_with_floors)
    finally:
        everything.close()
        desk_with_floors.close()
    assert any(0.15 <= c < 0.5 for c in every)  # a weak match exists to be kept
    assert shown == [c for c in every if c >= 0.15]


def test_a_ticket_whose_product_has_no_manual_gets_no_manual_passages(app: Tierdesk) -> None:
    desk: Desk = app.desk
    for name in ("Kestrel Edge", "Kestrel SBC", "Kestrel Fax"):
        catalog.create_product(desk, SYSTEM, catalog.NewProduct(name=name))
    add_manual(app, EDGE, "Kestrel Edge")
    add_manual(app, SBC, "Kestrel SBC")
    contact = make_contact(desk)
    subject, body = "Port forwarding stopped", "Destination NAT port forwarding stopped working."

    def ticket(product: str | None) -> str:
        new = tickets.NewTicket(subject, body, catalog=tickets.CatalogRef(product=product))
        return tickets.open_ticket(desk, contact, new).number or ""

    of_fax = knowledge.suggestions_for_ticket(desk, SYSTEM, ticket("Kestrel Fax"))
    of_sbc = knowledge.suggestions_for_ticket(desk, SYSTEM, ticket("Kestrel SBC"))
    of_none = knowledge.suggestions_for_ticket(desk, SYSTEM, ticket(None))

    assert of_fax.passages == []  # the Edge manual matches well, but it is another product's
    assert of_sbc.passages and {p.product for p in of_sbc.passages} == {"Kestrel SBC"}
    assert of_none.passages[0].product == "Kestrel Edge"  # no product: every manual
