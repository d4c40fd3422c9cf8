"""Outgoing mail is background work like any other: with a sender address configured, the job
runner (`tierdesk serve`'s thread on SQLite, `tierdesk worker` on PostgreSQL) delivers the
outbox through the SMTP relay without a separate `tierdesk mail send-pending`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.email.conftest import SUPPORT
from tests.email.servers import SmtpSink
from tests.factories import make_agent, make_contact
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import MailSettings, SearchSettings, Settings
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.outbound import OutboxStatus
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import run_pending_jobs
from tierdesk.services.mail_admin import list_outbox


@pytest.fixture
def mail_settings(smtp_sink: SmtpSink) -> MailSettings:
    return MailSettings(
        addresses=[SUPPORT],
        from_address=SUPPORT,
        from_name="Kestrel Support",
        smtp_host="127.0.0.1",
        smtp_port=smtp_sink.port,
        smtp_timeout_seconds=5,
    )


def reply_to_a_customer(desk: Desk) -> str:
    customer = make_contact(desk)
    ticket = tickets.open_ticket(
        desk, customer, tickets.NewTicket(subject="Calls drop", body_text="After 30 s.")
    )
    add_message(desk, make_agent(desk), ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Which?")
    return customer.email


def statuses(desk: Desk) -> list[OutboxStatus]:
    return [m.status for m in list_outbox(desk, SYSTEM, [], limit=10)]


def test_the_background_jobs_send_an_agents_reply_through_the_relay(
    desk: Desk, smtp_sink: SmtpSink
) -> None:
    address = reply_to_a_customer(desk)

    run_pending_jobs(desk, "worker-A")

    assert [r.message["To"].addresses[0].addr_spec for r in smtp_sink.received] == [address]
    assert statuses(desk) == [OutboxStatus.SENT]
    run_pending_jobs(desk, "worker-B")
    assert len(smtp_sink.received) == 1  # never twice


@pytest.fixture
def desk_without_sender(
    tmp_path: Path, database_url: str, clock: FixedClock, smtp_sink: SmtpSink
) -> Iterator[Tierdesk]:
    settings = Settings(
        data_dir=tmp_path / "quiet",
        database_url=database_url,
        env="test",
        mail=MailSettings(smtp_host="127.0.0.1", smtp_port=smtp_sink.port),  # no from_address
        search=SearchSettings(embedder="hashing"),
    )
    app = bootstrap(settings, clock=clock)
    yield app
    app.close()


def test_without_a_sender_address_the_jobs_leave_the_outbox_alone(
    desk_without_sender: Tierdesk, smtp_sink: SmtpSink
) -> None:
    desk = desk_without_sender.desk
    reply_to_a_customer(desk)

    run_pending_jobs(desk, "worker-A")

    assert smtp_sink.received == []
    assert statuses(desk) == [OutboxStatus.PENDING]
