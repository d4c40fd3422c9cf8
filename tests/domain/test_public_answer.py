"""The answer a solved ticket gives its customer, drafted from the agent's last public replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tierdesk.domain.article_draft import SourceTicket, draft_article
from tierdesk.domain.message_prose import own_text
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.public_answer import draft_public_answer
from tierdesk.domain.visibility import SolutionView

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CUSTOMER, REPLY, NOTE = MessageKind.CUSTOMER, MessageKind.PUBLIC_REPLY, MessageKind.INTERNAL_NOTE

# An agent's answer as the demo's German trunk ticket has it: steps that are patterns and menu
# paths (machine text to a log reader), headings between them, a greeting and a signature.
RULES = """Hallo Jürgen Vogel,

hier die Regeln. Legen Sie sie unter Web admin > SIP > Manipulation > Rules an:

Ausgehend (TK-Anlage zum Carrier), Header Request-URI/To und From:
1. Notruf: Muster ^(110|112)$, Aktion "no change", Verarbeitung beenden.
2. International: Muster ^00([1-9]\\d+)$, ersetzen durch +\\1.
3. National: Muster ^0([1-9]\\d+)$, ersetzen durch +49\\1.

Eingehend (Carrier zur TK-Anlage):
4. Web UI > SIP > Trunks > carrier: Ziel 0\\1.


Testen Sie jede Regel mit der Schaltfläche "Test rule".

Viele Grüße
Anna Keller"""


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


def test_the_answer_keeps_every_step_heading_and_command_on_its_line() -> None:
    thread = _thread(
        (CUSTOMER, "Wo stelle ich die Umwandlung ein?"),
        (NOTE, "How-to, admin guide 5.4."),
        (REPLY, RULES),
        (CUSTOMER, "Funktioniert, danke!"),
    )

    answer = draft_public_answer(thread)

    assert answer == (
        "Hier die Regeln. Legen Sie sie unter Web admin > SIP > Manipulation > Rules an:\n\n"
        "Ausgehend (TK-Anlage zum Carrier), Header Request-URI/To und From:\n"
        '1. Notruf: Muster ^(110|112)$, Aktion "no change", Verarbeitung beenden.\n'
        "2. International: Muster ^00([1-9]\\d+)$, ersetzen durch +\\1.\n"
        "3. National: Muster ^0([1-9]\\d+)$, ersetzen durch +49\\1.\n\n"
        "Eingehend (Carrier zur TK-Anlage):\n"
        "4. Web UI > SIP > Trunks > carrier: Ziel 0\\1.\n\n"
        'Testen Sie jede Regel mit der Schaltfläche "Test rule".'
    )


def test_an_answer_in_two_replies_leaves_out_quoted_history_and_both_signatures() -> None:
    thread = _thread(
        (CUSTOMER, "Phones get no address."),
        (REPLY, "Hello Kevin,\n\nthe pool is full.\n\nRegards,\nTom Fletcher"),
        (
            REPLY,
            "Immediate relief:\n1. Run `dhcp clear leases pool lan inactive`.\n\n"
            "Regards,\nTom Fletcher\n\nOn Monday Kevin wrote:\n> Phones get no address.",
        ),
    )

    answer = draft_public_answer(thread)

    assert answer == (
        "The pool is full.\n\nImmediate relief:\n1. Run `dhcp clear leases pool lan inactive`."
    )


def test_an_article_drafted_from_the_answer_has_all_its_steps() -> None:
    thread = _thread((CUSTOMER, "Wo stelle ich die Umwandlung ein?"), (REPLY, RULES))
    answer = draft_public_answer(thread)
    solution = SolutionView(
        ticket_id=1,
        number="TD-1",
        subject="Rufnummernformat am Trunk",
        status="solved",
        solved_at=None,
        thread=tuple(thread),
        resolution="",
        public_answer=answer,
        records=(),
        openable=True,
    )

    article = draft_article([SourceTicket(solution)])

    assert [step[:14] for step in article.steps] == [
        "Notruf: Muster",
        "International:",
        "National: Must",
        "Web UI > SIP >",
    ]


def test_a_greeting_on_the_first_line_of_text_is_left_out_with_its_addressee() -> None:
    """A solved ticket's answer is quoted to other customers: "Dear Harry, the relay…" greeted
    them by a stranger's name. A greeting alone on its line was left out already."""
    typed = "Dear Harry, the DHCP relay pointed to the old server.\nWe updated it.\n\nBest regards"

    assert own_text(typed) == "The DHCP relay pointed to the old server.\nWe updated it."
    assert own_text("Hallo, Port 5060 ist zu.") == "Port 5060 ist zu."
    assert own_text("Hi there, port 5060 is closed.") == "Hi there, port 5060 is closed."
