"""The hand-off draft on realistic threads in five languages: every step with its own result,
symptoms a short statement without the pasted log, the customer's latest message always
there. Plain values (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierdesk.domain.handoff import TriedStep
from tierdesk.domain.handoff_draft import draft_packet
from tierdesk.domain.message_prose import read_prose
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.summaries import summarise_customer

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CUSTOMER, REPLY, NOTE = MessageKind.CUSTOMER, MessageKind.PUBLIC_REPLY, MessageKind.INTERNAL_NOTE

SBC_LOG = "\n".join(
    [
        "2026-03-02 08:14:01.123 ERROR [sip-registrar] REGISTER from 10.20.0.14 rejected: 403",
        "2026-03-02 08:14:01.456 WARN  [sip-registrar] auth failed for 4711@siteb.acme.example",
        "2026-03-02 08:14:02.001 ERROR [sip-registrar] REGISTER from 10.20.0.15 rejected: 403",
        "2026-03-02 08:14:02.310 WARN  [sip-registrar] auth failed for 4712@siteb.acme.example",
        "2026-03-02 08:14:03.771 INFO  [sip-core] keepalive sent to 10.20.0.1",
        "2026-03-02 08:14:04.002 ERROR [sip-registrar] REGISTER from 10.20.0.16 rejected: 403",
    ]
)


def _thread(*messages: tuple[MessageKind, str]) -> list[Message]:
    return [
        Message(
            kind=kind,
            author_kind="contact" if kind is CUSTOMER else "agent",
            author_id=1,
            author_name="someone",
            body_text=text,
            created_at=AT + timedelta(hours=n),
        )
        for n, (kind, text) in enumerate(messages)
    ]


def _results(steps: list[TriedStep]) -> dict[str, str]:
    return {s.step: s.result for s in steps}


REGISTRATION = _thread(
    (
        CUSTOMER,
        "Hello,\n\nsince this morning our phones on site B cannot register. Calls from site A "
        "work.\n\nHere is an excerpt from the SBC log:\n"
        + SBC_LOG
        + "\n\nWe already rebooted the phones, no change.\n\nBest regards\nAnna Rossi\nACME IT",
    ),
    (
        REPLY,
        "Hello Anna,\n\nthanks for the log. Please try:\n1. Re-enter the SIP password on one "
        "phone\n2. Restart the registrar service on the SBC\n\nBest regards\nTom",
    ),
    (
        CUSTOMER,
        "Hi Tom,\n\nre-entering the password did not change anything, still 403.\nAfter "
        "restarting the registrar, two phones registered, the rest still fail.\n\nAnna",
    ),
    (
        NOTE,
        "Checked the SBC auth realm, it changed with the 6.1 update. Probably the realm "
        "rewrite breaks digest auth.",
    ),
    (REPLY, "Could you send us the realm configured on the phones?"),
    (
        CUSTOMER,
        "The realm on the phones is siteb.acme.example. Since 10:00 no phone at site B is "
        "registered any more, this is now urgent.\n\nOn Mon, 2 Mar 2026 at 13:00, Tom wrote:\n"
        "> Could you send us the realm configured on the phones?",
    ),
)


def test_each_step_carries_the_result_the_customer_gave_for_that_step() -> None:
    packet = draft_packet("Site B phones cannot register", REGISTRATION)
    assert _results(packet.steps_tried) == {
        "We already rebooted the phones": "No change.",
        "Re-enter the SIP password on one phone": (
            "re-entering the password did not change anything, still 403."
        ),
        "Restart the registrar service on the SBC": (
            "After restarting the registrar, two phones registered, the rest still fail."
        ),
        "Checked the SBC auth realm, it changed with the 6.1 update.": "",
    }


def test_symptoms_are_a_short_statement_and_the_pasted_log_goes_to_the_environment() -> None:
    packet = draft_packet("Site B phones cannot register", REGISTRATION)
    opening, _, latest = packet.symptoms.partition(" Latest from customer: ")
    assert opening == (
        "Site B phones cannot register: since this morning our phones on site B cannot "
        "register. Calls from site A work."
    )
    assert "REGISTER" not in packet.symptoms and "excerpt" not in packet.symptoms
    assert "pasted log: 6 lines in customer message 1" in packet.environment
    assert "01.123" not in packet.environment  # a log's timestamp is no version
    assert latest.startswith("The realm on the phones is siteb.acme.example. Since 10:00")
    assert "wrote" not in latest  # the quoted history is not what they said now


def test_a_german_thread_pairs_steps_and_results_and_ends_with_the_latest_message() -> None:
    thread = _thread(
        (
            CUSTOMER,
            "Hallo zusammen,\n\nseit heute früh können sich die Telefone am Standort Köln "
            "nicht mehr registrieren. Auszug aus dem Log:\n\n"
            "Mar  2 08:14:01 sbc01 sipd[2211]: REGISTER 4711@koeln.acme.example rejected\n"
            "Mar  2 08:14:02 sbc01 sipd[2211]: REGISTER 4712@koeln.acme.example rejected\n"
            "Mar  2 08:14:05 sbc01 sipd[2211]: auth failure for 4711 from 10.1.2.3\n"
            "Mar  2 08:14:07 sbc01 sipd[2211]: REGISTER 4713@koeln.acme.example rejected\n"
            "Mar  2 08:14:09 sbc01 sipd[2211]: auth failure for 4713 from 10.1.2.4\n\n"
            "Wir haben die Telefone bereits neu gestartet, ohne Erfolg.\n\n"
            "Mit freundlichen Grüßen\nJonas Weber",
        ),
        (
            REPLY,
            "Hallo Herr Weber,\n\nvielen Dank für den Auszug. Bitte prüfen Sie:\n1. Das "
            "SIP-Passwort an einem Telefon neu eingeben\n2. Den Registrar-Dienst auf dem SBC "
            "neu starten\n\nMit freundlichen Grüßen\nTom",
        ),
        (
            CUSTOMER,
            "Hallo Tom,\n\ndas Passwort neu einzugeben hat nichts geändert, weiterhin 403.\n"
            "Nach dem Neustart des Registrar-Dienstes haben sich zwei Telefone angemeldet, die "
            "anderen nicht.\n\nGruß\nJonas",
        ),
        (
            NOTE,
            "Auth-Realm auf dem SBC geprüft. Vermutlich bricht die Realm-Umschreibung seit 6.1 "
            "die Digest-Authentifizierung.",
        ),
        (REPLY, "Welcher Realm ist auf den Telefonen eingetragen?"),
        (
            CUSTOMER,
            "Auf den Telefonen steht koeln.acme.example. Seit 10 Uhr ist kein Telefon in Köln "
            "mehr angemeldet, das ist jetzt dringend.\n\nViele Grüße\nJonas Weber",
        ),
    )
    packet = draft_packet("Telefone in Köln registrieren nicht", thread)
    assert _results(packet.steps_tried) == {
        "Wir haben die Telefone bereits neu gestartet": "Ohne Erfolg.",
        "Das SIP-Passwort an einem Telefon neu eingeben": (
            "das Passwort neu einzugeben hat nichts geändert, weiterhin 403."
        ),
        "Den Registrar-Dienst auf dem SBC neu starten": (
            "Nach dem Neustart des Registrar-Dienstes haben sich zwei Telefone angemeldet, die "
            "anderen nicht."
        ),
        "Auth-Realm auf dem SBC geprüft.": "",
    }
    assert packet.symptoms == (
        "Telefone in Köln registrieren nicht: seit heute früh können sich die Telefone am "
        "Standort Köln nicht mehr registrieren. Latest from customer: Auf den Telefonen steht "
        "koeln.acme.example. Seit 10 Uhr ist kein Telefon in Köln mehr angemeldet, das ist "
        "jetzt dringend."
    )
    assert "pasted log: 5 lines in customer message 1" in packet.environment
    assert packet.hypotheses == [
        "Vermutlich bricht die Realm-Umschreibung seit 6.1 die Digest-Authentifizierung."
    ]


@pytest.mark.parametrize(
    ("first", "reply", "answer", "expected"),
    [
        pytest.param(
            "Buongiorno,\n\nda ieri le chiamate in uscita non hanno audio in entrata. Abbiamo "
            "già riavviato il centralino, nessun cambiamento.\n\nCordiali saluti\nGiulia",
            "Buongiorno Giulia,\n\nvi chiediamo di:\n1. Disattivare il SIP ALG sul firewall\n"
            "2. Attivare l'RTP simmetrico sul trunk\n\nCordiali saluti\nMarco",
            "Ciao Marco,\n\nl'RTP simmetrico era già attivo. Il SIP ALG era attivo, "
            "l'abbiamo disattivato: ora l'audio arriva.\n\nGrazie\nGiulia",
            {
                "Abbiamo già riavviato il centralino": "Nessun cambiamento.",
                "Disattivare il SIP ALG sul firewall": (
                    "Il SIP ALG era attivo, l'abbiamo disattivato: ora l'audio arriva."
                ),
                "Attivare l'RTP simmetrico sul trunk": "l'RTP simmetrico era già attivo.",
            },
            id="it",
        ),
        pytest.param(
            "Bonjour,\n\ndepuis la mise à jour 6.2, nos appels sortants n'ont plus de son. "
            "J'ai déjà redémarré le routeur, sans succès.\n\nCordialement\nClaire Martin",
            "Bonjour Claire,\n\nmerci pour votre message. Pouvez-vous :\n1. Désactiver le SIP "
            "ALG du pare-feu\n2. Redémarrer le relais média\n\nCordialement\nMarc",
            "Bonjour Marc,\n\nj'ai redémarré le relais média, aucun changement. Le SIP ALG "
            "est désactivé depuis hier et le son revient.\n\nMerci\nClaire",
            {
                "J'ai déjà redémarré le routeur": "Sans succès.",
                "Désactiver le SIP ALG du pare-feu": (
                    "Le SIP ALG est désactivé depuis hier et le son revient."
                ),
                "Redémarrer le relais média": "j'ai redémarré le relais média, aucun changement.",
            },
            id="fr",
        ),
        pytest.param(
            "Hola,\n\ndesde la actualización a 6.2 las llamadas salientes no tienen audio. Ya "
            "hemos reiniciado la centralita, sin cambios.\n\nUn saludo\nLucía García",
            "Hola Lucía,\n\ngracias por los detalles. Por favor:\n1. Desactive el SIP ALG del "
            "cortafuegos\n2. Reinicie el relé de medios\n\nUn saludo\nMarcos",
            "Hola Marcos,\n\n1. El SIP ALG ya estaba desactivado.\n2. Reinicié el relé, ahora "
            "funciona en la sede central pero la sucursal sigue sin audio.\n\nGracias\nLucía",
            {
                "Ya hemos reiniciado la centralita": "Sin cambios.",
                "Desactive el SIP ALG del cortafuegos": "El SIP ALG ya estaba desactivado.",
                "Reinicie el relé de medios": (
                    "Reinicié el relé, ahora funciona en la sede central pero la sucursal sigue "
                    "sin audio."
                ),
            },
            id="es",
        ),
    ],
)
def test_steps_and_results_are_read_in_italian_french_and_spanish(
    first: str, reply: str, answer: str, expected: dict[str, str]
) -> None:
    packet = draft_packet("Audio", _thread((CUSTOMER, first), (REPLY, reply), (CUSTOMER, answer)))
    assert _results(packet.steps_tried) == expected
    assert "Latest from customer: " in packet.symptoms


def test_a_step_given_in_a_later_reply_gets_the_answer_after_it_not_the_earlier_one() -> None:
    thread = _thread(
        (CUSTOMER, "Outgoing calls drop after exactly 32 seconds."),
        (REPLY, "Please enable session timers on the trunk."),
        (CUSTOMER, "Session timers are enabled now. Calls still drop at 32 seconds."),
        (REPLY, "Thanks. Please also switch the trunk transport from UDP to TCP."),
        (CUSTOMER, "With TCP the calls stay up. That fixed it for us."),
        (REPLY, "And please lower the keep-alive interval to 20 seconds."),
    )
    packet = draft_packet("Calls drop", thread)
    assert packet.steps_tried == [
        TriedStep(
            "Please enable session timers on the trunk.",
            "Session timers are enabled now. Calls still drop at 32 seconds.",
        ),
        TriedStep(
            "Please also switch the trunk transport from UDP to TCP.",
            "With TCP the calls stay up. That fixed it for us.",
        ),
        # Not answered yet: no result, rather than the one given for the step before.
        TriedStep("And please lower the keep-alive interval to 20 seconds."),
    ]
    assert packet.symptoms.endswith(
        "Latest from customer: With TCP the calls stay up. That fixed it for us."
    )


def test_two_replies_before_one_answer_each_get_the_part_that_names_them() -> None:
    thread = _thread(
        (CUSTOMER, "Voicemail notifications stopped arriving on all phones."),
        (REPLY, "Please check that the MWI subscription is active on the phone."),
        (REPLY, "One more thing: please restart the voicemail service as well."),
        (
            CUSTOMER,
            "The voicemail service restart did not help. The MWI subscription shows as "
            "expired on every phone.",
        ),
    )
    assert _results(draft_packet("No MWI", thread).steps_tried) == {
        "Please check that the MWI subscription is active on the phone.": (
            "The MWI subscription shows as expired on every phone."
        ),
        "One more thing: please restart the voicemail service as well.": (
            "The voicemail service restart did not help."
        ),
    }


def test_a_latest_message_that_is_only_a_log_is_still_represented() -> None:
    thread = _thread(
        (CUSTOMER, "Registration fails for site B since this morning."),
        (REPLY, "Could you send the SBC log from the time it fails?"),
        (CUSTOMER, SBC_LOG),
    )
    packet = draft_packet("Registration", thread)
    assert packet.symptoms == (
        "Registration: Registration fails for site B since this morning. "
        "Latest from customer: (pasted a log of 6 lines)"
    )
    assert packet.open_questions == []  # the customer answered with the log


def test_a_stack_trace_is_a_diagnostic_not_a_symptom() -> None:
    thread = _thread(
        (
            CUSTOMER,
            "Hi team,\nthe nightly CDR export dies every night. Here is the traceback:\n"
            "Traceback (most recent call last):\n"
            '  File "/opt/export/run.py", line 88, in run\n'
            "    rows = fetch(cursor)\n"
            '  File "/opt/export/db.py", line 12, in fetch\n'
            "    return cursor.fetchall()\n"
            "psycopg2.OperationalError: server closed the connection unexpectedly\n"
            "Can you help?\nThanks\nBob",
        ),
    )
    packet = draft_packet("CDR export fails", thread)
    assert packet.symptoms == "CDR export fails: the nightly CDR export dies every night."
    assert "pasted log: 6 lines in customer message 1" in packet.environment


def test_what_the_customer_said_in_between_that_no_step_accounts_for_stays_in_the_symptoms() -> (
    None
):
    thread = _thread(
        (CUSTOMER, "Faxes to external numbers fail since the upgrade."),
        (REPLY, "Which firmware does the gateway run?"),
        (
            CUSTOMER,
            "The gateway runs 6.0.2. Faxes between our own sites work without problems.",
        ),
        (REPLY, "Please set t38 to on for the trunk."),
        (CUSTOMER, "Thanks, no change."),
    )
    packet = draft_packet("Fax", thread)
    assert packet.steps_tried == [TriedStep("Please set t38 to on for the trunk.", "No change.")]
    assert packet.symptoms == (
        "Fax: Faxes to external numbers fail since the upgrade. Since then: The gateway runs "
        "6.0.2. Faxes between our own sites work without problems. Latest from customer: No "
        "change."
    )


def test_an_inline_answer_pairs_each_quoted_step_with_the_words_under_it() -> None:
    thread = _thread(
        (CUSTOMER, "We hear an echo on every external call since Monday."),
        (REPLY, "Please try:\n1. Swap the handset cable\n2. Lower the speaker volume to 5"),
        (
            CUSTOMER,
            "Hi,\n\n> 1. Swap the handset cable\nDone with a new cable, the echo is still "
            "there.\n\n> 2. Lower the speaker volume to 5\nWith volume 5 the echo is gone.\n\n"
            "Best\nKim",
        ),
    )
    assert _results(draft_packet("Echo", thread).steps_tried) == {
        "Swap the handset cable": "Done with a new cable, the echo is still there.",
        "Lower the speaker volume to 5": "With volume 5 the echo is gone.",
    }


def test_a_pasted_sip_exchange_without_log_headers_is_not_a_symptom() -> None:
    first = (
        "Hello,\n\nour carrier moved us to a new platform over the weekend. The trunk never "
        "registers:\n\nREGISTER sip:voice.carrier.example SIP/2.0\nSIP/2.0 401 Unauthorized\n"
        "REGISTER sip:voice.carrier.example SIP/2.0 (with Authorization)\n"
        "SIP/2.0 403 Forbidden\n\nInbound calls do not arrive, e.g. from our main number.\n\n"
        "Regards\nPaul"
    )
    packet = draft_packet("Trunk 403", _thread((CUSTOMER, first)))
    assert packet.symptoms == (
        "Trunk 403: our carrier moved us to a new platform over the weekend. Inbound calls do "
        "not arrive, e.g. from our main number."
    )
    assert "pasted log: 4 lines in customer message 1" in packet.environment


# Messages made of thread-like pieces and of any character at all.
PIECES = st.sampled_from(
    [
        " ",
        "\n",
        "\n\n",
        "> ",
        "1. ",
        "- ",
        ".",
        ", ",
        ":",
        "?",
        "Hello,",
        "Thanks",
        "Anna",
        "Please restart the relay",
        "no change",
        "Keine Änderung.",
        "ho riavviato",
        "j'ai testé",
        "e.g.",
        "z. B.",
        "2026-03-02 08:14:01 ERROR [x] failed",
        "Traceback (most recent call last):",
        '  File "a.py", line 1, in f',
        "    at com.acme.X.y(X.java:1)",
        "-- ",
        "é",
        "日本",
    ]
)
MESSAGE = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=30).map("".join))
THREAD = st.lists(st.tuples(st.sampled_from([CUSTOMER, REPLY, NOTE]), MESSAGE), max_size=6)


@settings(max_examples=200, deadline=None)
@given(THREAD)
def test_drafting_and_summarising_any_thread_never_fails(
    messages: list[tuple[MessageKind, str]],
) -> None:
    # A rule or an SLA breach drafts the packet inside the transaction that escalates.
    packet = draft_packet("Subject", _thread(*messages))
    assert packet.symptoms.startswith("Subject")
    summarise_customer("Subject", [read_prose(text) for kind, text in messages if kind is CUSTOMER])
