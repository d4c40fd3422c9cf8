"""Facts read from text keep where they were said, in five languages, precision first: each
error case of issue 15 (a bare status, an address before a full stop, a phone model, class
names in a trace, a trace reported twice) and what must never be read."""

from __future__ import annotations

import time

import pytest

from tierdesk.domain.clarify import Needed, missing_facts, question_text
from tierdesk.domain.facts import Catalog, FactKind, extract_facts, kinds_present
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
    assert (FactKind.SINCE, "Since the upgrade") in found
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


def read(text: str, catalog: Catalog | None = None) -> list[tuple[FactKind, str]]:
    facts = extract_facts(text, catalog=catalog or Catalog())
    for fact in facts:
        assert text[fact.start : fact.end] == fact.value  # the UI jumps to these offsets
    return [(fact.kind, fact.value) for fact in facts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The carrier answers every INVITE with 503 Service Unavailable.",
            (FactKind.SIP_STATUS, "503 Service Unavailable"),
        ),
        (
            "Calls to the hotline fail with 408 Request Timeout about every tenth call.",
            (FactKind.SIP_STATUS, "408 Request Timeout"),
        ),
        (
            "Our REST client gets 503 Service Unavailable from https://api.example.com/v2.",
            (FactKind.HTTP_STATUS, "503 Service Unavailable"),
        ),
        (
            "Transfers end with 481 Call/Transaction Does Not Exist.",
            (FactKind.SIP_STATUS, "481 Call/Transaction Does Not Exist"),
        ),
        ("Die Anmeldung am Portal liefert 401 zurück.", (FactKind.HTTP_STATUS, "401")),
    ],
)
def test_a_bare_status_code_is_read_with_its_protocol(
    text: str, expected: tuple[FactKind, str]
) -> None:
    statuses = [f for f in read(text) if f[0] in (FactKind.SIP_STATUS, FactKind.HTTP_STATUS)]
    assert statuses == [expected]


@pytest.mark.parametrize(
    "text",
    [
        'The display says "error 4711" when the phonebook opens.',
        "Beim Anmelden erscheint Fehler 4711 auf dem Display.",
        "Sul display compare errore 4711 quando si apre la rubrica.",
        "L'écran affiche erreur 4711 à l'ouverture de l'annuaire.",
        "En la pantalla aparece el código 4711 al abrir la agenda.",
    ],
)
def test_a_number_after_an_error_word_is_an_error_code_in_five_languages(text: str) -> None:
    assert [f for f in read(text) if f[0] is FactKind.ERROR_CODE] == [(FactKind.ERROR_CODE, "4711")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sign-in fails with AADSTS50126: Error validating credentials.", "AADSTS50126"),
        ("Since the migration, reports fail with ORA-00942.", "ORA-00942"),
        ("The SBC log says SBC-4021: no ACK received.", "SBC-4021"),
        ("Alarm EDG-3104 is raised every 20 minutes.", "EDG-3104"),
        ("The update stopped with 0x80070005.", "0x80070005"),
        ("connect ECONNREFUSED 10.1.2.3:443", "ECONNREFUSED"),
    ],
)
def test_vendor_specific_codes_are_error_codes(text: str, code: str) -> None:
    assert (FactKind.ERROR_CODE, code) in read(text)


@pytest.mark.parametrize(
    "text",
    [
        "The SBC is reachable at 10.12.4.20.",
        "Das Telefon bekommt per DHCP die Adresse 10.20.3.99.",
        "Il gateway è 192.168.1.1.",
        "La passerelle est 10.4.2.1.",
        "La puerta de enlace es 10.14.2.1.",
    ],
)
def test_an_address_at_the_end_of_a_sentence_is_an_address_not_a_version(text: str) -> None:
    assert [kind for kind, _ in read(text)] == [FactKind.IP_ADDRESS]


def test_a_phone_model_is_not_an_error_code() -> None:
    assert read("Our phone KP-200 shows error 4711.") == [(FactKind.ERROR_CODE, "4711")]
    assert read("The Kestrel KP-200 in the lobby has no dial tone.") == []
    assert read("We have 30 KP-200 phones; one KP-200 reboots.") == []
    logged = "The log shows KP-200 rebooting, then SBC-4021: no ACK."
    assert read(logged, Catalog.of(["Kestrel DeskPhone", "KP-200"])) == [
        (FactKind.ERROR_CODE, "SBC-4021")
    ]


def test_a_log_level_and_the_process_id_after_it_are_not_an_error_code() -> None:
    line = "2026-11-23 10:02:17.411 ERROR 3312 --- [nio-8080-exec-4] c.k.d.ErrorHandler : failed"
    assert read(line) == [(FactKind.TIMESTAMP, "2026-11-23 10:02:17.411")]


def test_a_word_that_ends_a_sentence_is_not_part_of_a_product_name() -> None:
    assert read("Urgent! SBC 5.4.0 drops calls.") == [(FactKind.VERSION, "5.4.0")]


def test_ticket_and_order_numbers_are_not_error_codes() -> None:
    text = "Same issue as ticket TD-10733, see CVE-2024-3094 and RFC 3261; order 200-4711."
    assert read(text) == []


JAVA_TRACE = """Calls drop, the SBC connector logs this:

java.net.ConnectException: Connection refused: sbc01.example.com/10.1.2.3:5061
\tat java.base/sun.nio.ch.Net.connect0(Native Method)
\tat com.kestrel.sip.transport.TlsConnector.open(TlsConnector.java:88)
\tat org.apache.http.impl.conn.DefaultHttpClientConnectionOperator.connect(Operator.java:151)
Caused by: java.io.IOException: handshake failed
\tat com.kestrel.sip.transport.Tls.handshake(Tls.java:40)
\t... 12 more
"""


def test_class_names_in_a_stack_trace_are_not_host_names() -> None:
    found = read(JAVA_TRACE)
    assert [value for kind, value in found if kind is FactKind.HOSTNAME] == ["sbc01.example.com"]
    assert (FactKind.IP_ADDRESS, "10.1.2.3") in found


PYTHON_TRACE = """Traceback (most recent call last):
  File "/opt/sync/sync.py", line 31, in main
    resp.raise_for_status()
  File "/usr/lib/python3/dist-packages/requests/models.py", line 1021, in raise_for_status
    raise HTTPError(http_error_msg, response=self)
requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://desk.example.com/api
"""


def test_one_trace_is_one_fact() -> None:
    java = [value for kind, value in read(JAVA_TRACE) if kind is FactKind.STACK_TRACE]
    assert java == [
        "java.net.ConnectException: Connection refused: sbc01.example.com/10.1.2.3:5061"
    ]
    python = [value for kind, value in read(PYTHON_TRACE) if kind is FactKind.STACK_TRACE]
    assert python == [PYTHON_TRACE.splitlines()[-1]]
    assert (FactKind.HOSTNAME, "desk.example.com") in read(PYTHON_TRACE)
    assert not any(kind is FactKind.HOSTNAME and "py" in v for kind, v in read(PYTHON_TRACE))


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("Since yesterday evening no outside calls work.", "Since yesterday evening"),
        ("Seit dem Update auf 6.0.0 klingeln die Telefone nicht.", "Seit dem Update"),
        ("Le chiamate cadono da due giorni.", "da due giorni"),
        ("Les postes redémarrent depuis la mise à jour du firmware.", "depuis la mise à jour"),
        ("Las extensiones pierden el registro desde hace una semana.", "desde hace una semana"),
    ],
)
def test_since_when_is_read_in_five_languages(text: str, since: str) -> None:
    assert [value for kind, value in read(text) if kind is FactKind.SINCE] == [since]


def test_since_meaning_because_is_not_a_start() -> None:
    assert read("Since the SBC is behind NAT, we opened UDP 5060.") == []


def test_dates_prices_phone_numbers_and_sections_are_not_versions() -> None:
    text = (
        "Invoice of 12.03.2026 over 1.299,00 € (49.90 EUR per phone). Call 06.12.34.56.78.\n"
        "See section 7.2 of the guide; MOS 4.1, jitter 2.5 ms, loss 0.5 %, TLS 1.2, SIP/2.0.\n"
        "OID 1.3.6.1.4.1.99999.1.2, image kestrel-sbc-6.0.0.img, G.711 and T.38."
    )
    assert read(text) == []


def test_the_catalogue_names_products_written_in_any_case() -> None:
    text = "We run kestrel sbc 6.0.0 and the SBC 5.4.0 in the lab."
    assert read(text)[0] == (FactKind.VERSION, "6.0.0")
    catalog = Catalog.of(["Kestrel SBC"])
    assert read(text, catalog) == [
        (FactKind.PRODUCT_VERSION, "kestrel sbc 6.0.0"),
        (FactKind.VERSION, "5.4.0"),
    ]


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        extract_facts(text)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "2026-11-20 10:15:02 ERROR [sip-3] SBC-4021: no ACK from 10.1.2.3 (sbc01.example.com)\n",
        "a.",  # a long dotted run: host names and e-mail addresses must not rescan it
        "a-1-",  # nor a long run of name characters without a dot
        "ABC_",  # nor one of capitals and underscores (error-code names)
        "error ",
        "since the ",
    ],
)
def test_reading_time_grows_linearly_with_the_length_of_a_pasted_log(unit: str) -> None:
    small = unit * (50_000 // len(unit))
    large = unit * (200_000 // len(unit))
    # four times the text: about four times the time (a quadratic rule would take sixteen)
    assert _seconds(large) < 8 * max(_seconds(small), 1e-3)
