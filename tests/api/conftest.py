from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import make_agent, make_contact, make_organisation, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role


@dataclass
class World:
    """Two customer organisations, a contact in each, agents at L1 and L3 and a lead."""

    acme_contact: dict[str, str]
    globex_contact: dict[str, str]
    l1_agent: dict[str, str]
    l3_agent: dict[str, str]
    lead: dict[str, str]
    l1_agent_id: int
    acme_contact_id: int


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(app: Tierdesk) -> World:
    desk = app.desk
    acme = make_organisation(desk, name="Acme Telecom")
    globex = make_organisation(desk, name="Globex", plan="premium")
    acme_contact = make_contact(desk, organisation=acme)
    globex_contact = make_contact(desk, organisation=globex)
    l1 = make_agent(desk, tiers=[1])
    l3 = make_agent(desk, tiers=[3])
    lead = make_agent(desk, tiers=[1, 2], role=Role.LEAD)
    assert l1.id is not None and acme_contact.id is not None
    return World(
        acme_contact=bearer(token_for(desk, acme_contact)),
        globex_contact=bearer(token_for(desk, globex_contact)),
        l1_agent=bearer(token_for(desk, l1)),
        l3_agent=bearer(token_for(desk, l3)),
        lead=bearer(token_for(desk, lead)),
        l1_agent_id=l1.id,
        acme_contact_id=acme_contact.id,
    )
