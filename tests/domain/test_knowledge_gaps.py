"""Topics of unanswered questions: paraphrases of one problem are one topic, unrelated
questions are not, and the grouping is the same whatever order the texts are given in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tierdesk.domain.knowledge_gaps import (
    KnowledgeMiss,
    MissSource,
    TopicItem,
    miss_text,
    one_per_draft,
    topics,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

VPN = [
    "VPN tunnel drops every hour",
    "the vpn tunnel keeps dropping after an hour",
    "Our VPN tunnel dropped again",
    "IPsec VPN tunnel drops, users disconnected",
]
INVOICE = [
    "Invoice address is wrong",
    "please change the address on our invoice",
]
UNRELATED = ["How do I factory reset the KP-200 deskphone?"]


def _items(texts: list[str], source: MissSource = MissSource.PORTAL_SEARCH) -> list[TopicItem]:
    return [TopicItem(source, t, START + timedelta(minutes=i)) for i, t in enumerate(texts)]


def _groups(found: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in found}


def test_paraphrased_misses_are_one_topic_and_unrelated_ones_are_apart() -> None:
    found = topics(_items(VPN + INVOICE + UNRELATED))

    assert _groups([t.queries for t in found]) == _groups([VPN, INVOICE, UNRELATED])
    vpn = found[0]
    assert vpn.count == 4 and vpn.sources == {"portal-search": 4}
    assert "vpn" in vpn.terms and "tunnel" in vpn.terms
    assert vpn.first_seen == START and vpn.last_seen == START + timedelta(minutes=3)


def test_the_grouping_does_not_depend_on_the_order_the_texts_come_in() -> None:
    texts = VPN + INVOICE + UNRELATED
    forward = topics(_items(texts))
    backward = topics([TopicItem(it.source, it.text, it.at) for it in reversed(_items(texts))])

    assert [(t.label, t.count) for t in forward] == [(t.label, t.count) for t in backward]


def test_a_topic_counts_its_sources_and_keeps_the_guidance_of_its_bounces() -> None:
    bounce = TopicItem(
        MissSource.BOUNCE,
        "VPN tunnel drops",  # a bounce is grouped by its ticket's subject
        START + timedelta(hours=1),
        ticket_id=7,
        guidance="Raise the DPD timeout first, see the admin guide",
    )
    items = [*_items(VPN[:2], MissSource.NEW_TICKET), bounce]

    (topic,) = topics(items)

    assert topic.sources == {"new-ticket": 2, "bounce": 1}
    assert topic.ticket_ids == [7]
    assert topic.guidance == ["Raise the DPD timeout first, see the admin guide"]
    assert topic.queries == [VPN[1], VPN[0]]  # the misses' texts, newest first


def test_a_new_ticket_is_a_miss_by_its_subject_and_the_start_of_its_problem() -> None:
    text = miss_text("  Calls drop ", "word " * 200, limit=20)

    assert text == "Calls drop\nword word word word …"


def _draft(contact: int, text: str, minutes: float) -> KnowledgeMiss:
    at = START + timedelta(minutes=minutes)
    return KnowledgeMiss(MissSource.PORTAL_SEARCH, text, 1, at, at, contact_id=contact)


def test_a_customers_searches_while_typing_are_one_draft_and_its_newest_words() -> None:
    misses = [
        _draft(1, "Fax", 0),
        _draft(1, "Fax paper", 0),  # stored at the same moment (two requests in flight)
        _draft(1, "Fax paper jam", 30),
        _draft(2, "Fax paper jam", 1),  # someone else
        _draft(1, "Printer toner", 120),  # two hours later: another question
    ]

    kept = one_per_draft(misses, timedelta(minutes=60))

    assert sorted((m.contact_id, m.text) for m in kept) == [
        (1, "Fax paper jam"),
        (1, "Printer toner"),
        (2, "Fax paper jam"),
    ]
