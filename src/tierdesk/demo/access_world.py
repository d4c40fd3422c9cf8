"""The demo's access notes (issue 21 item 2): a VPN and a jump host at two customers, so the
ticket page's "Access to the customer's systems" panel has something to reveal. Skipped when
the desk has no key (``tierdesk demo`` writes one to the data directory first)."""

from __future__ import annotations

from tierdesk.demo.cast import Customer
from tierdesk.domain.access_notes import AccessNoteKind
from tierdesk.domain.people import Agent, Tier
from tierdesk.services import access_notes as an
from tierdesk.services.desk import Desk

# Made-up hosts and passwords of the fictional customers (documentation address ranges).
NOTES = {
    "Müller Logistik GmbH": [
        an.NoteInput(
            "Head office VPN",
            AccessNoteKind.VPN,
            "WireGuard endpoint vpn.mueller-logistik.example:51820\n"
            "Profile: kestrel-support (ask the on-call admin, +49 40 5550 1234, to enable it)\n"
            "Allowed: 192.0.2.0/24 (voice VLAN)",
        ),
        an.NoteInput(
            "Jump host to the SBCs",
            AccessNoteKind.JUMP_HOST,
            "ssh kestrel@jump01.mueller-logistik.example (port 2222)\n"
            "Password: Lagerhalle-Nord-2291 (rotated quarterly)\n"
            "From there: ssh admin@192.0.2.10 (SBC primary)",
        ),
    ],
    "Banca Alpina S.p.A.": [
        an.NoteInput(
            "Remote session through the bank's portal",
            AccessNoteKind.REMOTE_SESSION,
            "https://remote.banca-alpina.example: a session is opened by their IT on request "
            "(ticket number in the request); recorded. Never outside 07:00-19:00 CET.",
        ),
    ],
}
STRICTER = {"Banca Alpina S.p.A.": Tier.L3}  # a bank lets only level 3 in


def create_access_notes(desk: Desk, customers: list[Customer], lead: Agent) -> int:
    if desk.access_notes is None:
        return 0
    written = 0
    for customer in customers:
        organisation = customer.organisation
        for note in NOTES.get(organisation.name, []):
            an.add_note(desk, lead, organisation.id or 0, note)
            written += 1
        if organisation.name in STRICTER:
            an.set_min_tier(desk, lead, organisation.id or 0, STRICTER[organisation.name])
    return written
