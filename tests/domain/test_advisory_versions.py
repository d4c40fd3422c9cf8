"""Which versions a known issue or a defect affects, who runs a version, and an advisory's
per-organisation state (domain/advisories.py; pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tierdesk.domain.advisories import (
    Advisory,
    AdvisoryOrganisation,
    NoticeFacts,
    NoticeState,
    advisory_notice,
    affects,
    organisation_language,
    running,
)
from tierdesk.domain.installed_base import InstalledItem, ItemStatus
from tierdesk.domain.versions import is_version
from tierdesk.errors import InvalidInputError, InvalidTransitionError

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_versions_compare_as_numbers_so_5_2_1_is_older_than_5_10() -> None:
    assert affects("5.2.1", ["5.2.0"], fixed_in="5.10")
    assert affects("5.9", ["5.2.1"], fixed_in="5.10")
    assert not affects("5.10", ["5.2.1"], fixed_in="5.10")
    assert not affects("5.10.1", ["5.2.1"], fixed_in="5.10")


def test_a_listed_version_is_affected_however_it_is_written() -> None:
    assert affects("5.2", ["5.2.0"])
    assert affects("v5.2.0", ["5.2"])
    assert not affects("5.2.1", ["5.2"])
    assert affects("Build A", ["build a"])  # not a version number: the same text matches


def test_an_open_record_affects_only_the_versions_it_lists() -> None:
    assert affects("5.2.1", ["5.2.1", "5.3"])
    assert not affects("5.2.2", ["5.2.1", "5.3"])
    assert not affects("5.2.1", [])
    assert not affects(None, ["5.2.1"])


def test_a_fixed_defect_affects_from_its_oldest_listed_version_up_to_the_fix() -> None:
    assert not affects("4.9", ["5.2.1"], fixed_in="5.10")
    assert affects("5.2.1", ["5.2.1"], fixed_in="5.10")
    assert affects("4.9", [], fixed_in="5.10")  # nothing listed: every version before the fix


def _item(org: int, product: int, version: str | None, status: ItemStatus) -> InstalledItem:
    return InstalledItem(org, product, T0, T0, version=version, status=status)


def test_only_active_items_of_the_product_at_the_version_run_it() -> None:
    items = [
        _item(1, 7, "5.2.1", ItemStatus.ACTIVE),
        _item(1, 7, "5.2.1", ItemStatus.ACTIVE),
        _item(2, 7, "5.2.1", ItemStatus.RETIRED),
        _item(3, 7, "5.2.1", ItemStatus.REPLACED),
        _item(4, 8, "5.2.1", ItemStatus.ACTIVE),
        _item(5, 7, "5.10", ItemStatus.ACTIVE),
        _item(6, 7, None, ItemStatus.ACTIVE),
    ]
    found = running(items, 7, "5.2.1")
    assert {org: len(found_items) for org, found_items in found.items()} == {1: 2}


def _advisory(**changes: object) -> Advisory:
    values: dict[str, object] = {
        "product_id": 7,
        "version": "5.2.1",
        "reason": "end-of-support",
        "message": "Please plan the upgrade.",
        "created_at": T0,
        "created_by": "Lena Lead",
        "end_of_support": T0.date(),
    }
    return Advisory(**{**values, **changes})  # type: ignore[arg-type]


def test_an_advisory_needs_its_reason_s_record_or_date_and_a_newer_target() -> None:
    with pytest.raises(InvalidInputError) as no_record:
        _advisory(reason="defect")
    assert no_record.value.data["field"] == "record"
    with pytest.raises(InvalidInputError) as no_date:
        _advisory(end_of_support=None)
    assert no_date.value.data["field"] == "end_of_support"
    with pytest.raises(InvalidInputError) as older:
        _advisory(target_version="5.10", version="5.10.0")
    assert older.value.data["field"] == "target_version"
    assert _advisory(target_version="5.10").target_version == "5.10"


def test_an_organisation_moves_forward_from_notified_to_acknowledged_to_upgraded() -> None:
    row = AdvisoryOrganisation(1, 2, items=3, contacts_notified=1, language="de", notified_at=T0)
    assert row.move_to(NoticeState.ACKNOWLEDGED, T0, "Ada")
    assert not row.move_to(NoticeState.ACKNOWLEDGED, T0, "Ada")  # again: nothing changes
    assert row.move_to(NoticeState.UPGRADED, T0, "Sam")
    assert (row.state, row.acknowledged_by, row.upgraded_by) == (NoticeState.UPGRADED, "Ada", "Sam")
    with pytest.raises(InvalidTransitionError):
        row.move_to(NoticeState.ACKNOWLEDGED, T0, "Ada")


def test_the_organisation_s_language_is_its_contacts_else_its_country_s() -> None:
    assert organisation_language(["de", None, "de-AT", "fr"], "FR") == "de"
    assert organisation_language([None], "IT") == "it"
    assert organisation_language([], None) == "en"


def test_the_notice_says_why_and_what_to_upgrade_to_in_the_language_given() -> None:
    advisory = _advisory(reason="defect", defect_id=12, end_of_support=None, target_version="5.10")
    facts = NoticeFacts("Acme GmbH", "Kestrel SBC", 2, "Calls drop")
    subject, body = advisory_notice(advisory, facts, "de")
    assert subject == "Upgrade-Empfehlung: Kestrel SBC 5.2.1"
    assert "Ein Fehler betrifft diese Version: DEF-12 (Calls drop)." in body
    assert "Wir empfehlen ein Upgrade auf 5.10." in body
    assert "Please plan the upgrade." in body  # the lead's message as written


def test_digits_of_other_scripts_are_not_a_version_number() -> None:
    assert is_version("4.2") and is_version("v10.0.1")
    assert not is_version("４.２")  # full-width digits
    assert not is_version("٤.٢")  # Arabic-Indic digits
