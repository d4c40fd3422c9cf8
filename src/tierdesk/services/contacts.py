"""Changes to a contact that exists: their portal access. A deactivated contact cannot sign
in (password, link or API token: each checks ``Contact.active``) and every session they have
ends at once; their tickets and history stay."""

from __future__ import annotations

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.web_sessions import SessionEnd
from tierdesk.errors import NotFoundError
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.web_sessions import end_sessions


def set_contact_active(desk: Desk, actor: Actor, contact_id: int, active: bool) -> Contact:
    """Switch a contact's portal access off or on again (audited as ``contact.updated``)."""
    require_lead(actor, "change a contact's portal access")
    with desk.uow() as uow:
        contact = uow.contacts.get(contact_id)
        if contact is None:
            raise NotFoundError(f"contact {contact_id} not found")
        if contact.active != active:
            now = desk.clock.now()
            contact.active = active
            uow.audit.add(
                audit_event(
                    "contact",
                    "contact.updated",
                    actor,
                    now,
                    subject_id=contact.id,
                    changes={"active": [not active, active]},
                )
            )
            if not active:
                end_sessions(uow, contact, actor, now, SessionEnd.DEACTIVATED)
        uow.commit()
        return contact


def get_contact(desk: Desk, actor: Actor, contact_id: int) -> Contact:
    require_lead(actor, "manage contacts")
    with desk.uow() as uow:
        contact = uow.contacts.get(contact_id)
        if contact is None:
            raise NotFoundError(f"contact {contact_id} not found")
        return contact
