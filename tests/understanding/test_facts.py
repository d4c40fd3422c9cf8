"""Facts read from text keep where they were said."""

from __future__ import annotations

from tierdesk.domain.clarify import Needed, missing_facts, question_text
from tierdesk.domain.facts import FactKind, extract_facts, kinds_present
from tierdesk.domain.summaries import summarise

TEXT = (
    "Since the upgrade to Kestrel SBC 4.2.1 calls fail with SIP/2.0 503 Service Unavailable.\n"
    "Gateway 10.1.2.3 (sbc01.example.com), MAC 00:1A:2B:3C:4D:5E, serial number KS-12345X.\n"
    "Error code: E1042 and ERR_TLS_HANDSHAKE; the API says HTTP 502 at 2026-11-20 10:15:00.\n"
    "java.lang.NullPointerException: session was null\n"
)


def test_every_kind_of_fact_is_read_with_its_offsets() -> None:
    facts = extract_facts(TEXT, message_id=7)
    found = {(f.kind, f.value) for f in facts}
    assert (FactKind.PRODUCT_VERSION, "Kestrel SBC 4.2.1") in found
    assert (FactKind.SIP_STATUS, "SIP/2.0 503 Service Unavailable") in found
    assert (FactKind.IP_ADDRESS, "10.1.2.3") in found
    assert (FactKind.HOSTNAME, "sbc01.example.com") in found
    assert (FactKind.MAC_ADDRESS, "00:1A:2B:3C:4D:5E") in found
    assert (FactKind.SERIAL_NUMBER, "KS-12345X") in found
    assert (FactKind.ERROR_CODE, "E1042") in found
    assert (FactKind.ERROR_CODE, "ERR_TLS_HANDSHAKE") in found
    assert (FactKind.HTTP_STATUS, "HTTP 502") in found
    assert (FactKind.TIMESTAMP, "2026-11-20 10:15:00") in found
    assert (FactKind.STACK_TRACE, "java.lang.NullPointerException: session was null") in found
    assert (FactKind.SINCE, "Since the upgrade to") in found
    for fact in facts:
        assert fact.message_id == 7
        assert TEXT[fact.start : fact.end].strip() == fact.value


def test_an_address_is_not_read_again_as_a_version_or_host() -> None:
    kinds = [f.kind for f in extract_facts("reach 192.168.1.20 now")]
    assert kinds == [FactKind.IP_ADDRESS]


def test_a_problem_without_version_or_error_gets_one_question_in_the_customer_language() -> None:
    facts = extract_facts("Seit gestern klingeln die Telefone nicht mehr.")
    missing = missing_facts("problem", kinds_present(facts))
    assert missing == [Needed.VERSION, Needed.ERROR_TEXT]
    text, language = question_text(missing, "de")
    assert language == "de"
    assert "Softwareversion" in text
    assert "Fehlermeldung" in text


def test_an_unknown_language_gets_the_english_template() -> None:
    _text, language = question_text([Needed.VERSION], "ja")
    assert language == "en"


def test_a_question_has_nothing_missing_when_the_facts_are_there() -> None:
    assert missing_facts("problem", kinds_present(extract_facts(TEXT))) == []


def test_the_summary_keeps_central_sentences_in_their_order() -> None:
    text = (
        "Calls to the hotline drop after thirty seconds. "
        "We restarted the SBC twice and the calls still drop after thirty seconds. "
        "The weather is nice today in the office. "
        "The drop happens on every trunk since the firmware upgrade of the SBC. "
        "Our coffee machine is new. "
        "Please help us with the dropped calls on the SBC."
    )
    chosen = summarise(text, max_sentences=3)
    assert len(chosen) == 3
    assert chosen[0] == "Calls to the hotline drop after thirty seconds."
    assert not any("coffee" in s for s in chosen)
    positions = [text.index(s) for s in chosen]
    assert positions == sorted(positions)
