"""Hand-off packets and level rules, as plain values (no database)."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pytest

from tierdesk.domain.handoff import (
    PACKET_PARTS,
    PacketContent,
    PacketField,
    PacketPart,
    TriedStep,
    Widget,
)
from tierdesk.domain.handoff_draft import draft_packet
from tierdesk.domain.levels import (
    EntryRoute,
    Level,
    check_entry,
    check_reachable,
    default_levels,
    require_complete,
    validate_packet_fields,
)
from tierdesk.domain.messages import Attachment, Message, MessageKind
from tierdesk.domain.people import Tier
from tierdesk.errors import InvalidInputError, InvalidTransitionError, PermissionDeniedError

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _message(kind: MessageKind, text: str, attachments: list[Attachment] | None = None) -> Message:
    return Message(
        kind=kind,
        author_kind="agent",
        author_id=1,
        author_name="A",
        body_text=text,
        created_at=AT,
        attachments=attachments or [],
    )


def test_a_level_names_the_packet_parts_it_is_missing() -> None:
    expert = default_levels()[3]
    content = PacketContent(symptoms="drops", steps_tried=[TriedStep("rebooted")])
    assert content.missing_for(expert.required_fields()) == [
        PacketField.ENVIRONMENT,
        PacketField.HYPOTHESES,
    ]
    with pytest.raises(InvalidInputError) as refused:
        require_complete(content, expert)
    assert refused.value.data["missing"] == ["environment", "hypotheses"]
    assert "environment, hypotheses" in refused.value.message


def test_blank_parts_do_not_count_as_given() -> None:
    content = PacketContent(symptoms="  ", steps_tried=[TriedStep(" ")], hypotheses=[""])
    assert not any(content.filled(part) for part in PacketField)


def test_a_packet_survives_a_round_trip_through_its_stored_form() -> None:
    content = PacketContent(
        symptoms="s",
        product="P",
        version="1",
        environment="e",
        steps_tried=[TriedStep("a", "b")],
        diagnostics=[3],
        hypotheses=["h"],
        open_questions=["q?"],
    )
    assert PacketContent.from_dict(content.to_dict()) == content
    summary = content.summary()
    assert "Tried: a -> b" in summary
    assert "Open question: q?" in summary
    assert "attachments 3" in summary


def _sample(part: PacketPart) -> tuple[Any, list[str]]:
    """A value for ``part`` that says something, and the texts it says."""
    text = f"said-in-{part.name}"
    match part.widget:
        case Widget.TEXT | Widget.LINE:
            return text, [text]
        case Widget.LINES:
            return [text], [text]
        case Widget.STEPS:
            return [TriedStep(text, f"{text}-result")], [text, f"{text}-result"]
        case Widget.ATTACHMENTS:
            return [4242], ["4242"]


def test_every_field_of_the_packet_is_described_once_in_its_parts() -> None:
    described = [part.name for part in PACKET_PARTS]
    assert sorted(described) == sorted(f.name for f in fields(PacketContent))
    assert len(set(described)) == len(described)


def test_every_requirement_a_level_can_make_is_carried_by_one_part_of_that_name() -> None:
    carriers = [part.meets for part in PACKET_PARTS if part.carries_requirement]
    assert sorted(carriers) == sorted(PacketField)


@pytest.mark.parametrize("part", PACKET_PARTS, ids=lambda part: part.name)
def test_each_part_alone_meets_its_requirement_shows_in_the_summary_and_is_stored(
    part: PacketPart,
) -> None:
    value, texts = _sample(part)
    content = PacketContent(**{part.name: value})

    assert content.filled(part.meets)
    assert [t for t in texts if t not in content.summary()] == []
    assert PacketContent.from_dict(content.to_dict()) == content


def test_experts_and_developers_take_work_only_from_other_levels() -> None:
    levels = default_levels()
    for level in levels[:3]:
        check_entry(level, EntryRoute.INTAKE)
    for level in levels[3:]:
        with pytest.raises(InvalidTransitionError):
            check_entry(level, EntryRoute.INTAKE)
        check_entry(level, EntryRoute.ESCALATION)


def test_a_plan_limits_the_deepest_level() -> None:
    check_reachable(Tier.L2, "Basic", Tier.L2)
    with pytest.raises(PermissionDeniedError):
        check_reachable(Tier.L3, "Basic", Tier.L2)


def test_unknown_packet_fields_are_refused() -> None:
    assert validate_packet_fields(["symptoms", "symptoms"]) == ["symptoms"]
    with pytest.raises(InvalidInputError):
        validate_packet_fields(["astrology"])


def test_the_draft_takes_symptoms_steps_results_hypotheses_and_open_questions() -> None:
    log = Attachment(
        filename="trace.pcap",
        content_type="application/vnd.tcpdump.pcap",
        size=10,
        sha256="0" * 64,
        storage_key="0" * 64,
        created_at=AT,
        id=7,
    )
    thread = [
        _message(
            MessageKind.CUSTOMER,
            "Hallo,\nseit dem Update auf 13.0 bricht der Tunnel zu 192.0.2.10 ab. "
            "Fehler: NO_PROPOSAL_CHOSEN.\nViele Grüße\nJonas",
            [log],
        ),
        _message(
            MessageKind.PUBLIC_REPLY,
            "Bitte prüfen Sie:\n1. Die IKE-Proposals auf beiden Seiten\n- Die DPD-Zeit",
        ),
        _message(MessageKind.CUSTOMER, "Proposals sind gleich. Keine Änderung."),
        _message(
            MessageKind.INTERNAL_NOTE,
            "Checked the IKE log. Probably a DH group mismatch after the upgrade.",
        ),
        _message(MessageKind.PUBLIC_REPLY, "Which DH group does the peer use?"),
    ]
    packet = draft_packet("VPN down", thread, "Kestrel Edge", "13.0")
    assert packet.symptoms.startswith("VPN down: seit dem Update auf 13.0")
    assert "Jonas" not in packet.symptoms  # the signature is not a symptom
    assert "192.0.2.10" in packet.environment
    assert "NO_PROPOSAL_CHOSEN" in packet.environment
    assert TriedStep("Die IKE-Proposals auf beiden Seiten", "Proposals sind gleich.") in (
        packet.steps_tried
    )
    assert TriedStep("Checked the IKE log.") in packet.steps_tried
    assert packet.hypotheses == ["Probably a DH group mismatch after the upgrade."]
    assert packet.open_questions == ["Which DH group does the peer use?"]
    assert packet.diagnostics == [7]
    assert packet.missing_for(default_levels()[3].required_fields()) == []


def test_an_empty_thread_still_gives_the_subject_as_symptom() -> None:
    packet = draft_packet("Licence question", [])
    assert packet.symptoms == "Licence question"
    assert (
        packet.missing_for(
            Level(Tier.L1, "Support", required_packet_fields=["symptoms"]).required_fields()
        )
        == []
    )


def test_a_reply_without_a_numbered_list_is_still_a_step_the_customer_was_given() -> None:
    thread = [
        _message(MessageKind.CUSTOMER, "How do I factory reset a KP-200 without the password?"),
        _message(
            MessageKind.PUBLIC_REPLY,
            "Hello Oliver,\n\nthanks for the details. Hold Mute and 0 while you plug the phone "
            "in. Does the display ask to reset?\n\nBest regards\nTom",
        ),
        _message(MessageKind.CUSTOMER, "Nothing happens. The phone boots as usual."),
        _message(MessageKind.PUBLIC_REPLY, "Which firmware does the phone run?"),
    ]
    packet = draft_packet("Factory reset", thread)
    assert packet.steps_tried == [
        TriedStep(
            "Hold Mute and 0 while you plug the phone in.",
            "Nothing happens. The phone boots as usual.",
        )
    ]  # the courtesy and the questions are not steps; the answer's first two sentences are
    assert packet.open_questions == ["Which firmware does the phone run?"]


def test_a_note_saying_we_tried_something_is_a_step() -> None:
    thread = [
        _message(MessageKind.CUSTOMER, "The phone will not reset."),
        _message(
            MessageKind.INTERNAL_NOTE,
            "We already tried the Mute+0 reset on a lab KP-200. Provisioning may lock it.",
        ),
    ]
    packet = draft_packet("No reset", thread)
    assert packet.steps_tried == [TriedStep("We already tried the Mute+0 reset on a lab KP-200.")]
