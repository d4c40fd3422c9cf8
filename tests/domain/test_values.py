"""Small values: ticket references and numbers, tags, e-mail addresses, levels."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierdesk.domain.catalog import Component, Product, Version
from tierdesk.domain.people import Tier, normalise_email, normalise_tiers
from tierdesk.domain.tickets import format_ticket_number, normalise_tags, parse_ticket_reference
from tierdesk.errors import InvalidInputError

# -- ticket references --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("TD-1042", "TD-1042"),
        ("td-1042", "TD-1042"),
        ("  Td-7 ", "TD-7"),
    ],
)
def test_a_reference_is_an_id_or_a_number(reference: str, expected: int | str) -> None:
    assert parse_ticket_reference(reference, "TD") == expected


@pytest.mark.parametrize(
    "reference",
    ["", "TD-", "TD-abc", "XX-1042", "TD1042", "-42", "4 2", "TD-10-42", "²", "TD-²", "١٢", "4.2"],
)
def test_anything_else_is_refused_as_invalid_input(reference: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_ticket_reference(reference, "TD")


def test_a_long_bad_reference_is_not_echoed_whole() -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_ticket_reference("TD-" + "x" * 10_000, "TD")

    assert len(refused.value.message) < 120 and "xxx…" in refused.value.message


def test_the_prefix_comes_from_settings() -> None:
    assert parse_ticket_reference("acme-1001", "ACME") == "ACME-1001"
    with pytest.raises(InvalidInputError):
        parse_ticket_reference("TD-1001", "ACME")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_parsing_any_text_gives_an_id_a_number_or_invalid_input(reference: str) -> None:
    try:
        parsed = parse_ticket_reference(reference, "TD")
    except InvalidInputError:
        return
    if isinstance(parsed, int):
        assert str(parsed) == reference.strip().lstrip("0") or parsed == 0
    else:
        assert parsed == reference.strip().upper()
        assert parsed.startswith("TD-")
        assert parsed[3:].isascii()
        assert parsed[3:].isdigit()


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_a_formatted_number_parses_back(ticket_id: int) -> None:
    number = format_ticket_number("TD", ticket_id)
    assert number == f"TD-{ticket_id + 1000}"
    assert parse_ticket_reference(number.lower(), "TD") == number


# -- tags ---------------------------------------------------------------------------------


def test_tags_are_trimmed_lower_cased_hyphenated_and_deduplicated_in_order() -> None:
    assert normalise_tags([" SIP Trunk ", "sip-trunk", "Firmware", "", "  ", "firmware"]) == [
        "sip-trunk",
        "firmware",
    ]


def test_a_tag_of_64_characters_is_accepted_and_of_65_refused() -> None:
    assert normalise_tags(["a" * 64]) == ["a" * 64]
    with pytest.raises(InvalidInputError):
        normalise_tags(["a" * 65])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=8))
def test_normalising_tags_twice_changes_nothing(tags: list[str]) -> None:
    once = normalise_tags(tags)
    assert normalise_tags(once) == once
    assert len(set(once)) == len(once)
    assert all(tag and tag == tag.lower() and " " not in tag for tag in once)


# -- e-mail addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada.Lovelace@Example.COM ", "ada.lovelace@example.com"),
        ("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk"),
    ],
)
def test_an_address_is_trimmed_and_lower_cased(address: str, expected: str) -> None:
    assert normalise_email(address) == expected


@pytest.mark.parametrize(
    "address",
    [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@.example.com",
        "ada lovelace@example.com",
        "ada@exa mple.com",
        "ada@example.com@evil.example",
        "ada@example.",
        "ada\tlovelace@example.com",
        "ada@exam\nple.com",
        "a" * 65 + "@example.com",  # a local part of at most 64
        "ada@" + "d" * 250 + ".com",  # at most 254 in all
    ],
)
def test_what_cannot_be_an_address_is_refused(address: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        normalise_email(address)
    assert refused.value.data == {"field": "email"}


# -- levels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, Tier.L0),
        (4, Tier.L4),
        ("3", Tier.L3),
        ("L2", Tier.L2),
        (" l1 ", Tier.L1),
        (Tier.L3, Tier.L3),
    ],
)
def test_a_level_parses_from_a_number_or_a_label(value: str | int, expected: Tier) -> None:
    assert Tier.parse(value) is expected
    assert expected.label == f"L{int(expected)}"


@pytest.mark.parametrize("value", [5, -1, "L5", "L", "", "LL2", "two", "2.0", "²", "L²", True])
def test_an_unknown_level_is_invalid_input(value: str | int) -> None:
    with pytest.raises(InvalidInputError):
        Tier.parse(value)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=6), st.integers()))
def test_parsing_any_level_gives_a_tier_or_invalid_input(value: str | int) -> None:
    try:
        tier = Tier.parse(value)
    except InvalidInputError:
        return
    assert tier in Tier


def test_an_agents_levels_are_sorted_and_deduplicated() -> None:
    assert normalise_tiers([3, 1, 3, 2]) == [1, 2, 3]
    assert normalise_tiers([Tier.L4, Tier.L0]) == [0, 4]


def test_an_agent_must_work_at_least_one_valid_level() -> None:
    with pytest.raises(InvalidInputError):
        normalise_tiers([])
    with pytest.raises(InvalidInputError):
        normalise_tiers([1, 7])


# -- catalogue ----------------------------------------------------------------------------


def test_components_and_versions_are_found_by_name_ignoring_case_and_spaces() -> None:
    product = Product(
        key="kestrel-pbx",
        name="Kestrel PBX",
        components=[Component(name="SIP Trunk", id=1), Component(name="Voicemail", id=2)],
        versions=[Version(name="4.2", id=7)],
    )

    assert product.component_named(" sip trunk ") is product.components[0]
    assert product.version_named("4.2 ") is product.versions[0]
    assert product.component_named("fax") is None
    assert product.version_named("4.3") is None
