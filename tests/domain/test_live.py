"""The live stream's mark over id-numbered rows (domain/live.py) and @mentions."""

from __future__ import annotations

from datetime import UTC, datetime

from tierdesk.domain.live import LOOK_BACK, Watermark
from tierdesk.domain.mentions import mentioned_agents
from tierdesk.domain.people import Agent


def test_a_reader_starting_now_hears_nothing_written_before() -> None:
    fresh, _mark = Watermark.at(500).advance(range(300, 501))
    assert fresh == []


def test_a_row_numbered_earlier_but_committed_later_is_still_handed_out_once() -> None:
    fresh, mark = Watermark.at(10).advance([11, 13])
    assert fresh == [11, 13]
    # 12 was numbered before 13 but its transaction committed after the first read.
    fresh, mark = mark.advance([11, 12, 13])
    assert fresh == [12]
    fresh, _mark = mark.advance([11, 12, 13, 14])
    assert fresh == [14]
    assert mark.floor >= 10 and mark.floor > 13 - LOOK_BACK - 1


def _agent(name: str, email: str) -> Agent:
    return Agent(email=email, name=name, created_at=datetime(2026, 3, 2, tzinfo=UTC), id=len(name))


def test_mentions_name_an_agent_by_name_address_or_its_local_part_and_not_inside_words() -> None:
    anna = _agent("Anna Berg", "anna.berg@kestrel.example")
    ann = _agent("Ann", "ann@kestrel.example")
    agents = [anna, ann]
    assert mentioned_agents("@Anna Berg, please look.", agents) == [anna]
    assert mentioned_agents("ask @anna.berg.", agents) == [anna]
    assert mentioned_agents("cc @anna.berg@kestrel.example", agents) == [anna]
    assert mentioned_agents("mail anna.berg@kestrel.example", agents) == []
    assert mentioned_agents("@Ann and @annabelle", agents) == [ann]


def test_a_first_name_mentions_the_one_colleague_who_has_it_and_nobody_when_two_do() -> None:
    # Found walking the demo: "@Priya can you check…" in a note told Priya Nair nothing.
    priya = _agent("Priya Nair", "priya.nair@kestrel.example")
    anna = _agent("Anna Keller", "anna.keller@kestrel.example")
    anne = _agent("Anna Berg", "a.berg@kestrel.example")
    agents = [priya, anna, anne]
    assert mentioned_agents("@Priya can you check the template?", agents) == [priya]
    assert mentioned_agents("thanks @priya.", agents) == [priya]
    assert mentioned_agents("@Anna, which one?", agents) == []  # two Annas: no guess
    assert mentioned_agents("@Anna Keller, this one", agents) == [anna]
    assert mentioned_agents("@Priyanka is someone else", agents) == []
