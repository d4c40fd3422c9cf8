"""E-mailing a contact a sign-in link on a lead's behalf: the same single-use link, mail and
limit on links per hour as the portal's own "e-mail me a link" form. Shared by the contacts
admin page and ``POST /api/v1/contacts/{id}/sign-in-link``."""

from __future__ import annotations

from fastapi import BackgroundTasks, Request

from tierdesk.domain.people import Actor, Contact
from tierdesk.entrypoints.web.hosts import public_link
from tierdesk.errors import ConflictError, RateLimitedError
from tierdesk.mail_bootstrap import outbound_policy, smtp_transport
from tierdesk.services import contacts
from tierdesk.services.desk import Desk
from tierdesk.services.portal import magic_link_email
from tierdesk.services.web_sessions import issue_magic_link


def send_sign_in_link(
    request: Request, desk: Desk, actor: Actor, background: BackgroundTasks, contact_id: int
) -> Contact:
    """Mail the contact a link (after the response, like the portal). Refused, with the
    reason, for a deactivated contact, a desk without outgoing mail, and an address that had
    as many links lately as the sign-in policy allows."""
    contact = contacts.get_contact(desk, actor, contact_id)  # leads and admins only
    settings = request.app.state.tierdesk.settings
    if not settings.mail.from_address:
        raise ConflictError("sign-in links need outgoing mail (TIERDESK_MAIL__FROM_ADDRESS)")
    if not contact.active:
        raise ConflictError(f"{contact.name} is deactivated; reactivate them first", field="active")
    issued = issue_magic_link(desk, contact.email)
    if issued is None:
        window = int(desk.sign_in_policy.link_window.total_seconds())
        raise RateLimitedError(f"{contact.email} had as many links lately as allowed", window)
    url = public_link(request, "redeem_link", token=issued.token)
    outgoing = magic_link_email(issued, url, outbound_policy(settings.mail))
    background.add_task(smtp_transport(settings.mail).send, outgoing)
    return contact
