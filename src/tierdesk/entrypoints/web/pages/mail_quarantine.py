"""The admin's quarantine: received mail the desk held (unknown or blocked senders, mail it
could not read), newest first, with why; the original as a download (never shown: it is a
stranger's), and "read it again" (for a held sender, this approves them). services/
mail_admin.py, the same calls as /api/v1/mail/quarantine."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.downloads import download_response
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.mail_bootstrap import mail_desk
from tierdesk.services import mail_admin
from tierdesk.services.mail_admin import require_admin

router = APIRouter(prefix="/admin/mail", include_in_schema=False)

SHOWN = 100  # the newest; the API pages through all of them


@router.get("")
def quarantine_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    require_admin(agent, "read quarantined mail")
    held = mail_admin.list_quarantine(desk, agent, limit=SHOWN)
    return render(request, "admin/mail.html", {"user": agent, "held": held, "shown": SHOWN})


@router.get("/{inbound_id}/raw")
def original(desk: DeskDep, agent: WebAgent, inbound_id: RecordId) -> Response:
    _record, raw = mail_admin.quarantined_mail(desk, agent, inbound_id)
    return download_response(raw, f"message-{inbound_id}.eml", "message/rfc822")


@router.post("/{inbound_id}/reprocess", dependencies=[Csrf])
def reprocess(request: Request, agent: WebAgent, inbound_id: RecordId) -> Response:
    application: Tierdesk = request.app.state.tierdesk
    receipt = mail_admin.reprocess(mail_desk(application), agent, inbound_id)
    what = f"Read again: {receipt.outcome}"
    if receipt.ticket_number:
        what += f" ({receipt.ticket_number})"
    elif receipt.reason:
        what += f" ({receipt.reason})"
    return go(request, f"/admin/mail?notice={what.replace(' ', '+')}")
