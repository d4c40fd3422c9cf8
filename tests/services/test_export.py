"""``tierdesk export`` and ``tierdesk import tierdesk`` (issue 18): a small world with an
internal note carrying an attachment, a hand-off packet, a ticket link and a known issue, and
issue 21's records (a side conversation by mail whose reply brought a file, regions handing over
to each other, time, an advisory, an RMA, a ticket's link to an installed item) goes out and
comes back the same; a desk with tickets is refused; a second run adds nothing; a bad
line stops the run naming file and line with nothing stored. The demo world's round trip (every
kind of record) is test_export_demo_round_trip.py."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_organisation, make_ticket
from tests.services.export_desks import (
    VENDOR,
    VENDOR_FILE,
    VENDOR_MAIL,
    build_issue_21_records,
    second_desk,
)
from tierdesk import __version__
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.export_rows import FILES
from tierdesk.config import Settings
from tierdesk.domain.imports import Outcome
from tierdesk.domain.inbound import InboundEmail
from tierdesk.domain.installed_base import EntitlementKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.ticket_values import LinkKind
from tierdesk.errors import ConflictError, InvalidInputError
from tierdesk.services import (
    attachments,
    catalog,
    conversation,
    csat,
    escalation,
    exported_desks,
    exports,
    installed_base,
    known_issues,
    people,
    tickets,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.side_conversation_mail import receive_side_reply

ATTACHMENT = b"2026-03-02 09:00:01 sip: 408 Request Timeout\n" * 20


def build_world(desk: Desk) -> None:
    organisation = make_organisation(desk, plan="premium")
    contact = make_contact(desk, organisation=organisation)
    engineer = people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(
            email="engineer@kestrel.example",
            name="Engineer",
            tiers=[1, 2],
            password="s3cret-pass-word",
        ),
    )
    lead = make_agent(desk, tiers=[1, 2, 3])
    first = make_ticket(desk, contact=contact, subject="Calls drop after 32 seconds")
    second = make_ticket(desk, contact=contact, subject="Calls drop again")
    conversation.add_message(
        desk, engineer, first.id or 0, MessageKind.PUBLIC_REPLY, text="Which firmware?"
    )
    conversation.add_message(
        desk,
        engineer,
        first.id or 0,
        MessageKind.INTERNAL_NOTE,
        text="SIP trace attached.",
        attachments=[conversation.NewAttachment("trace.log", ATTACHMENT, "text/plain")],
    )
    escalation.escalate_ticket(desk, engineer, first.id or 0, Tier(2), "needs L2", full_packet())
    tickets.link_tickets(desk, engineer, second.id or 0, first.id or 0, LinkKind.RELATED)
    issue = known_issues.create_known_issue(
        desk,
        lead,
        known_issues.KnownIssueInput(
            title="Session timer drops transferred calls",
            symptoms="Calls drop after 32 seconds",
            fix="Upgrade to 4.2",
        ),
    )
    known_issues.link_known_issue(desk, lead, issue.id or 0, second.id or 0, send_fix=False)
    tickets.solve_ticket(desk, lead, second.id or 0, "Upgraded to 4.2")
    csat.rate_ticket(desk, contact, second.id or 0, 5, "Fixed fast")
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", key="sbc"))
    catalog.add_version(desk, SYSTEM, "sbc", "4.2")
    org_id = organisation.id or 0
    installed_base.add_site(
        desk, SYSTEM, org_id, installed_base.SiteInput("Berlin", "Unter den Linden 1")
    )
    item = installed_base.add_item(
        desk, SYSTEM, org_id, installed_base.ItemInput("sbc", "Berlin", "4.2", "SB-1", "SBC-1U")
    )
    installed_base.add_entitlement(
        desk,
        SYSTEM,
        org_id,
        installed_base.EntitlementInput(
            EntitlementKind.SUPPORT, "Premium support", "sbc", expires_on=date(2026, 12, 31)
        ),
    )
    build_issue_21_records(desk, contact, engineer, first, item.id or 0)


ISSUE_21_FILES = (
    "ticket_installed_items",
    "side_conversations",
    "side_messages",
    "side_mail",
    "regions",
    "region_members",
    "handovers",
    "time_entries",
    "rmas",
    "advisories",
    "advisory_organisations",
)


def late_reply(in_reply_to: str) -> InboundEmail:
    return InboundEmail(
        message_id="<reply.4712@handset-vendor.example>",
        subject="Re: Seen this before?",
        from_address=VENDOR,
        from_name="Vendor escalations",
        text="One more thing: 4.2.3 is out.",
        in_reply_to=(in_reply_to,),
    )


def files_of(directory: Path) -> dict[str, list[object]]:
    return {
        path.stem: [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        for path in sorted(directory.glob("*.ndjson"))
    }


def held(desk: Desk) -> dict[str, int]:
    with desk.uow() as uow:
        return {name: uow.desk_rows.count(name) for name in uow.desk_rows.files()}


@pytest.fixture
def exported(desk: Desk, tmp_path: Path) -> Path:
    build_world(desk)
    directory = tmp_path / "export"
    exports.export_desk(desk, SYSTEM, directory, __version__)
    return directory


def test_an_exported_desk_imported_into_an_empty_desk_is_the_same_desk(
    request: pytest.FixtureRequest,
    settings: Settings,
    clock: FixedClock,
    exported: Path,
    tmp_path: Path,
) -> None:
    with second_desk(request, settings, clock, tmp_path / "second") as copy:
        exported_desks.import_export(copy.desk, SYSTEM, exported, batch=2)
        again = tmp_path / "again"
        exports.export_desk(copy.desk, SYSTEM, again, __version__)
        # The ids go on after the imported ones (PostgreSQL's sequences were moved on).
        newcomer = make_ticket(copy.desk, subject="A new ticket after the import")
        thread = tickets.visible_thread(SYSTEM, tickets.get_ticket(copy.desk, SYSTEM, 1))
        note = next(m for m in thread if m.kind is MessageKind.INTERNAL_NOTE)
        stored = attachments.attachments_of(copy.desk, SYSTEM, note)[0]
        data = copy.desk.files.open(stored.storage_key)
        # A reply to the mail the first desk sent still finds its side conversation, by the
        # Message-ID alone (no token in its subject or address), with the file that came.
        sent = next(
            m["header_id"] for m in files_of(exported)["side_mail"] if m["header_id"] != VENDOR_MAIL
        )
        with copy.desk.uow() as uow:
            reply = receive_side_reply(uow, copy.desk, late_reply(sent), copy.desk.clock.now())
            [answer] = [m for m in uow.side_conversations.messages(1) if m.attachments]
            vendor_file = copy.desk.files.open(answer.attachments[0].storage_key)

    before, after = files_of(exported), files_of(again)
    assert after == before
    for name in ("tickets", "messages", "notes", "attachments", "events", "packets"):
        assert before[name], name
    for name in ("ticket_links", "known_issues", "record_links", "ratings", "sites"):
        assert before[name], name
    for name in ("installed_items", "entitlements", *ISSUE_21_FILES):
        assert before[name], name
    assert newcomer.id == len(before["tickets"]) + 1
    assert data == ATTACHMENT
    manifest = json.loads((exported / "manifest.json").read_text("utf-8"))
    assert manifest["files"]["notes"]["count"] == 1
    assert manifest["attachments"]["count"] == 2  # the note's file and the vendor's
    assert reply is not None and reply.ticket_id == 1
    assert vendor_file == VENDOR_FILE
    # EMEA (1) hands to the Americas (2), a line further down the file.
    assert [(r["id"], r["hands_to_id"]) for r in before["regions"]] == [(1, 2), (2, 1)]


def test_an_export_holds_no_password_hash(exported: Path) -> None:
    for name in ("agents.ndjson", "contacts.ndjson"):
        text = (exported / name).read_text("utf-8")
        assert "password" not in text
        assert "$" not in text  # no hash in any field (argon2/bcrypt hashes start with "$")
    engineer = next(
        json.loads(line)
        for line in (exported / "agents.ndjson").read_text("utf-8").splitlines()
        if "engineer@" in line
    )
    assert engineer["tiers"] == [1, 2]


def test_importing_into_a_desk_with_tickets_of_its_own_is_refused(
    desk: Desk, exported: Path
) -> None:
    before = held(desk)

    with pytest.raises(ConflictError, match="not empty"):
        exported_desks.import_export(desk, SYSTEM, exported)

    assert held(desk) == before


def test_importing_the_same_export_again_adds_nothing(
    request: pytest.FixtureRequest,
    settings: Settings,
    clock: FixedClock,
    exported: Path,
    tmp_path: Path,
) -> None:
    with second_desk(request, settings, clock, tmp_path / "second") as copy:
        first = exported_desks.import_export(copy.desk, SYSTEM, exported)
        after_first = held(copy.desk)
        second = exported_desks.import_export(copy.desk, SYSTEM, exported)
        after_second = held(copy.desk)

    assert after_second == after_first
    assert second.total(Outcome.CREATED) == 0
    assert second.total(Outcome.SKIPPED) == first.total(Outcome.CREATED) > 0


def test_a_malformed_line_stops_the_import_naming_file_and_line_with_nothing_stored(
    request: pytest.FixtureRequest,
    settings: Settings,
    clock: FixedClock,
    exported: Path,
    tmp_path: Path,
) -> None:
    path = exported / "messages.ndjson"
    lines = path.read_text("utf-8").splitlines()
    lines[1] = lines[1][:-5]  # cut short: not JSON
    path.write_text("\n".join(lines) + "\n", "utf-8")

    with second_desk(request, settings, clock, tmp_path / "second") as copy:
        empty = held(copy.desk)
        with pytest.raises(InvalidInputError, match=r"messages\.ndjson line 2: not JSON"):
            exported_desks.import_export(copy.desk, SYSTEM, exported)
        assert held(copy.desk) == empty


def test_a_value_its_column_refuses_is_named_with_its_file_line_and_field(
    request: pytest.FixtureRequest,
    settings: Settings,
    clock: FixedClock,
    exported: Path,
    tmp_path: Path,
) -> None:
    path = exported / "tickets.ndjson"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    rows[0]["status"] = "frozen"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")

    with second_desk(request, settings, clock, tmp_path / "second") as copy:
        with pytest.raises(InvalidInputError, match=r"tickets\.ndjson line 1: 'status'"):
            exported_desks.import_export(copy.desk, SYSTEM, exported)
        assert held(copy.desk)["tickets"] == 0


# A value each of issue 21's files refuses: (file, field, value).
REFUSED = (
    ("ticket_installed_items", "matched_by", "guessed"),
    ("side_conversations", "state", "lost"),
    ("side_messages", "direction", "sideways"),
    ("side_mail", "outbox_id", 1),  # the outbox is not exported: no line refers to it
    ("regions", "hands_to_id", "Americas"),
    ("region_members", "region_id", None),
    ("handovers", "status", "forgotten"),
    ("time_entries", "work_date", "yesterday"),
    ("rmas", "kind", "swap"),
    ("advisories", "reason", "whim"),
    ("advisory_organisations", "notified_at", "2026-03-02T09:00:00"),  # no UTC offset
)


def test_a_bad_line_of_each_issue_21_file_is_named_before_anything_is_stored(
    request: pytest.FixtureRequest,
    settings: Settings,
    clock: FixedClock,
    exported: Path,
    tmp_path: Path,
) -> None:
    def broken(name: str, field: str, value: object) -> Path:
        directory = tmp_path / f"{name}-{field}"
        shutil.copytree(exported, directory)
        path = directory / f"{name}.ndjson"
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        rows[0][field] = value
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
        return directory

    with second_desk(request, settings, clock, tmp_path / "second") as copy:
        empty = held(copy.desk)
        for name, field, value in REFUSED:
            with pytest.raises(InvalidInputError, match=rf"{name}\.ndjson line 1: ") as refused:
                exported_desks.import_export(copy.desk, SYSTEM, broken(name, field, value))
            assert refused.value.data.get("field") == field, refused.value.message
        # The reply's file is missing from attachments/: named before anything is stored.
        with_vendor_file = [m for m in files_of(exported)["side_messages"] if m["attachments"]]
        digest = with_vendor_file[0]["attachments"][0]["sha256"]
        (exported / "attachments" / digest).unlink()
        with pytest.raises(InvalidInputError, match=r"side_messages\.ndjson line 2: 'attachm"):
            exported_desks.import_export(copy.desk, SYSTEM, exported)
        assert held(copy.desk) == empty


def test_every_field_of_every_export_file_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "export.md").read_text("utf-8")
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.M | re.S))
    missing = []
    for file in FILES:
        section = next((b for t, b in sections.items() if f"`{file.name}.ndjson`" in t), "")
        for name in file.fields():
            if not re.search(rf"^\|[^|]*`{name}`", section, re.M):
                missing.append(f"{file.name}.{name}")
    assert missing == []
