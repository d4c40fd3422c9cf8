"""The pure rules of mail: reply text, loop protection, threading keys, outgoing composition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.domain.customer_texts import customer_language
from tierdesk.domain.inbound import (
    InboundEmail,
    automated_reason,
    message_id_key,
    message_id_list,
    sender_name,
    split_reply,
    thread_keys,
    ticket_number_in_subject,
)
from tierdesk.domain.outbound import (
    OutboundPolicy,
    OutboxItem,
    OutboxStatus,
    OutgoingKind,
    ReplyContent,
    compose,
    references_for,
    retry_delay,
    subject_line,
)

OURS = frozenset({"support@desk.test"})


def email(**values: object) -> InboundEmail:
    base: dict[str, object] = {
        "message_id": "<m1@acme.example>",
        "subject": "Phones",
        "from_address": "max@acme.example",
        "from_name": "Max",
        "text": "Hello",
    }
    base.update(values)
    return InboundEmail(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("attribution", "history"),
    [
        ("On Mon, 2 Mar 2026 at 09:00, Kestrel Support <support@desk.test> wrote:", "> Old"),
        ("Am Mo., 2. März 2026 um 09:00 Uhr schrieb Kestrel Support <support@desk.test>:", "> Alt"),
        ("Le lun. 2 mars 2026 à 09:00, Kestrel Support <support@desk.test> a écrit :", "> Ancien"),
        ("Il giorno lun 2 mar 2026 alle 09:00 Kestrel Support ha scritto:", "> Vecchio"),
        ("El lun, 2 mar 2026 a las 9:00, Kestrel Support escribió:", "> Antiguo"),
        ("-----Original Message-----", "From: Kestrel Support\nSent: Monday\nOld"),
        ("-----Ursprüngliche Nachricht-----", "Von: Kestrel Support\nGesendet: Montag\nAlt"),
        ("________________________________", "From: Kestrel Support\nSent: Monday\nOld"),
    ],
)
def test_the_quoted_history_of_every_common_client_is_separated_from_the_new_text(
    attribution: str, history: str
) -> None:
    text = f"The reboot did not help.\n\n{attribution}\n{history}\n"

    parts = split_reply(text, subject="Re: Phones")

    assert parts.new_text == "The reboot did not help."
    assert parts.quoted.startswith(attribution)


def test_a_gmail_attribution_wrapped_over_two_lines_is_still_recognised() -> None:
    text = (
        "Done.\n\nOn Mon, 2 Mar 2026 at 09:00, Kestrel Support <\nsupport@desk.test> wrote:\n> Old"
    )

    assert split_reply(text).new_text == "Done."


def test_everything_below_our_reply_marker_is_history_in_any_language() -> None:
    text = "Yes, please.\n\n> ##- Bitte geben Sie Ihre Antwort über dieser Zeile ein -##\n> Hallo"

    assert split_reply(text).new_text == "Yes, please."


def test_an_inline_answer_between_quotes_is_kept_whole() -> None:
    text = "> Which version?\n4.2\n> Which model?\nDeskPhone 300"

    assert split_reply(text).new_text == text


def test_the_signature_is_separated_at_the_standard_delimiter_and_at_mobile_footers() -> None:
    assert split_reply("Thanks\n-- \nMax Weber\nAcme").signature == "-- \nMax Weber\nAcme"
    mobile = split_reply("Thanks\n\nVon meinem iPhone gesendet")
    assert (mobile.new_text, mobile.signature) == ("Thanks", "Von meinem iPhone gesendet")


def test_a_forward_keeps_the_forwarded_mail_as_new_text() -> None:
    text = "See below.\n\nFrom: Carmen\nSent: Tuesday\nTo: Pedro\nThe phones reboot."

    assert split_reply(text, subject="FW: Phones").new_text == text
    assert split_reply(text, subject="Re: Phones").new_text == "See below."


def test_a_mail_that_only_quotes_keeps_its_text_rather_than_losing_it() -> None:
    assert split_reply("> only history").new_text == "> only history"


@pytest.mark.parametrize(
    ("values", "automated"),
    [
        ({"auto_submitted": "auto-replied"}, True),
        ({"auto_submitted": "auto-generated"}, True),
        ({"auto_submitted": "no"}, False),
        ({"precedence": "bulk"}, True),
        ({"precedence": "list"}, True),
        ({"precedence": "junk"}, True),
        ({"precedence": "first-class"}, False),
        ({"from_address": "MAILER-DAEMON@mx.acme.example".lower()}, True),
        ({"from_address": "postmaster@acme.example"}, True),
        ({"from_address": "no-reply@acme.example"}, True),
        ({"from_address": "support@desk.test"}, True),
        ({"auto_reply_header": True}, True),
        ({}, False),
    ],
)
def test_automated_mail_is_recognised(values: dict[str, object], automated: bool) -> None:
    assert (automated_reason(email(**values), OURS) is not None) is automated


def test_only_a_bracketed_ticket_number_of_our_prefix_counts() -> None:
    assert ticket_number_in_subject("Re: [TD-1042] No audio", "TD") == "TD-1042"
    assert ticket_number_in_subject("AW: [ td-1042 ] No audio", "TD") == "TD-1042"
    assert ticket_number_in_subject("Like TD-1042 last year", "TD") is None
    assert ticket_number_in_subject("Re: [XY-1042] No audio", "TD") is None


def test_message_ids_are_normalised_and_listed_nearest_first() -> None:
    assert message_id_key(" <Abc.1@MAIL.Example.COM> ") == "<Abc.1@mail.example.com>"
    assert message_id_key("no brackets@x.example") == ""  # a space cannot be in an id
    assert message_id_key("bare@X.example") == "<bare@x.example>"
    assert len(message_id_key("<" + "x" * 600 + "@a.example>")) < 100
    refs = message_id_list("<a@x> <b@x>\n <c@x> <a@x>")
    assert refs == ("<a@x>", "<b@x>", "<c@x>")
    mail = email(in_reply_to=("<c@x>",), references=refs)
    assert thread_keys(mail) == ["<c@x>", "<b@x>", "<a@x>"]


def test_a_new_contact_is_named_from_the_display_name_or_the_address() -> None:
    assert sender_name(email(from_name='"Weber, Max"')) == "Weber, Max"
    assert sender_name(email(from_name="", from_address="anna.keller@acme.example")) == (
        "Anna Keller"
    )


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    policy = OutboundPolicy(
        "support@desk.test", backoff=timedelta(minutes=1), backoff_max=timedelta(minutes=30)
    )

    delays = [retry_delay(n, policy) for n in (1, 2, 3, 4, 5, 6, 100)]

    assert [d.total_seconds() / 60 for d in delays] == [1, 2, 4, 8, 16, 30, 30]


def test_long_reference_chains_keep_the_first_and_the_newest_ids() -> None:
    chain = [f"<{n}@x>" for n in range(15)]

    kept = references_for(chain)

    assert kept[0] == "<0@x>" and kept[-1] == "<14@x>" and len(kept) == 10


def test_the_template_language_is_the_first_supported_one() -> None:
    assert customer_language("de-AT", "en") == "de"
    assert customer_language("nl", "fr") == "fr"
    assert customer_language(None, "pt") == "en"


def test_a_composed_reply_threads_and_escapes_what_the_agent_wrote() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    item = OutboxItem(
        id=7,
        ticket_id=42,
        kind=OutgoingKind.REPLY,
        to_address="max@acme.example",
        language="it",
        status=OutboxStatus.SENDING,
        attempts=1,
        created_at=now,
        next_attempt_at=now,
        message_id=9,
    )

    mail = compose(
        item,
        OutboundPolicy("support@desk.test", from_name="Kestrel Support"),
        message_id="<td-1042.7.ab@desk.test>",
        ticket_number="TD-1042",
        ticket_subject="Audio <b>one-way</b>",
        recipient_name="Max",
        reply=ReplyContent("Use <NAT> off & retry", None, "Ana Ruiz"),
        thread=["<first@acme.example>", "<td-1042.7.ab@desk.test>"],
    )

    assert mail.subject == "Re: [TD-1042] Audio <b>one-way</b>"
    assert mail.in_reply_to == "<first@acme.example>"
    assert mail.references == ("<first@acme.example>",)
    assert "Scriva la sua risposta sopra questa riga" in mail.text
    assert "Use &lt;NAT&gt; off &amp; retry" in mail.html
    assert "<b>one-way</b>" not in mail.html
    assert mail.auto_submitted is None
    assert subject_line(OutgoingKind.ACKNOWLEDGEMENT, "TD-1", "[TD-1] x") == "[TD-1] x"
