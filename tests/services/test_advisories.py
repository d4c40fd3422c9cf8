"""Versions and upgrades (issue 21 item 3), both engines: an advisory reaches exactly the
organisations running the version, each organisation's contacts get the notice in their
language through the outbox, its state is tracked, and the records show who is affected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import make_agent, make_contact, make_organisation
from tierdesk.domain.advisories import AdvisoryReason, NoticeState
from tierdesk.domain.installed_base import ItemStatus
from tierdesk.domain.outbound import OutboxStatus, OutgoingKind
from tierdesk.domain.people import Agent, Contact, Organisation, Role
from tierdesk.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from tierdesk.services import (
    advisories,
    catalog,
    defects,
    known_issues,
    tickets,
)
from tierdesk.services import installed_base as ib
from tierdesk.services.affected_customers import affected_customers as affected
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


@dataclass
class World:
    lead: Agent
    agent: Agent
    berlin: Organisation  # two 5.2.1 units, German contacts
    lyon: Organisation  # one 5.2.1 unit, a French contact
    retired: Organisation  # its 5.2.1 unit retired, another replaced; now on 5.10
    phones: Organisation  # runs 5.2.1 of another product
    older: Organisation  # runs 5.9
    lyon_contact: Contact
    berlin_contact: Contact


def _item(
    desk: Desk, lead: Agent, org: Organisation, product: str, version: str, **kw: object
) -> int:
    item = ib.add_item(
        desk, lead, org.id or 0, ib.ItemInput(product=product, version=version, **kw)
    )  # type: ignore[arg-type]
    return item.id or 0


@pytest.fixture
def world(desk: Desk) -> World:
    versions = [("4.9", None), ("5.2.1", None), ("5.9", None), ("5.10", None)]
    catalog.create_product(
        desk, SYSTEM, catalog.NewProduct("Kestrel SBC", "sbc", versions=versions)
    )
    catalog.create_product(
        desk, SYSTEM, catalog.NewProduct("Kestrel Phone", "phone", versions=[("5.2.1", None)])
    )
    lead = make_agent(desk, tiers=[1, 2, 3], role=Role.LEAD)
    berlin, lyon = (
        make_organisation(desk, name="Berlin Werke"),
        make_organisation(desk, name="Lyon SA"),
    )
    retired, phones = (
        make_organisation(desk, name="Retired Ltd"),
        make_organisation(desk, name="Phones Inc"),
    )
    older = make_organisation(desk, name="Older Co")
    berlin_contact = make_contact(desk, organisation=berlin, language="de")
    make_contact(desk, organisation=berlin, language=None)  # written to in Berlin's German
    lyon_contact = make_contact(desk, organisation=lyon, language="fr")
    for org in (retired, phones, older):
        make_contact(desk, organisation=org)
    _item(desk, lead, berlin, "sbc", "5.2.1", quantity=2)
    _item(desk, lead, lyon, "sbc", "5.2.1")
    _item(desk, lead, retired, "sbc", "5.2.1", status=ItemStatus.RETIRED)
    _item(desk, lead, retired, "sbc", "5.2.1", status=ItemStatus.REPLACED)
    _item(desk, lead, retired, "sbc", "5.10")
    _item(desk, lead, phones, "phone", "5.2.1")
    _item(desk, lead, older, "sbc", "5.9")
    return World(
        lead,
        make_agent(desk, tiers=[1]),
        berlin,
        lyon,
        retired,
        phones,
        older,
        lyon_contact,
        berlin_contact,
    )


def _eos(**changes: object) -> advisories.AdvisoryInput:
    values: dict[str, object] = {
        "product": "sbc",
        "version": "5.2.1",
        "reason": "end-of-support",
        "message": "Please plan the upgrade.",
        "target_version": "5.10",
        "end_of_support": date(2025, 12, 31),
    }
    return advisories.AdvisoryInput(**{**values, **changes})  # type: ignore[arg-type]


def _notices(desk: Desk) -> list[tuple[str, str, str]]:
    with desk.uow() as uow:
        found = uow.mail_outbox.find([OutboxStatus.PENDING])
    return sorted(
        (i.to_address, i.language, i.subject or "") for i in found if i.kind is OutgoingKind.NOTICE
    )


def test_an_advisory_reaches_exactly_the_organisations_running_the_version(
    desk: Desk, world: World
) -> None:
    view = advisories.create_advisory(desk, world.lead, _eos())

    reached = {r.organisation.name: (r.notice.items, r.notice.state) for r in view.rows}
    assert reached == {
        "Berlin Werke": (2, NoticeState.NOTIFIED),
        "Lyon SA": (1, NoticeState.NOTIFIED),
    }


def test_each_contact_is_sent_the_notice_in_their_or_their_organisation_s_language(
    desk: Desk, world: World
) -> None:
    advisories.create_advisory(desk, world.lead, _eos())

    notices = _notices(desk)
    german = "Upgrade-Empfehlung: Kestrel SBC 5.2.1"
    french = "Recommandation de mise à jour\u00a0: Kestrel SBC 5.2.1"
    assert sorted((lang, subject) for _to, lang, subject in notices) == [
        ("de", german),
        ("de", german),
        ("fr", french),
    ]
    assert (world.lyon_contact.email, "fr", french) in notices
    assert (world.berlin_contact.email, "de", german) in notices


def test_states_are_tracked_per_organisation_and_only_move_forward(
    desk: Desk, world: World
) -> None:
    advisory = advisories.create_advisory(desk, world.lead, _eos()).advisory
    number, lyon, berlin = advisory.id or 0, world.lyon.id or 0, world.berlin.id or 0

    advisories.set_state(desk, world.lyon_contact, number, lyon, "acknowledged")
    advisories.set_state(desk, world.agent, number, berlin, NoticeState.UPGRADED)

    states = {
        r.organisation.name: r.notice
        for r in advisories.get_advisory(desk, world.agent, number).rows
    }
    assert states["Lyon SA"].state is NoticeState.ACKNOWLEDGED
    assert states["Lyon SA"].acknowledged_by == world.lyon_contact.name
    assert states["Berlin Werke"].state is NoticeState.UPGRADED
    with pytest.raises(InvalidTransitionError):
        advisories.set_state(desk, world.agent, number, berlin, "acknowledged")
    with pytest.raises(NotFoundError):  # a customer acknowledges only for its own organisation
        advisories.set_state(desk, world.lyon_contact, number, berlin, "acknowledged")


def test_an_organisation_whose_items_left_the_version_is_detected_as_upgraded(
    desk: Desk, world: World
) -> None:
    advisory = advisories.create_advisory(desk, world.lead, _eos()).advisory
    berlin_item = ib.installed_base(desk, world.lead, world.berlin.id or 0).items[0]
    ib.update_item(
        desk,
        world.lead,
        world.berlin.id or 0,
        berlin_item.id or 0,
        ib.ItemInput(product="sbc", version="5.10", quantity=2),
    )

    assert advisories.detect_upgrades(desk, SYSTEM) == 1

    rows = {
        r.organisation.name: r
        for r in advisories.get_advisory(desk, world.lead, advisory.id or 0).rows
    }
    assert rows["Berlin Werke"].notice.state is NoticeState.UPGRADED
    assert rows["Berlin Werke"].notice.upgraded_by == advisories.INSTALLED_BASE
    assert rows["Lyon SA"].notice.state is NoticeState.NOTIFIED


def test_only_leads_send_advisories_and_customers_see_only_their_own(
    desk: Desk, world: World
) -> None:
    with pytest.raises(PermissionDeniedError):
        advisories.create_advisory(desk, world.agent, _eos())
    advisory = advisories.create_advisory(desk, world.lead, _eos()).advisory
    outsider = make_contact(desk, organisation=world.older)

    assert advisories.list_advisories(desk, outsider) == ([], 0)
    with pytest.raises(NotFoundError):
        advisories.get_advisory(desk, outsider, advisory.id or 0)
    own = advisories.get_advisory(desk, world.lyon_contact, advisory.id or 0)
    assert [r.organisation.name for r in own.rows] == ["Lyon SA"]


def test_the_form_s_mistakes_are_told_by_field(desk: Desk, world: World) -> None:
    def field_of(**changes: object) -> str:
        with pytest.raises(InvalidInputError) as error:
            advisories.preview_advisory(desk, world.lead, _eos(**changes))
        return str(error.value.data["field"])

    assert field_of(version="5.3") == "version"  # not a catalogue version
    assert field_of(target_version="4.9") == "target_version"  # older than the advised one
    assert field_of(product="nothing") == "product"
    assert field_of(reason="defect", record="KI-1") == "record"
    assert field_of(reason="known-issue", record="KI-999") == "record"


def _defect(desk: Desk, world: World, affected: list[str]) -> int:
    contact = make_contact(desk, organisation=world.berlin)
    ticket = tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject="Calls drop",
            body_text="Calls drop after 30 s",
            catalog=tickets.CatalogRef(product="sbc"),
        ),
    )
    defect = defects.open_defect(
        desk,
        world.lead,
        ticket.number or "",
        defects.DefectInput(actual="Calls drop", steps=["Call"], affected_versions=affected),
    )
    return defect.id or 0


def test_a_defect_shows_the_customers_running_an_affected_version(desk: Desk, world: World) -> None:
    defect_id = _defect(desk, world, ["5.2.1"])

    open_now = affected(desk, world.agent, AdvisoryReason.DEFECT, defect_id)
    assert {r.organisation.name: r.item_count for r in open_now.organisations} == {
        "Berlin Werke": 2,
        "Lyon SA": 1,
    }
    defects.mark_defect_fixed(desk, world.lead, defect_id, "5.10")
    fixed = affected(desk, world.agent, AdvisoryReason.DEFECT, defect_id)
    # 5.9 lies between the version it was seen in and the fix: affected; 5.10 has the fix.
    assert [r.organisation.name for r in fixed.organisations] == [
        "Berlin Werke",
        "Lyon SA",
        "Older Co",
    ]


def test_a_known_issue_shows_the_customers_running_a_version_it_lists(
    desk: Desk, world: World
) -> None:
    issue = known_issues.create_known_issue(
        desk,
        world.lead,
        known_issues.KnownIssueInput(
            title="Calls drop",
            symptoms="Calls drop",
            fix="Upgrade",
            product="sbc",
            affected_versions=["5.9"],
        ),
    )

    found = affected(desk, world.agent, AdvisoryReason.KNOWN_ISSUE, issue.id or 0)

    assert [r.organisation.name for r in found.organisations] == ["Older Co"]
    with pytest.raises(NotFoundError):
        affected(desk, world.lyon_contact, AdvisoryReason.KNOWN_ISSUE, issue.id or 0)


def test_an_advisory_for_a_defect_names_it_in_the_notice(desk: Desk, world: World) -> None:
    defect_id = _defect(desk, world, ["5.2.1"])

    view = advisories.create_advisory(
        desk, world.lead, _eos(reason="defect", record=f"DEF-{defect_id}", end_of_support=None)
    )

    assert view.advisory.defect_id == defect_id
    with desk.uow() as uow:
        bodies = [i.body or "" for i in uow.mail_outbox.find([OutboxStatus.PENDING])]
    assert any(f"DEF-{defect_id} (Calls drop)" in b for b in bodies)
