"""Importing a CSV file (one ticket per row, or one message per row by ticket key): what it
becomes, bad rows reported and skipped, a bad mapping refused before anything is stored, and
that it is safe to run again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_agent
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.csv_rows import RowShape
from tierdesk.domain.imports import ImportReport, Outcome, RecordKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent
from tierdesk.domain.tickets import Channel, Priority, Status, Ticket, TicketType
from tierdesk.errors import InvalidInputError
from tierdesk.services import catalog, imports
from tierdesk.services.access import desk_ticket
from tierdesk.services.auth import SYSTEM

TICKETS_MAP = {
    "Ticket ID": "key",
    "Title": "subject",
    "Description": "body",
    "Email": "requester_email",
    "Name": "requester_name",
    "Company": "organisation",
    "State": "status",
    "Prio": "priority",
    "Kind": "type",
    "Labels": "tags",
    "Opened": "created",
    "Changed": "updated",
    "Owner": "assignee_email",
    "Product": "product",
}


def tickets_csv(path: Path, owner: str, *, bad_rows: bool = False, state: str = "pending") -> Path:
    header = (
        "Ticket ID;Title;Description;Email;Name;Company;State;Prio;Kind;Labels;Opened;Changed;"
        "Owner;Product"
    )
    rows = [
        f'T-1;VPN drops;"The VPN drops every hour;\nsince Monday.";nina@acme.example;Nina;Acme;'
        f"{state};high;problem;vpn|network;2023-02-01T08:00:00Z;2023-02-03T16:00:00+00:00;{owner};",
        "T-2;Invoice copy;Please resend the invoice.;olga@globex.example;;;solved;low;;billing;"
        "2023-03-01 09:30:00;;;",
    ]
    if bad_rows:
        rows += [
            "T-3;Odd state;Waiting on what?;sam@initech.example;Sam;Initech;waiting;normal;;;"
            "2023-04-01T10:00:00Z;;;",
            "T-4;Unknown product;Which one?;pia@hooli.example;Pia;Hooli;open;normal;;;"
            "2023-04-02T10:00:00Z;;;NoSuchProduct",
        ]
    path.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))
    return path


def run(app: Tierdesk, path: Path, mapping: dict[str, str], **kw: object) -> ImportReport:
    with app.desk.uow() as uow:
        agents = frozenset(a.email for a in uow.agents.all())
    source = app.csv_source(path, mapping, agent_addresses=agents, **kw)  # type: ignore[arg-type]
    report = imports.import_history(
        app.desk, SYSTEM, source, app.attachment_fetcher(allow_private=True)
    )
    imports.finish_import(app.desk, report)
    return report


def counts(report: ImportReport, kind: RecordKind) -> dict[str, int]:
    return {str(o): report.counts[(kind, o)] for o in Outcome}


def ticket(app: Tierdesk, system: str, key: str) -> Ticket | None:
    with app.desk.uow() as uow:
        ref = uow.imports.find(system, RecordKind.TICKET, [key]).get(key)
        return desk_ticket(uow, ref.record_id, why="history import") if ref else None


@pytest.fixture
def owner(app: Tierdesk) -> Agent:
    return make_agent(app.desk)


def test_a_csv_with_one_ticket_per_row_becomes_tickets_people_and_organisations(
    app: Tierdesk, owner: Agent, tmp_path: Path
) -> None:
    path = tickets_csv(tmp_path / "old desk.csv", owner.email)

    report = run(app, path, TICKETS_MAP, tag_separator="|")

    assert counts(report, RecordKind.TICKET) == {
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "failed": 0,
    }
    vpn = ticket(app, "csv:old desk", "T-1")
    assert vpn is not None
    assert (vpn.status, vpn.priority, vpn.type, vpn.channel) == (
        Status.PENDING_CUSTOMER,
        Priority.P2,
        TicketType.PROBLEM,
        Channel.API,
    )
    assert vpn.tags == ["vpn", "network"]
    assert vpn.assignee_id == owner.id
    assert vpn.created_at.isoformat() == "2023-02-01T08:00:00+00:00"
    assert vpn.updated_at.isoformat() == "2023-02-03T16:00:00+00:00"
    [message] = vpn.messages
    assert message.kind is MessageKind.CUSTOMER
    assert message.body_text == "The VPN drops every hour;\nsince Monday."
    invoice = ticket(app, "csv:old desk", "T-2")
    assert invoice is not None
    assert invoice.status is Status.SOLVED
    assert invoice.created_at.isoformat() == "2023-03-01T09:30:00+00:00"  # no zone: UTC
    with app.desk.uow() as uow:
        nina = uow.contacts.get_by_email("nina@acme.example")
        acme = uow.organisations.get_by_name("Acme")
        assert nina is not None and acme is not None
        assert (nina.name, nina.organisation_id) == ("Nina", acme.id)
        assert vpn.requester_id == nina.id
        assert uow.agents.get_by_email(owner.email) is not None  # linked, not a contact
        assert uow.contacts.get_by_email(owner.email) is None


def test_a_bad_row_is_reported_with_its_reason_and_nothing_of_it_is_stored(
    app: Tierdesk, owner: Agent, tmp_path: Path
) -> None:
    catalog.create_product(app.desk, SYSTEM, catalog.NewProduct(name="Trunk"))
    path = tickets_csv(tmp_path / "desk.csv", owner.email, bad_rows=True)

    report = run(app, path, TICKETS_MAP)

    assert counts(report, RecordKind.TICKET) == {
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "failed": 2,
    }
    reasons = {r.where: r.reason for r in report.rows if r.outcome is Outcome.FAILED}
    assert "status 'waiting' is not one of the desk's" in reasons["desk.csv line 5"]
    assert "NoSuchProduct" in reasons["desk.csv line 6"]
    assert ticket(app, "csv:desk", "T-3") is None
    assert ticket(app, "csv:desk", "T-4") is None
    with app.desk.uow() as uow:  # the failed status row left no contact behind
        assert uow.contacts.get_by_email("sam@initech.example") is None


def test_a_mapping_naming_a_missing_column_is_refused_before_anything_is_stored(
    app: Tierdesk, owner: Agent, tmp_path: Path
) -> None:
    path = tickets_csv(tmp_path / "desk.csv", owner.email)

    mapping = {k: v for k, v in TICKETS_MAP.items() if k != "Name"}

    with pytest.raises(InvalidInputError, match="has no column 'Requester'"):
        run(app, path, {**mapping, "Requester": "requester_name"})

    with app.desk.uow() as uow:
        assert uow.contacts.get_by_email("nina@acme.example") is None


def test_a_file_in_another_encoding_is_a_clear_error(app: Tierdesk, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,subject,created\n1,Café crème,2023-01-01\n".encode("cp1252"))

    with pytest.raises(InvalidInputError, match=r"latin\.csv is not UTF-8"):
        run(app, path, {"id": "key", "subject": "subject", "created": "created"})


def test_running_a_csv_import_again_adds_nothing_and_a_changed_row_is_updated(
    app: Tierdesk, owner: Agent, tmp_path: Path
) -> None:
    path = tickets_csv(tmp_path / "desk.csv", owner.email)
    run(app, path, TICKETS_MAP)

    again = run(app, path, TICKETS_MAP)
    tickets_csv(path, owner.email, state="solved")
    changed = run(app, path, TICKETS_MAP)

    assert counts(again, RecordKind.TICKET)["skipped"] == 2
    assert again.total(Outcome.CREATED) == again.total(Outcome.UPDATED) == 0
    assert counts(changed, RecordKind.TICKET) == {
        "created": 0,
        "updated": 1,
        "skipped": 1,
        "failed": 0,
    }
    vpn = ticket(app, "csv:desk", "T-1")
    assert vpn is not None
    assert vpn.status is Status.SOLVED
    assert len(vpn.messages) == 1


def test_a_csv_with_one_message_per_row_threads_its_messages_into_their_tickets(
    app: Tierdesk, owner: Agent, tmp_path: Path
) -> None:
    path = tmp_path / "messages.csv"
    path.write_text(
        "ticket,subject,from,when,text,visibility,state\n"
        f"77,,{owner.email},02/01/2023 10:30,Please restart the router.,public,\n"
        "77,Router down,ann@acme.example,02/01/2023 09:00,The router is down.,public,open\n"
        f"77,,{owner.email},02/01/2023 10:00,Checked the logs.,internal,\n"
        "78,Printer,bob@acme.example,03/01/2023 09:00,Printer jammed.,yes,\n"
        "78,,bob@acme.example,not a date,And again.,yes,\n",
        "utf-8",
    )
    mapping = {
        "ticket": "key",
        "subject": "subject",
        "from": "author_email",
        "when": "time",
        "text": "message",
        "visibility": "public",
        "state": "status",
    }

    report = run(app, path, mapping, shape=RowShape.MESSAGES, date_format="%d/%m/%Y %H:%M")

    assert counts(report, RecordKind.TICKET)["created"] == 2
    [bad] = [r for r in report.rows if r.outcome is Outcome.FAILED]
    assert (bad.where, bad.kind) == ("messages.csv line 6", RecordKind.COMMENT)
    router = ticket(app, "csv:messages", "77")
    assert router is not None
    assert router.subject == "Router down"
    assert [(m.kind, m.body_text) for m in router.messages] == [
        (MessageKind.CUSTOMER, "The router is down."),
        (MessageKind.INTERNAL_NOTE, "Checked the logs."),
        (MessageKind.PUBLIC_REPLY, "Please restart the router."),
    ]
    assert router.created_at.isoformat() == "2023-01-02T09:00:00+00:00"
    assert router.first_response_at is not None
    assert router.first_response_at.isoformat() == "2023-01-02T10:30:00+00:00"
    with app.desk.uow() as uow:
        ann = uow.contacts.get_by_email("ann@acme.example")
        assert ann is not None and router.requester_id == ann.id
    printer = ticket(app, "csv:messages", "78")
    assert printer is not None and len(printer.messages) == 1

    again = run(app, path, mapping, shape=RowShape.MESSAGES, date_format="%d/%m/%Y %H:%M")
    assert again.total(Outcome.CREATED) == again.total(Outcome.UPDATED) == 0


def test_nul_characters_in_a_csv_are_dropped(app: Tierdesk, owner: Agent, tmp_path: Path) -> None:
    # an export that wrote a NUL into a field: Python's csv module refuses the line, and
    # PostgreSQL's text cannot hold it; it carries nothing
    path = tickets_csv(tmp_path / "old desk.csv", owner.email)
    path.write_bytes(path.read_bytes().replace(b"VPN drops;", b"VPN\x00 drops;", 1))

    report = run(app, path, TICKETS_MAP, tag_separator="|")

    assert counts(report, RecordKind.TICKET)["created"] == 2
    vpn = ticket(app, "csv:old desk", "T-1")
    assert vpn is not None and vpn.subject == "VPN drops"
