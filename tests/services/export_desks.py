"""A second, empty desk on the same engine as the test's, for export round trips, and issue 21's
records for the world that goes round."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.advisories import NoticeState
from tierdesk.domain.inbound import InboundAttachment, InboundEmail
from tierdesk.domain.outbound import OutboundPolicy, OutboxStatus, OutgoingKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.rmas import RmaKind
from tierdesk.domain.tickets import Ticket
from tierdesk.services import (
    advisories,
    handovers,
    installed_base_tickets,
    regions,
    rmas,
    side_conversations,
    tickets,
    time_entries,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.side_conversation_mail import compose_side_mail, receive_side_reply


@contextmanager
def second_desk(
    request: pytest.FixtureRequest, settings: Settings, clock: FixedClock, where: Path
) -> Iterator[Tierdesk]:
    """A fresh migrated desk (database and data directory) beside the test's own."""
    url = make_url(settings.database)
    if url.get_backend_name() == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        where.mkdir(parents=True, exist_ok=True)
        target = where / "second.db"
        shutil.copyfile(template, target)
        with _desk(settings, f"sqlite:///{target}", clock, where) as app:
            yield app
        return
    server: URL = request.getfixturevalue("postgres_server_url")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"tierdesk_second_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    try:
        second = server.set(database=name).render_as_string(hide_password=False)
        with _desk(settings, second, clock, where) as app:
            yield app
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _desk(settings: Settings, url: str, clock: FixedClock, where: Path) -> Iterator[Tierdesk]:
    changed = settings.model_copy(update={"database_url": url, "data_dir": where / "data"})
    app = bootstrap(changed, clock=clock)
    try:
        yield app
    finally:
        app.close()


VENDOR = "escalations@handset-vendor.example"
VENDOR_FILE = b"VEN-2291: firmware 4.2.2 fixes the session timer\n" * 10
VENDOR_MAIL = "<reply.4711@handset-vendor.example>"
POLICY = OutboundPolicy(from_address="support@kestrel.example", from_name="Kestrel Support")


def build_issue_21_records(
    desk: Desk, contact: Contact, engineer: Agent, ticket: Ticket, item_id: int
) -> None:
    """One of each of issue 21's records, kept small (test_export.py's world): the ticket
    linked to the item, a side conversation by mail (sent, and answered with a file), two
    regions handing over to each other (the first to one created after it), a hand-over, time,
    an RMA of the item and an advisory about its version (``sbc`` 4.2), acknowledged."""
    number = ticket.number or ""
    installed_base_tickets.link_item(desk, engineer, number, item_id)
    side = side_conversations.start_side_conversation(
        desk,
        engineer,
        number,
        side_conversations.NewSideConversation(
            "Seen this before?", "Calls drop after 32 seconds; known?", to=[VENDOR]
        ),
    )
    with desk.uow() as uow:  # sent: its Message-ID fixed, as the outbox worker would
        pending = uow.mail_outbox.find([OutboxStatus.PENDING], ticket.id)
        [item] = [i for i in pending if i.kind is OutgoingKind.SIDE_CONVERSATION]
        mail = compose_side_mail(uow, desk, POLICY, item)
        assert mail is not None
        uow.mail_outbox.finish(item.id, OutboxStatus.SENT, sent_at=desk.clock.now())
        receive_side_reply(
            uow,
            desk,
            InboundEmail(
                message_id=VENDOR_MAIL,
                subject=f"Re: {side.subject} [#side-{side.token}]",
                from_address=VENDOR,
                from_name="Vendor escalations",
                text="Yes: VEN-2291, fixed in 4.2.2 (notes attached).",
                in_reply_to=(mail.message_id,),
                attachments=(InboundAttachment("notes.txt", "text/plain", VENDOR_FILE),),
            ),
            desk.clock.now(),
        )
        uow.commit()
    # EMEA hands to the Americas, created after it: a reference forward in regions.ndjson.
    hours = "mon-fri 08:00-17:00"
    emea = regions.create_region(
        desk, SYSTEM, regions.RegionFields("EMEA", "Asia/Tokyo", hours, None, [engineer.id or 0])
    )
    regions.create_region(
        desk, SYSTEM, regions.RegionFields("Americas", "America/New_York", hours, "EMEA", [])
    )
    regions.update_region(
        desk,
        SYSTEM,
        emea.region.id or 0,
        regions.RegionFields("EMEA", "Asia/Tokyo", hours, "Americas"),
    )
    tickets.assign_ticket(desk, SYSTEM, number, engineer.id)
    handovers.hand_over_now(desk, SYSTEM, engineer.id)
    time_entries.log_time(desk, engineer, number, time_entries.LoggedTime("1h 30m", note="Traces"))
    rmas.request_rmas(
        desk, engineer, number, rmas.RmaRequest([item_id], "No power", RmaKind.ADVANCE_REPLACEMENT)
    )
    view = advisories.create_advisory(
        desk,
        SYSTEM,
        advisories.AdvisoryInput(
            "sbc", "4.2", "end-of-support", "Please upgrade", end_of_support=date(2026, 9, 30)
        ),
    )
    advisories.set_state(
        desk, contact, view.advisory.id or 0, contact.organisation_id, NoticeState.ACKNOWLEDGED
    )
