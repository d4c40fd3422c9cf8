"""Changing one's own password (agents in the workspace, contacts in the portal).

The current password is required and checked like a sign-in: wrong guesses count against the
account and the client address, so a borrowed session cannot be used to find the password. A
change ends every session of the person; the browser that made it gets a fresh one. (Leads and
admins set an agent's password through ``services/agents.py``.)"""

from __future__ import annotations

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Agent, Contact, check_new_password
from tierdesk.domain.web_sessions import SessionEnd
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.services.desk import Desk
from tierdesk.services.sign_in_limits import (
    clear_account,
    client_key,
    record_failure,
    refuse_if_blocked,
)
from tierdesk.services.web_sessions import OpenedSession, end_sessions, open_session


def change_password(
    desk: Desk,
    person: Agent | Contact,
    current: str,
    new: str,
    client: str | None,
) -> OpenedSession:
    """Set the signed-in person's new password after checking the current one; every session
    of theirs ends and a new one is opened for the caller."""
    check_new_password(new)
    if new == current:
        raise InvalidInputError(
            "the new password is the same as the current one", field="new_password"
        )
    client = client_key(client)
    assert person.id is not None
    with desk.uow() as uow:
        stored: Agent | Contact | None = (
            uow.agents.get(person.id) if isinstance(person, Agent) else uow.contacts.get(person.id)
        )
        if stored is None or not stored.active:
            raise NotFoundError("your account is no longer active")
        refuse_if_blocked(desk, uow, client, stored.email)
        if stored.password_hash is None:
            raise InvalidInputError(
                "your account has no password yet, so there is none to change",
                field="current_password",
            )
        if not desk.passwords.verify(stored.password_hash, current):
            paused = record_failure(desk, uow, client, stored.email, stored)
            uow.commit()
            if paused is not None:
                raise paused
            raise InvalidInputError("the current password is not right", field="current_password")
        now = desk.clock.now()
        stored.password_hash = desk.passwords.hash(new)
        uow.audit.add(
            audit_event(str(stored.kind), "password.changed", stored, now, subject_id=stored.id)
        )
        end_sessions(uow, stored, stored, now, SessionEnd.PASSWORD_CHANGED)
        clear_account(uow, stored.email)
        token = open_session(uow, stored, now)
        uow.commit()
        return OpenedSession(stored, token)
