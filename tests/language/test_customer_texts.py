"""Every text the desk writes to customers exists in English, German, Italian, French and
Spanish with the same placeholders, every key the code and the portal's templates ask for is
there, and a language without texts reads English."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tierdesk.domain.clarify import Needed, question_text
from tierdesk.domain.customer_texts import (
    CATALOGUES,
    customer_language,
    customer_text,
    has_text,
    minutes_phrase,
)
from tierdesk.domain.incidents import IncidentStatus
from tierdesk.domain.outbound import OutboundPolicy
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Status
from tierdesk.services.portal import magic_link_email
from tierdesk.services.sign_in_limits import lockout_notice
from tierdesk.services.web_sessions import IssuedLink

SOURCE = Path(__file__).resolve().parents[2] / "src" / "tierdesk"
FIVE = ("en", "de", "it", "fr", "es")
# A key written out where a text is asked for: customer_text(language, "key"…) or t("key"…)
# (every key has a section and a name: "defect.fixed"; "status." ~ value is put together)
_ASKED = re.compile(
    r"""(?:customer_text\([^,()]+,\s*|\bt\()\s*["']([a-z_\-]+(?:\.[a-z_\-]+)+)["']"""
)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_customer_text_exists_in_all_five_languages_with_the_same_placeholders() -> None:
    assert tuple(CATALOGUES) == FIVE
    english = CATALOGUES["en"]
    for language in FIVE:
        catalogue = CATALOGUES[language]
        assert set(catalogue) == set(english), language
        for key, text in catalogue.items():
            assert text.strip(), (language, key)
            assert _placeholders(text) == _placeholders(english[key]), (language, key)


def test_every_key_the_code_and_the_portal_ask_for_is_in_the_catalogues() -> None:
    asked = set()
    for path in [*SOURCE.rglob("*.py"), *SOURCE.rglob("templates/**/*.html")]:
        asked |= set(_ASKED.findall(path.read_text(encoding="utf-8")))
    # and those put together from a value
    asked |= {f"clarify.{need}" for need in Needed}
    asked |= {f"incident.status.{status}" for status in IncidentStatus}
    asked |= {f"status.{status}" for status in Status}
    asked |= {f"portal.notice.{key}" for key in ("opened", "sent", "rated", "deflected")}

    assert len(asked) > 60  # the pattern still finds what it should
    assert sorted(key for key in asked if not has_text(key)) == []


@pytest.mark.parametrize(
    ("candidates", "chosen"),
    [
        (("de-CH", "en"), "de"),
        (("nl", "fr"), "fr"),
        ((None, "ES_mx"), "es"),
        (("pt", None), "en"),
        ((), "en"),
    ],
)
def test_the_customers_language_is_the_first_the_desk_has_texts_for(
    candidates: tuple[str | None, ...], chosen: str
) -> None:
    assert customer_language(*candidates) == chosen


def test_a_language_without_texts_reads_english() -> None:
    assert customer_text("nl", "csat.heading") == "How did we do?"
    assert question_text([Needed.VERSION], "ja") == (
        "Thank you for your request. So that we can help you quickly, please tell us:\n"
        "- the exact product and software version you are running",
        "en",
    )
    assert minutes_phrase("de", 1) == "1 Minute"
    assert minutes_phrase("it", 20) == "20 minuti"


CONTACT = Contact(
    email="jana@acme.example",
    name="Jana Schulz",
    organisation_id=1,
    created_at=datetime(2026, 3, 2, tzinfo=UTC),
    language="de",
)
POLICY = OutboundPolicy(from_address="support@desk.test", from_name="Kestrel Support")


def test_a_german_contacts_sign_in_link_is_written_in_german() -> None:
    mail = magic_link_email(IssuedLink(CONTACT, "t0ken"), "https://desk.test/portal/x", POLICY)

    assert mail.subject == "Ihr Anmeldelink"
    assert mail.text.startswith("Guten Tag Jana Schulz,\n\nmit diesem Link melden Sie sich")
    assert "20 Minuten lang gültig" in mail.text
    assert '<a href="https://desk.test/portal/x">Anmelden</a>' in mail.html


def test_a_german_contacts_lock_out_notice_is_german_and_an_agents_english() -> None:
    agent = Agent(email="a@kestrel.example", name="Ann", created_at=CONTACT.created_at)

    customer = lockout_notice(CONTACT, 301, POLICY)
    colleague = lockout_notice(agent, 60, POLICY)

    assert customer.subject == "Die Anmeldung an Ihrem Konto wurde vorübergehend gesperrt"
    assert "im Support-Portal mehrmals ein falsches Passwort" in customer.text
    assert "für 6 Minuten gesperrt" in customer.text
    assert colleague.subject == "Sign-in to your account was paused"
    assert "at the workspace several times" in colleague.text
    assert "paused for 1 minute." in colleague.text
