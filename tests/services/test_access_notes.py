"""Access to customers' systems (issue 21 item 2): who may read an access note's body, each
reveal audited with its ticket, the body encrypted at rest and nowhere else (search, export,
the audit trail, any table), and a desk without a key (both engines)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.factories import (
    full_packet,
    make_agent,
    make_contact,
    make_organisation,
    make_ticket,
)
from tests.services.support import stored_state
from tierdesk import __version__
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import SearchSettings, Settings
from tierdesk.demo.access_world import create_access_notes
from tierdesk.demo.cast import create_customers
from tierdesk.domain.access_notes import AccessNoteKind
from tierdesk.domain.audit_query import AuditQuery
from tierdesk.domain.people import Agent, Organisation, Role, Tier
from tierdesk.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TicketNotFoundError,
)
from tierdesk.services import access_notes as an
from tierdesk.services import catalog, escalation, exports, search
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.installed_base_tickets import link_item

SECRET = "vpn.example.net user ops-kestrel password Zebrafinch-7731"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        access_notes_key=SecretStr(Fernet.generate_key().decode()),
    )


@dataclass
class Customer:
    organisation: Organisation
    lead: Agent
    ticket: str  # a level-1 ticket of the organisation
    note_id: int


@pytest.fixture
def customer(desk: Desk) -> Customer:
    organisation = make_organisation(desk)
    lead = make_agent(desk, tiers=[2], role=Role.LEAD)
    note = an.add_note(
        desk,
        lead,
        organisation.id or 0,
        an.NoteInput("Head office VPN", AccessNoteKind.VPN, SECRET),
    )
    ticket = make_ticket(desk, contact=make_contact(desk, organisation=organisation))
    return Customer(organisation, lead, ticket.number or "", note.id or 0)


def test_a_level_2_agent_reveals_a_note_for_a_ticket_and_the_reveal_is_audited_with_it(
    desk: Desk, customer: Customer
) -> None:
    engineer = make_agent(desk, tiers=[1, 2])
    revealed = an.reveal_note(desk, engineer, customer.note_id, customer.ticket)
    assert revealed.body == SECRET
    with desk.uow() as uow:
        events = uow.audit.search(AuditQuery(action_prefix="access_note.revealed", limit=10))
    assert len(events) == 1
    event = events[0]
    assert (event.actor_id, event.subject_id) == (engineer.id, customer.note_id)
    assert event.changes["ticket"] == customer.ticket
    assert event.ticket_id is not None and event.at == desk.clock.now()
    assert SECRET not in json.dumps(event.changes)


def test_a_level_1_agent_sees_that_a_note_exists_but_may_not_reveal_it(
    desk: Desk, customer: Customer
) -> None:
    first_line = make_agent(desk, tiers=[1])
    listed = an.organisation_access(desk, first_line, customer.organisation.id or 0)
    assert [(n.title, n.kind) for n in listed.notes] == [("Head office VPN", AccessNoteKind.VPN)]
    assert not listed.may_reveal
    with pytest.raises(PermissionDeniedError):
        an.reveal_note(desk, first_line, customer.note_id, customer.ticket)


def test_when_the_organisation_allows_only_level_3_a_level_2_agent_is_refused(
    desk: Desk, customer: Customer
) -> None:
    an.set_min_tier(desk, customer.lead, customer.organisation.id or 0, Tier.L3)
    with pytest.raises(PermissionDeniedError):
        an.reveal_note(desk, make_agent(desk, tiers=[2]), customer.note_id, customer.ticket)
    expert = make_agent(desk, tiers=[3])
    assert an.reveal_note(desk, expert, customer.note_id, customer.ticket).body == SECRET


def test_a_lead_whose_own_level_is_too_low_is_refused_like_any_agent(
    desk: Desk, customer: Customer
) -> None:
    lead = make_agent(desk, tiers=[1], role=Role.LEAD)
    with pytest.raises(PermissionDeniedError):
        an.reveal_note(desk, lead, customer.note_id, customer.ticket)


def test_a_ticket_of_another_organisation_does_not_open_a_note(
    desk: Desk, customer: Customer
) -> None:
    elsewhere = make_ticket(desk).number or ""
    with pytest.raises(PermissionDeniedError):
        an.reveal_note(desk, make_agent(desk, tiers=[2]), customer.note_id, elsewhere)


def test_a_ticket_the_agent_may_not_open_does_not_open_a_note(
    desk: Desk, customer: Customer
) -> None:
    an.set_min_tier(desk, customer.lead, customer.organisation.id or 0, Tier.L1)
    first_line = make_agent(desk, tiers=[1])
    assert an.reveal_note(desk, first_line, customer.note_id, customer.ticket).body == SECRET
    # At level 2 the ticket is beyond a level-1 agent, and so is the note through it.
    escalation.escalate_ticket(desk, customer.lead, customer.ticket, Tier.L2, "why", full_packet())
    with pytest.raises(TicketNotFoundError):
        an.reveal_note(desk, first_line, customer.note_id, customer.ticket)


def test_a_reveal_needs_a_ticket(desk: Desk, customer: Customer) -> None:
    with pytest.raises(InvalidInputError):
        an.reveal_note(desk, make_agent(desk, tiers=[2]), customer.note_id, " ")


def test_a_contact_learns_nothing_of_access_notes(desk: Desk, customer: Customer) -> None:
    contact = make_contact(desk, organisation=customer.organisation)
    with pytest.raises(NotFoundError):
        an.organisation_access(desk, contact, customer.organisation.id or 0)
    with pytest.raises(NotFoundError):
        an.reveal_note(desk, contact, customer.note_id, customer.ticket)
    with pytest.raises(NotFoundError):
        an.ticket_access(desk, contact, customer.ticket)


def test_only_leads_and_admins_write_notes_and_a_blank_secret_keeps_the_old_one(
    desk: Desk, customer: Customer
) -> None:
    org = customer.organisation.id or 0
    engineer = make_agent(desk, tiers=[2])
    with pytest.raises(PermissionDeniedError):
        an.add_note(desk, engineer, org, an.NoteInput("Jump", AccessNoteKind.JUMP_HOST, "ssh x"))
    with pytest.raises(PermissionDeniedError):
        an.set_min_tier(desk, engineer, org, Tier.L1)
    an.update_note(
        desk, customer.lead, org, customer.note_id, an.NoteInput("HQ VPN", AccessNoteKind.VPN, "")
    )
    revealed = an.reveal_note(desk, engineer, customer.note_id, customer.ticket)
    assert (revealed.note.title, revealed.body) == ("HQ VPN", SECRET)
    an.remove_note(desk, customer.lead, org, customer.note_id)
    with pytest.raises(NotFoundError):
        an.reveal_note(desk, engineer, customer.note_id, customer.ticket)


def test_the_secret_is_stored_only_encrypted_and_in_no_other_table(
    app: Tierdesk, desk: Desk, customer: Customer
) -> None:
    an.reveal_note(desk, make_agent(desk, tiers=[2]), customer.note_id, customer.ticket)
    state = stored_state(app)
    (row,) = state["access_notes"]
    assert "Zebrafinch" not in repr(row) and row[-3].startswith("gAAAA")  # a Fernet token
    for table, rows in state.items():
        assert "Zebrafinch" not in repr(rows), f"the secret is in {table}"


def test_search_finds_nothing_of_a_secret(desk: Desk, customer: Customer) -> None:
    found = search.search_tickets(desk, customer.lead, "Zebrafinch-7731")
    assert found == []


def test_an_export_holds_neither_the_secret_nor_the_notes(
    desk: Desk, customer: Customer, tmp_path: Path
) -> None:
    manifest = exports.export_desk(desk, SYSTEM, tmp_path / "export", __version__)
    assert "access_notes" not in manifest["files"]
    assert not any("access" in p.name for p in (tmp_path / "export").iterdir())
    for path in (tmp_path / "export").rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert b"Zebrafinch" not in text and b"Head office VPN" not in text, path


def test_without_a_key_notes_are_listed_but_neither_written_nor_revealed(
    desk: Desk, customer: Customer
) -> None:
    locked = replace(desk, access_notes=None)
    org = customer.organisation.id or 0
    listed = an.organisation_access(locked, customer.lead, org)
    assert listed.locked and [n.title for n in listed.notes] == ["Head office VPN"]
    with pytest.raises(ConflictError, match="TIERDESK_ACCESS_NOTES_KEY"):
        an.add_note(locked, customer.lead, org, an.NoteInput("VPN", AccessNoteKind.VPN, "x"))
    with pytest.raises(ConflictError, match="TIERDESK_ACCESS_NOTES_KEY"):
        an.reveal_note(locked, make_agent(desk, tiers=[2]), customer.note_id, customer.ticket)


def test_the_ticket_panel_lists_the_notes_of_the_tickets_site_first(
    desk: Desk, customer: Customer
) -> None:
    org = customer.organisation.id or 0
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", key="sbc"))
    site = ib.add_site(desk, customer.lead, org, ib.SiteInput("Frankfurt"))
    item = ib.add_item(desk, customer.lead, org, ib.ItemInput("sbc", site="Frankfurt"))
    link_item(desk, customer.lead, customer.ticket, item.id or 0)
    an.add_note(
        desk,
        customer.lead,
        org,
        an.NoteInput("Frankfurt jump host", AccessNoteKind.JUMP_HOST, "ssh j1", site.id),
    )
    view = an.ticket_access(desk, make_agent(desk, tiers=[2]), customer.ticket)
    assert [n.title for n in view.notes] == ["Frankfurt jump host", "Head office VPN"]
    assert view.may_reveal and view.site_name(site.id) == "Frankfurt"


def test_the_demo_world_gets_a_vpn_and_a_jump_host_and_a_bank_only_level_3_may_open(
    desk: Desk,
) -> None:
    customers = create_customers(desk)
    lead = make_agent(desk, tiers=[2], role=Role.LEAD)
    assert create_access_notes(desk, customers, lead) == 3
    by_name = {c.organisation.name: c.organisation.id or 0 for c in customers}
    logistics = an.organisation_access(desk, lead, by_name["Müller Logistik GmbH"])
    assert {n.kind for n in logistics.notes} == {AccessNoteKind.VPN, AccessNoteKind.JUMP_HOST}
    assert an.organisation_access(desk, lead, by_name["Banca Alpina S.p.A."]).min_tier == Tier.L3
    assert create_access_notes(replace(desk, access_notes=None), customers, lead) == 0
