"""Access notes in the workspace (issue 21 item 2): a lead writes them on the organisation's
page (errors next to the field), the ticket page's panel reveals one to an agent at an allowed
level (audited, not cached), a level-1 agent sees only that it exists, and nothing of it
reaches the customer's portal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.factories import make_ticket
from tests.web.conftest import Browser, WebDesk
from tierdesk.config import SearchSettings, Settings
from tierdesk.domain.people import Agent, Contact

SECRET = "rdp gw.acme.example user kestrel-support pw Marmoset-3390"
HX = {"HX-Request": "true"}


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
        access_notes_key=SecretStr(Fernet.generate_key().decode()),
    )


def test_a_lead_writes_a_note_an_l2_agent_reveals_it_on_the_ticket_and_the_portal_shows_none(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    org = web.acme.id
    lead = signed_in(web.lead)
    section = lead.get(f"/organisations/{org}/access-notes")
    assert section.status_code == 200 and "Add an access note" in section.text
    url = f"/organisations/{org}/access-notes"
    untitled = lead.post(url, {"title": " ", "kind": "remote_session", "body": SECRET}, headers=HX)
    assert untitled.status_code == 422 and untitled.headers["X-Desk-Fields"] == "title"
    note = {"title": "Remote desktop", "kind": "remote_session", "body": SECRET}
    added = lead.post(url, note, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].endswith("#access-notes")
    page = lead.get(f"/organisations/{org}/access-notes").text
    assert "Remote desktop" in page and "Marmoset" not in page

    ticket = make_ticket(web.app.desk, contact=web.acme_contact).number
    first_line = signed_in(web.l1).get(f"/tickets/{ticket}/access").text
    assert "Remote desktop" in first_line and "For L2 and above" in first_line
    assert "/reveal" not in first_line

    engineer = signed_in(web.l2)
    panel = engineer.get(f"/tickets/{ticket}/access").text
    assert "Reveal" in panel and "Marmoset" not in panel
    note_id = panel.split("/access/")[1].split("/reveal")[0]
    shown = engineer.post(f"/tickets/{ticket}/access/{note_id}/reveal", headers=HX)
    assert shown.status_code == 200 and SECRET in shown.text
    assert "audit log" in shown.text and shown.headers["Cache-Control"] == "no-store"
    ticket_page = engineer.get(f"/tickets/{ticket}").text
    assert "access_note.revealed" in ticket_page and "Marmoset" not in ticket_page

    customer = signed_in(web.acme_contact)
    for path in ("/portal/tickets", f"/portal/tickets/{ticket}"):
        portal = customer.get(path)
        assert portal.status_code == 200
        assert "Marmoset" not in portal.text and "Remote desktop" not in portal.text
    probe = customer.get(f"/tickets/{ticket}/access", follow_redirects=False)
    assert probe.status_code in (302, 303, 401, 403, 404) and "Remote desktop" not in probe.text


def test_a_lead_raises_the_level_and_an_l2_agent_can_no_longer_reveal(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    org = web.acme.id
    lead = signed_in(web.lead)
    lead.get(f"/organisations/{org}/access-notes")
    lead.post(f"/organisations/{org}/access-notes", {"title": "VPN", "kind": "vpn", "body": "x"})
    level = f"/organisations/{org}/access-notes/level"
    assert lead.post(level, {"min_tier": "L3"}, follow_redirects=False).status_code == 303
    assert "L3 and above" in lead.get(f"/organisations/{org}/access-notes").text
    ticket = make_ticket(web.app.desk, contact=web.acme_contact).number
    panel = signed_in(web.l2).get(f"/tickets/{ticket}/access").text
    assert "For L3 and above" in panel and "/reveal" not in panel
