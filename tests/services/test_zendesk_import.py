"""Importing a Zendesk export (tests/fixtures/zendesk, written for these tests after Zendesk's
documented ticket, comment, user and organization objects): what it becomes, who sees what,
and that it is safe to run again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.factories import token_for
from tests.zendesk_export import VPN_LOG, served_export
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.imports import ImportReport, Outcome, RecordKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.outbound import OutboxStatus
from tierdesk.domain.people import Role
from tierdesk.domain.tickets import Channel, Priority, Status, Ticket, TicketType
from tierdesk.services import conversation, imports, rules, sla_sweep
from tierdesk.services.access import desk_ticket, desk_ticket_page
from tierdesk.services.auth import SYSTEM


@pytest.fixture
def export(tmp_path: Path) -> Iterator[Path]:
    with served_export(tmp_path) as directory:
        yield directory


def run(app: Tierdesk, directory: Path, **options: object) -> ImportReport:
    source = app.import_source("zendesk", directory)
    report = imports.import_history(
        app.desk,
        SYSTEM,
        source,
        app.attachment_fetcher(allow_private=True),
        imports.ImportOptions(**options),  # type: ignore[arg-type]
    )
    imports.finish_import(app.desk, report)
    return report


def counts(report: ImportReport, kind: RecordKind) -> dict[str, int]:
    return {str(o): report.counts[(kind, o)] for o in Outcome}


@dataclass
class Imported:
    tickets: dict[str, Ticket]
    contacts: dict[str, int]
    agents: dict[str, int]


def imported(app: Tierdesk) -> Imported:
    with app.desk.uow() as uow:
        refs = uow.imports.find("zendesk", RecordKind.TICKET, ["501", "502", "503", "504"])
        found = {
            sid: desk_ticket(uow, ref.record_id, why="history import") for sid, ref in refs.items()
        }
        people = [str(n) for n in (1, 2, 10, 11, 12, 13, 99)]
        contacts = uow.imports.find("zendesk", RecordKind.CONTACT, people)
        agents = uow.imports.find("zendesk", RecordKind.AGENT, people)
    return Imported(
        {k: v for k, v in found.items() if v is not None},
        {k: v.record_id for k, v in contacts.items()},
        {k: v.record_id for k, v in agents.items()},
    )


def test_a_zendesk_export_becomes_organisations_people_and_tickets(
    app: Tierdesk, export: Path
) -> None:
    report = run(app, export)

    assert counts(report, RecordKind.ORGANISATION)["created"] == 2
    assert counts(report, RecordKind.CONTACT)["created"] == 4
    assert counts(report, RecordKind.AGENT)["created"] == 2
    assert counts(report, RecordKind.TICKET) == {
        "created": 4,
        "updated": 0,
        "skipped": 1,  # 505, deleted in Zendesk
        "failed": 2,  # 506 malformed, 507 an unknown status
    }
    found = imported(app)
    vpn = found.tickets["501"]
    assert (vpn.status, vpn.priority, vpn.type, vpn.channel) == (
        Status.SOLVED,
        Priority.P2,
        TicketType.PROBLEM,
        Channel.EMAIL,
    )
    assert vpn.tags == ["vpn", "billing-question", "incident"]
    assert vpn.custom_fields["zendesk_field_360001"] == "6.2"
    assert "zendesk_field_360002" not in vpn.custom_fields  # null values are left out
    assert vpn.custom_fields["import_missing_attachments"] == ["screen.png"]
    assert vpn.assignee_id == found.agents["1"]
    assert vpn.created_at.isoformat() == "2024-04-01T08:00:00+00:00"
    assert vpn.updated_at.isoformat() == "2024-04-03T16:00:00+00:00"
    assert vpn.first_response_at is not None
    assert vpn.first_response_at.isoformat() == "2024-04-01T10:30:00+00:00"
    assert [m.kind for m in vpn.messages] == [
        MessageKind.CUSTOMER,
        MessageKind.INTERNAL_NOTE,
        MessageKind.PUBLIC_REPLY,
        MessageKind.CUSTOMER,
    ]
    [log] = vpn.messages[0].attachments
    assert (log.filename, app.desk.files.open(log.storage_key)) == ("vpn.log", VPN_LOG)
    assert [m.filename for m in report.missing_attachments] == ["screen.png"]
    with app.desk.uow() as uow:
        assert vpn.id is not None
        rating = uow.csat.for_ticket(vpn.id)
        nina = uow.contacts.get(found.contacts["11"])
        olga = uow.contacts.get(found.contacts["12"])
        anna = uow.agents.get(found.agents["1"])
        ada = uow.agents.get(found.agents["2"])
        gone = uow.contacts.get(found.contacts["99"])
        olga_org = uow.organisations.get(olga.organisation_id if olga else 0)
    assert rating is not None and rating.score == 5
    # An end user without an address gets one that can never receive mail.
    assert nina is not None and nina.email.endswith(".invalid")
    # A user without an organisation, and their ticket, go to the catch-all organisation.
    assert olga_org is not None and olga_org.name == "No organisation (Zendesk)"
    assert found.tickets["503"].organisation_id == olga_org.id
    assert found.tickets["503"].status is Status.PENDING_CUSTOMER
    assert found.tickets["503"].custom_fields["zendesk_via"] == "chat"
    # Agents and admins become agents (admins: leads) who cannot sign in yet.
    assert anna is not None and anna.password_hash is None and anna.role is Role.AGENT
    assert ada is not None and ada.password_hash is None and ada.role is Role.LEAD
    # A requester the export no longer knows is a placeholder that receives nothing.
    assert gone is not None and gone.name == "Deleted user #99" and not gone.active
    dial = found.tickets["504"]
    assert dial.status is Status.CLOSED and dial.closed_at is not None
    assert [m.author_name for m in dial.messages] == [
        "Deleted user #99",
        "Deleted User",
        "Ada Admin",
    ]
    assert dial.messages[2].kind is MessageKind.PUBLIC_REPLY
    assert report.searchable_tickets == 4


def test_a_malformed_line_and_a_bad_row_are_reported_and_nothing_of_them_stored(
    app: Tierdesk, export: Path
) -> None:
    report = run(app, export)

    failed = {r.where: r.reason for r in report.rows if r.outcome is Outcome.FAILED}
    assert set(failed) == {"tickets.json line 6", "tickets.json line 7"}
    assert "not valid JSON" in failed["tickets.json line 6"]
    assert "escalated-somewhere" in failed["tickets.json line 7"]
    with app.desk.uow() as uow:
        assert not uow.imports.find("zendesk", RecordKind.TICKET, ["505", "506", "507"])


def test_private_comments_never_reach_the_customer(
    app: Tierdesk, export: Path, client: TestClient
) -> None:
    run(app, export)
    found = imported(app)
    with app.desk.uow() as uow:
        carl = uow.contacts.get(found.contacts["10"])
    assert carl is not None
    headers = bearer(token_for(app.desk, carl))
    number = found.tickets["501"].number

    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=headers)
    detail = client.get(f"/api/v1/tickets/{number}", headers=headers)
    events = client.get(f"/api/v1/tickets/{number}/events", headers=headers)

    assert messages.status_code == 200
    assert [m["kind"] for m in messages.json()["items"]] == ["customer", "public-reply", "customer"]
    for answer in (messages, detail, events):
        assert "SECRET" not in answer.text


def test_running_the_import_again_adds_nothing(app: Tierdesk, export: Path) -> None:
    run(app, export)
    before = _sizes(app)

    again = run(app, export)

    assert again.total(Outcome.CREATED) == 0
    assert again.total(Outcome.UPDATED) == 0
    assert counts(again, RecordKind.TICKET)["skipped"] == 5  # 4 unchanged, 505 deleted
    assert _sizes(app) == before


def test_a_ticket_changed_in_the_export_is_updated_and_its_new_comment_added(
    app: Tierdesk, export: Path
) -> None:
    run(app, export)
    tickets = export / "tickets.json"
    lines = tickets.read_text("utf-8").splitlines()
    licence = json.loads(lines[1])
    licence["status"] = "solved"
    licence["updated_at"] = "2024-05-03T09:00:00Z"
    licence["comments"].append(
        {
            "id": 7103,
            "author_id": 2,
            "body": "A new key is on its way.",
            "public": True,
            "created_at": "2024-05-03T09:00:00Z",
        }
    )
    lines[1] = json.dumps(licence)
    tickets.write_text("\n".join(lines) + "\n", "utf-8")
    before = _sizes(app)

    again = run(app, export)

    assert counts(again, RecordKind.TICKET)["updated"] == 1
    assert counts(again, RecordKind.TICKET)["created"] == 0
    ticket = imported(app).tickets["502"]
    assert ticket.status is Status.SOLVED
    assert [m.body_text for m in ticket.messages][-1] == "A new key is on its way."
    assert len(ticket.messages) == 3
    assert _sizes(app)[:3] == before[:3]  # no organisation, contact or agent twice


class _Interrupted(Exception):
    pass


def test_an_interrupted_run_resumes_without_duplicates(app: Tierdesk, export: Path) -> None:
    source = app.import_source("zendesk", export)

    def kill_after_ten_rows(done: int, _total: int) -> None:
        if done >= 10:  # two organisations, six people and two tickets are committed
            raise _Interrupted

    with pytest.raises(_Interrupted):
        imports.import_history(
            app.desk,
            SYSTEM,
            source,
            app.attachment_fetcher(allow_private=True),
            imports.ImportOptions(batch=2),
            kill_after_ten_rows,
        )
    halfway = imported(app)
    assert set(halfway.tickets) == {"501", "502"}

    resumed = run(app, export)

    assert counts(resumed, RecordKind.TICKET)["created"] == 2
    assert counts(resumed, RecordKind.TICKET)["skipped"] == 3  # 501, 502 and the deleted 505
    assert resumed.total(Outcome.CREATED) == 2
    assert set(imported(app).tickets) == {"501", "502", "503", "504"}
    # Three organisations (two and the catch-all), five contacts (four end users and the
    # deleted requester #99), two agents, eleven messages, four tickets: as one clean run.
    assert _sizes(app) == (3, 5, 2, 11, 4)


def _sizes(app: Tierdesk) -> tuple[int, ...]:
    with app.desk.uow() as uow:
        return (
            len(uow.organisations.all()),
            len(uow.contacts.all()),
            len(uow.agents.all()),
            sum(len(t.messages) for t in _all_tickets(app)),
            len(_all_tickets(app)),
        )


def _all_tickets(app: Tierdesk) -> list[Ticket]:
    with app.desk.uow() as uow:
        return desk_ticket_page(uow, 1000, None, why="index rebuild")


def test_imported_tickets_send_no_mail_run_no_rules_and_breach_no_sla(
    app: Tierdesk, export: Path
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
    run(app, export)
    found = imported(app)
    app.desk.clock.advance(timedelta(days=800))  # type: ignore[attr-defined]

    swept = sla_sweep.sweep_deadlines(app.desk)

    assert (swept.warned, swept.breached) == (0, 0)
    with app.desk.uow() as uow:
        assert uow.mail_outbox.find(list(OutboxStatus)) == []
        for ticket in found.tickets.values():
            assert ticket.id is not None
            assert uow.deadlines.for_ticket(ticket.id) == []
            assert "ruled" not in ticket.tags


def test_a_reply_to_an_imported_customer_without_an_address_queues_no_mail(
    app: Tierdesk, export: Path
) -> None:
    run(app, export)
    found = imported(app)
    with app.desk.uow() as uow:
        anna = uow.agents.get(found.agents["1"])
    assert anna is not None

    conversation.add_message(
        app.desk,
        anna,
        found.tickets["502"].number or "",
        MessageKind.PUBLIC_REPLY,
        text="Here is a new key.",
    )

    with app.desk.uow() as uow:
        assert uow.mail_outbox.find(list(OutboxStatus)) == []


def test_a_run_stopped_before_indexing_is_indexed_by_the_next_run(
    app: Tierdesk, export: Path
) -> None:
    source = app.import_source("zendesk", export)
    imports.import_history(
        app.desk, SYSTEM, source, app.attachment_fetcher(allow_private=True)
    )  # no finish_import

    again = run(app, export)
    once_more = run(app, export)

    assert again.total(Outcome.CREATED) == again.total(Outcome.UPDATED) == 0
    assert again.searchable_tickets == 4  # embedded although this run stored nothing
    assert once_more.searchable_tickets is None  # and only once


def test_imported_tickets_are_active_in_their_own_time_not_on_the_day_of_the_import(
    app: Tierdesk, export: Path
) -> None:
    now = app.desk.clock.now()

    run(app, export)

    with app.desk.uow() as uow:
        today = uow.metrics.active_tickets(now - timedelta(days=1), now + timedelta(days=1), None)
        april = uow.metrics.active_tickets(
            datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC), None
        )
    assert today == 0
    assert april == 1  # 501, last changed on 3 April 2024


def test_a_row_the_database_refuses_fails_alone_and_leaves_nothing_half_stored(
    app: Tierdesk, export: Path
) -> None:
    # A source-id table pointing at an agent the desk no longer has (a database restored from
    # an older backup): ticket 504's assignee #99 maps to a row that is not there, which the
    # database refuses (foreign key) when the batch is flushed.
    with app.desk.uow() as uow:
        uow.imports.put("zendesk", RecordKind.AGENT, "99", 99_999, "stale", app.desk.clock.now())
        uow.commit()

    report = run(app, export, batch=10)

    failed = [r for r in report.rows if r.kind is RecordKind.TICKET and r.outcome is Outcome.FAILED]
    assert {r.source_id for r in failed} == {"504", "507", None}  # None: the malformed line
    assert set(imported(app).tickets) == {"501", "502", "503"}
    assert counts(report, RecordKind.TICKET)["created"] == 3
    with app.desk.uow() as uow:
        assert len(desk_ticket_page(uow, 100, None, why="index rebuild")) == 3


def test_a_person_changed_in_the_export_is_updated_not_added_again(
    app: Tierdesk, export: Path
) -> None:
    run(app, export)
    users = export / "users.json"
    users.write_text(users.read_text("utf-8").replace('"Carl Kunde"', '"Carl K. Kunde"'), "utf-8")

    again = run(app, export)

    assert counts(again, RecordKind.CONTACT) == {
        "created": 0,
        "updated": 1,
        "skipped": 3,
        "failed": 0,
    }
    with app.desk.uow() as uow:
        carl = uow.contacts.get(imported(app).contacts["10"])
        assert carl is not None and carl.name == "Carl K. Kunde"
        assert len(uow.contacts.all()) == 5


def test_an_agent_who_asked_for_themselves_becomes_an_inactive_contact_twin(
    app: Tierdesk, export: Path
) -> None:
    tickets = export / "tickets.json"
    text = tickets.read_text("utf-8")
    tickets.write_text(text.replace('"requester_id": 12, "submitter_id": 12', '"requester_id": 2'))

    run(app, export)

    found = imported(app)
    with app.desk.uow() as uow:
        twin = uow.contacts.get(found.tickets["503"].requester_id)
    assert twin is not None
    assert (twin.name, twin.active) == ("Ada Admin", False)
    assert twin.email.endswith("@import.invalid")
    assert found.agents["2"] != twin.id
