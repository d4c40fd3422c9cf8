"""API tokens: issued once, stored as a digest, and refused when unknown or their owner left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_agent, make_contact
from tests.services.support import Unchanged, case, stored_state
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db import tables
from tierdesk.adapters.db.tokens import api_tokens
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact, Role
from tierdesk.errors import NotFoundError, PermissionDeniedError, UnauthenticatedError
from tierdesk.services.auth import SYSTEM, authenticate_token, issue_token
from tierdesk.services.desk import Desk


def test_a_token_authenticates_its_agent_or_contact(desk: Desk) -> None:
    agent, contact = make_agent(desk), make_contact(desk)

    for who in (agent, contact):
        issued = issue_token(desk, SYSTEM, who.email.upper(), label="laptop")
        assert issued.token.startswith("td_")
        assert issued.principal.id == who.id
        found = authenticate_token(desk, issued.token)
        assert type(found) is type(who)
        assert (found.id, found.email) == (who.id, who.email)


def test_only_a_digest_of_the_token_is_stored(app: Tierdesk, desk: Desk) -> None:
    contact = make_contact(desk)

    issued = issue_token(desk, SYSTEM, contact.email)

    assert issued.token not in repr(stored_state(app))
    assert issued.token[3:] not in repr(stored_state(app))


def test_issuing_a_token_is_audited_and_using_it_is_remembered(
    app: Tierdesk, desk: Desk, clock: FixedClock
) -> None:
    lead = make_agent(desk, role=Role.LEAD)
    contact = make_contact(desk)
    issued = issue_token(desk, lead, contact.email, label="portal")
    clock.advance(timedelta(hours=2))

    authenticate_token(desk, issued.token)

    with app.engine.connect() as connection:
        used = connection.execute(select(api_tokens.c.last_used_at)).scalar_one()
        audit = connection.execute(
            select(tables.audit_events).where(tables.audit_events.c.action == "token.issued")
        ).one()
    assert used == clock.now()
    assert (audit.subject_type, audit.subject_id, audit.actor_id) == (
        "contact",
        contact.id,
        lead.id,
    )
    assert audit.changes == {"label": "portal"}


def test_an_unknown_malformed_or_tampered_token_is_unauthenticated(
    app: Tierdesk, desk: Desk
) -> None:
    issued = issue_token(desk, SYSTEM, make_contact(desk).email)
    tampered = issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B")
    wrong = {
        "empty": "",
        "garbage": "garbage",
        "with the scheme": f"Bearer {issued.token}",
        "prefix only": "td_",
        "unknown": "td_" + "A" * 43,
        "leading space": f" {issued.token}",
        "one character changed": tampered,
        "upper-cased": issued.token.upper(),
    }

    before = stored_state(app)
    for name, token in wrong.items():
        with case(name), pytest.raises(UnauthenticatedError):
            authenticate_token(desk, token, "192.0.2.7")

    # Nothing is stored but one failure per refused token, counted against the client address
    # in the tokens' own budget (services/sign_in_limits.py).
    after = stored_state(app)
    failures = after.pop("sign_in_failures")
    before.pop("sign_in_failures")
    assert after == before
    assert [(scope, key) for _id, scope, key, _at in failures] == [
        ("client", "api-token 192.0.2.7")
    ] * len(wrong)


def test_the_token_of_an_inactive_owner_is_refused(desk: Desk) -> None:
    owners: list[Agent | Contact] = [make_agent(desk), make_contact(desk)]

    for owner in owners:
        with case(owner.kind):
            issued = issue_token(desk, SYSTEM, owner.email)
            assert authenticate_token(desk, issued.token).id == owner.id
            with desk.uow() as uow:
                repository = uow.agents if isinstance(owner, Agent) else uow.contacts
                stored = repository.get(owner.id or 0)
                assert stored is not None
                stored.active = False
                uow.commit()
            with pytest.raises(UnauthenticatedError):
                authenticate_token(desk, issued.token)


def test_a_token_for_nobody_is_not_found(desk: Desk, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(NotFoundError):
        issue_token(desk, SYSTEM, "nobody@nowhere.example")


def test_only_leads_issue_tokens(desk: Desk, unchanged: Unchanged) -> None:
    agent = make_agent(desk)

    with unchanged(), pytest.raises(PermissionDeniedError):
        issue_token(desk, agent, agent.email)
