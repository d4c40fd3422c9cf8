"""The admin's page of mail held back: why each was held, the original as a download, and
"read it again" (for a held sender, an approval); leads and agents may not open it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from tests.email.builders import compose_mail
from tests.web.conftest import Browser, WebDesk, agent_with_password
from tierdesk.domain.inbound import InboundOutcome, UnknownSenderPolicy
from tierdesk.domain.people import Agent, Contact, Role
from tierdesk.mail_bootstrap import mail_desk
from tierdesk.services.auth import SYSTEM
from tierdesk.services.mail import MailSource, receive_email
from tierdesk.services.mail_admin import list_quarantine

SignIn = Callable[[Agent | Contact], Browser]


def test_an_admin_downloads_a_held_message_and_reads_it_again(
    web: WebDesk, signed_in: SignIn
) -> None:
    mail = mail_desk(web.app)
    holding = dataclasses.replace(
        mail, policy=dataclasses.replace(mail.policy, unknown_senders=UnknownSenderPolicy.HOLD)
    )
    raw = compose_mail(sender="new.person@example.net", subject="Phones <b>reboot</b>")
    held = receive_email(holding, raw, MailSource("support"))
    assert held.outcome is InboundOutcome.HELD
    admin = signed_in(agent_with_password(web.app, tiers=[1], role=Role.ADMIN))

    page = admin.get("/admin/mail").text
    original = admin.get(f"/admin/mail/{held.inbound_id}/raw")

    assert "new.person@example.net" in page and "Phones &lt;b&gt;reboot&lt;/b&gt;" in page
    assert original.content == raw
    assert original.headers["content-disposition"].startswith("attachment")
    assert 'href="/admin/mail"' in admin.get("/admin").text
    read_again = admin.post(f"/admin/mail/{held.inbound_id}/reprocess")
    assert "Read again:" in read_again.text
    assert all(r.id != held.inbound_id for r in list_quarantine(web.app.desk, SYSTEM))


def test_a_lead_may_not_read_held_mail(web: WebDesk, signed_in: SignIn) -> None:
    assert signed_in(web.lead).get("/admin/mail").status_code == 403
