"""Importing a mail archive (mbox or Maildir): each message read by the desk's mail parser,
threaded as live mail is, stored as history that fires nothing, and safe to run again."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.factories import make_agent
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.imports import ImportReport, Outcome, RecordKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.outbound import OutboxStatus
from tierdesk.domain.people import Agent
from tierdesk.domain.tickets import Channel, Status, Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.mail_bootstrap import mail_desk
from tierdesk.services import imports, people, rules, sla_sweep
from tierdesk.services import mail as mail_service
from tierdesk.services.access import desk_ticket
from tierdesk.services.auth import SYSTEM
from tierdesk.services.mail_threading import MailSource


def mail(headers: dict[str, str], body: str) -> bytes:
    lines = [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Content-Type: text/plain; charset=utf-8", "", body]
    return ("\r\n".join(lines) + "\r\n").encode()


def messages(agent: str) -> list[bytes]:
    return [
        mail(
            {
                "From": "Ann Example <ann@acme.example>",
                "To": "support@desk.example",
                "Subject": "Router down",
                "Date": "Mon, 02 Jan 2023 09:00:00 +0000",
                "Message-ID": "<m1@acme.example>",
            },
            "The router is down since this morning.",
        ),
        mail(
            {
                "From": f"Agent <{agent}>",
                "To": "ann@acme.example",
                "Subject": "Re: Router down",
                "Date": "Mon, 02 Jan 2023 10:30:00 +0000",
                "Message-ID": "<m2@desk.example>",
                "In-Reply-To": "<m1@acme.example>",
            },
            "Please restart it.\r\n\r\nOn Mon, 2 Jan 2023, Ann wrote:\r\n> The router is down.",
        ),
        mail(
            {
                "From": "Ann Example <ann@acme.example>",
                "To": "support@desk.example",
                "Subject": "Re: Router down",
                "Date": "Mon, 02 Jan 2023 11:00:00 +0000",
                "Message-ID": "<m3@acme.example>",
                "References": "<m1@acme.example> <m2@desk.example>",
            },
            "Restarted, it works now.",
        ),
        mail(  # no Message-ID: its source id is a hash of its content
            {
                "From": "bob@globex.example",
                "To": "support@desk.example",
                "Subject": "Printer jammed",
                "Date": "Tue, 03 Jan 2023 08:00:00 +0000",
            },
            "The printer is jammed again.",
        ),
        mail(
            {
                "From": "ann@acme.example",
                "To": "support@desk.example",
                "Subject": "Out of office",
                "Date": "Tue, 03 Jan 2023 09:00:00 +0000",
                "Message-ID": "<ooo@acme.example>",
                "Auto-Submitted": "auto-replied",
            },
            "I am away this week.",
        ),
    ]


@pytest.fixture
def agent(app: Tierdesk) -> Agent:
    people.create_organisation(
        app.desk, SYSTEM, people.NewOrganisation(name="Acme", email_domains=["acme.example"])
    )
    return make_agent(app.desk)


def write_mbox(path: Path, items: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for item in items:
        box.add(item)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, items: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for item in items:
        box.add(item)
    return path


def run(app: Tierdesk, path: Path, *, dry_run: bool = False) -> ImportReport:
    source, fetch = app.mail_archive(path, agent_addresses=imports.agent_addresses(app.desk))
    options = imports.ImportOptions(dry_run=dry_run)
    report = imports.import_history(app.desk, SYSTEM, source, fetch, options)
    imports.finish_import(app.desk, report)
    return report


def tickets(app: Tierdesk, system: str) -> list[Ticket]:
    with app.desk.uow() as uow:
        found = [
            desk_ticket(uow, ref.record_id, why="history import")
            for ref in uow.imports.find(
                system, RecordKind.TICKET, ["<m1@acme.example>", "<m3@acme.example>"]
            ).values()
        ]
    return [t for t in found if t is not None]


def test_a_reply_in_an_mbox_threads_into_the_ticket_of_the_mail_it_answers(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    path = write_mbox(tmp_path / "support.mbox", messages(agent.email))

    report = run(app, path)

    assert report.counts[(RecordKind.TICKET, Outcome.CREATED)] == 2
    [skipped] = [r for r in report.rows if r.kind is RecordKind.COMMENT]
    assert skipped.reason == "Auto-Submitted: auto-replied"
    [router] = tickets(app, "mbox:support.mbox")
    assert (router.subject, router.channel, router.status) == (
        "Router down",
        Channel.EMAIL,
        Status.OPEN,
    )
    assert [(m.kind, m.body_text) for m in router.messages] == [
        (MessageKind.CUSTOMER, "The router is down since this morning."),
        (MessageKind.PUBLIC_REPLY, "Please restart it."),
        (MessageKind.CUSTOMER, "Restarted, it works now."),
    ]
    assert router.messages[1].author_id == agent.id
    assert router.created_at.isoformat() == "2023-01-02T09:00:00+00:00"
    assert router.updated_at.isoformat() == "2023-01-02T11:00:00+00:00"
    with app.desk.uow() as uow:
        ann = uow.contacts.get_by_email("ann@acme.example")
        acme = uow.organisations.get_by_name("Acme")
        assert ann is not None and acme is not None
        assert (ann.name, ann.organisation_id) == ("Ann Example", acme.id)  # by mail domain
        assert router.requester_id == ann.id
        assert uow.contacts.get_by_email(agent.email) is None
        bob = uow.contacts.get_by_email("bob@globex.example")
        assert bob is not None


def test_a_maildir_imported_again_adds_nothing_even_for_a_message_without_message_id(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    path = write_maildir(tmp_path / "Maildir", messages(agent.email))
    first = run(app, path)

    again = run(app, path)

    assert first.counts[(RecordKind.TICKET, Outcome.CREATED)] == 2
    assert again.counts[(RecordKind.TICKET, Outcome.SKIPPED)] == 2
    assert again.total(Outcome.CREATED) == again.total(Outcome.UPDATED) == 0
    [router] = tickets(app, "mbox:Maildir")
    assert len(router.messages) == 3


def test_a_new_reply_in_the_archive_is_added_to_its_imported_ticket(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    items = messages(agent.email)
    path = write_mbox(tmp_path / "support.mbox", items[:2])
    run(app, path)
    path.unlink()
    write_mbox(path, items)

    report = run(app, path)

    assert report.counts[(RecordKind.TICKET, Outcome.UPDATED)] == 1
    [router] = tickets(app, "mbox:support.mbox")
    assert [m.kind for m in router.messages] == [
        MessageKind.CUSTOMER,
        MessageKind.PUBLIC_REPLY,
        MessageKind.CUSTOMER,
    ]


def test_live_mail_answering_an_archived_message_threads_into_the_imported_ticket(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    run(app, write_mbox(tmp_path / "support.mbox", messages(agent.email)))
    reply = mail(
        {
            "From": "Ann Example <ann@acme.example>",
            "To": "support@desk.example",
            "Subject": "Re: Router down",
            "Date": "Wed, 04 Jan 2023 09:00:00 +0000",
            "Message-ID": "<m9@acme.example>",
            "In-Reply-To": "<m2@desk.example>",
        },
        "It is down again.",
    )

    receipt = mail_service.receive_email(mail_desk(app), reply, MailSource("support"))

    [router] = tickets(app, "mbox:support.mbox")
    assert receipt.ticket_number == router.number
    assert router.messages[-1].body_text == "It is down again."


def test_an_archived_attachment_is_stored_with_its_message(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    note = EmailMessage()
    note["From"] = "ann@acme.example"
    note["To"] = "support@desk.example"
    note["Subject"] = "Logs"
    note["Date"] = "Mon, 02 Jan 2023 09:00:00 +0000"
    note["Message-ID"] = "<m1@acme.example>"
    note.set_content("The log is attached.")
    note.add_attachment(b"line 1\nline 2\n", maintype="text", subtype="plain", filename="vpn.log")

    report = run(app, write_mbox(tmp_path / "support.mbox", [note.as_bytes()]))

    [ticket] = tickets(app, "mbox:support.mbox")
    [log] = ticket.messages[0].attachments
    assert (log.filename, app.desk.files.open(log.storage_key)) == ("vpn.log", b"line 1\nline 2\n")
    assert report.attachments_fetched == 1


def test_a_message_id_longer_than_a_source_id_still_threads_and_imports_once(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    long_id = "<" + "x" * 150 + "@acme.example>"
    items = [
        mail(
            {
                "From": "ann@acme.example",
                "Subject": "Long ids",
                "Date": "Mon, 02 Jan 2023 09:00:00 +0000",
                "Message-ID": long_id,
            },
            "My mail client writes long ids.",
        ),
        mail(
            {
                "From": agent.email,
                "Subject": "Re: Long ids",
                "Date": "Mon, 02 Jan 2023 10:00:00 +0000",
                "Message-ID": "<r1@desk.example>",
                "In-Reply-To": long_id,
            },
            "So it does.",
        ),
    ]
    path = write_mbox(tmp_path / "long.mbox", items)

    first = run(app, path)
    again = run(app, path)

    assert first.counts[(RecordKind.TICKET, Outcome.CREATED)] == 1
    assert first.total(Outcome.FAILED) == 0
    assert again.total(Outcome.CREATED) == again.total(Outcome.UPDATED) == 0
    with app.desk.uow() as uow:
        [ref] = uow.imports.find("mbox:long.mbox", RecordKind.COMMENT, ["<r1@desk.example>"])
        assert ref == "<r1@desk.example>"


def test_archived_replies_to_a_ticket_the_desk_already_has_thread_into_it(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    first = mail(
        {
            "From": "Ann Example <ann@acme.example>",
            "Subject": "Router down",
            "Date": "Mon, 02 Jan 2023 09:00:00 +0000",
            "Message-ID": "<live1@acme.example>",
        },
        "The router is down.",
    )
    live = mail_service.receive_email(mail_desk(app), first, MailSource("support"))
    replies = [
        mail(
            {
                "From": "ann@acme.example",
                "Subject": "Re: Router down",
                "Date": "Mon, 02 Jan 2023 12:00:00 +0000",
                "Message-ID": "<a1@acme.example>",
                "In-Reply-To": "<live1@acme.example>",
            },
            "Any news?",
        ),
        mail(
            {
                "From": "ann@acme.example",
                "Subject": f"Still down [{live.ticket_number}]",
                "Date": "Mon, 02 Jan 2023 13:00:00 +0000",
                "Message-ID": "<a2@acme.example>",
            },
            "It is still down.",
        ),
        mail(  # a stranger naming the ticket gets a ticket of their own, as in live intake
            {
                "From": "eve@elsewhere.example",
                "Subject": f"About [{live.ticket_number}]",
                "Date": "Mon, 02 Jan 2023 14:00:00 +0000",
                "Message-ID": "<e1@elsewhere.example>",
            },
            "Let me in.",
        ),
    ]
    path = write_mbox(tmp_path / "later.mbox", replies)

    report = run(app, path)
    again = run(app, path)
    dry = run(app, path, dry_run=True)

    assert live.ticket_number is not None
    assert dry.counts[(RecordKind.TICKET, Outcome.SKIPPED)] == 3
    threaded = [r.reason for r in report.rows if r.reason.startswith("threaded")]
    assert threaded == [f"threaded into the desk's ticket {live.ticket_number}"] * 2
    assert report.counts[(RecordKind.TICKET, Outcome.CREATED)] == 1  # Eve's
    assert again.total(Outcome.CREATED) == again.total(Outcome.UPDATED) == 0
    with app.desk.uow() as uow:
        ticket = desk_ticket(uow, live.ticket_number, why="mail threading")
    assert ticket is not None
    assert [m.body_text for m in ticket.messages] == [
        "The router is down.",
        "Any news?",
        "It is still down.",
    ]
    assert ticket.status is Status.NEW  # history does not reopen or move it


def test_a_message_without_a_date_header_takes_its_mbox_from_line_time(
    app: Tierdesk, tmp_path: Path
) -> None:
    path = tmp_path / "old.mbox"
    path.write_bytes(
        b"From ann@acme.example Mon Jan  2 09:00:00 2023\n"
        b"From: ann@acme.example\nSubject: No date\nMessage-ID: <nd@acme.example>\n\n"
        b"Sent by an old client.\n"
    )

    report = run(app, path)

    assert report.counts[(RecordKind.TICKET, Outcome.CREATED)] == 1
    with app.desk.uow() as uow:
        ref = uow.imports.find("mbox:old.mbox", RecordKind.TICKET, ["<nd@acme.example>"])
        ticket = desk_ticket(uow, ref["<nd@acme.example>"].record_id, why="history import")
    assert ticket is not None
    assert ticket.created_at.isoformat() == "2023-01-02T09:00:00+00:00"


def test_an_imported_archive_sends_no_mail_runs_no_rules_and_starts_no_sla_clock(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    rules.create_rule(
        app.desk,
        SYSTEM,
        rules.NewRule(
            "Tag everything",
            {"field": "priority", "op": "in", "value": ["P1", "P2", "P3", "P4"]},
            [{"type": "add_tag", "value": "ruled"}],
        ),
    )
    run(app, write_mbox(tmp_path / "support.mbox", messages(agent.email)))
    app.desk.clock.advance(timedelta(days=800))  # type: ignore[attr-defined]

    swept = sla_sweep.sweep_deadlines(app.desk)

    assert (swept.warned, swept.breached) == (0, 0)
    [router] = tickets(app, "mbox:support.mbox")
    with app.desk.uow() as uow:
        assert uow.mail_outbox.find(list(OutboxStatus)) == []
        assert router.id is not None
        assert uow.deadlines.for_ticket(router.id) == []
        assert "ruled" not in router.tags


def test_a_file_that_is_not_an_mbox_is_refused(app: Tierdesk, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes.\n", "utf-8")

    with pytest.raises(InvalidInputError, match="is not an mbox file"):
        run(app, path)


class _Interrupted(Exception):
    pass


def test_an_interrupted_archive_import_resumes_without_duplicates(
    app: Tierdesk, agent: Agent, tmp_path: Path
) -> None:
    path = write_mbox(tmp_path / "support.mbox", messages(agent.email))
    source, fetch = app.mail_archive(path, agent_addresses=imports.agent_addresses(app.desk))

    def kill_after_the_people(done: int, _total: int) -> None:
        if done >= 4:  # three senders and the first (skipped) row: no ticket yet
            raise _Interrupted

    with pytest.raises(_Interrupted):
        imports.import_history(
            app.desk, SYSTEM, source, fetch, imports.ImportOptions(batch=1), kill_after_the_people
        )
    with app.desk.uow() as uow:
        assert uow.contacts.get_by_email("ann@acme.example") is not None
        assert uow.imports.find("mbox:support.mbox", RecordKind.TICKET, ["<m1@acme.example>"]) == {}

    resumed = run(app, path)

    assert resumed.counts[(RecordKind.CONTACT, Outcome.CREATED)] == 0
    assert resumed.counts[(RecordKind.TICKET, Outcome.CREATED)] == 2
    [router] = tickets(app, "mbox:support.mbox")
    assert len(router.messages) == 3
