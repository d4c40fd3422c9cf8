"""The portal speaks the customer's language: a German ticket opened in the portal is routed to
the German intake and a German speaker, and its page (status, the satisfaction request, the
notices) is German; a customer who states a language reads the portal in it whatever their
ticket's language; before sign-in the browser's Accept-Language decides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from tests.language.support import GERMAN, language_desk
from tests.web.conftest import PASSWORD, Browser, WebDesk, contact_with_password
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]


def test_a_german_customer_gets_a_german_satisfaction_request_in_the_portal(
    web: WebDesk, signed_in: SignIn
) -> None:
    world = language_desk(web.app.desk)
    contact = contact_with_password(web.app, world.organisation)  # states no language
    customer = signed_in(contact)
    customer.get("/portal/tickets/new")

    opened = customer.post("/portal/tickets", {"subject": "Kein Ton", "body": GERMAN})

    number = opened.url.path.rsplit("/", 1)[-1]
    assert "Ticket eröffnet" in opened.text
    ticket = tickets.get_ticket(web.app.desk, world.lead, number)
    assert (ticket.language, ticket.tier, ticket.queue) == ("de", Tier.L1, "intake-de")
    assert ticket.assignee_id == world.greta.id

    tickets.solve_ticket(web.app.desk, world.lead, number, "Router neu gestartet.")
    page = customer.get(f"/portal/tickets/{number}").text

    assert '<html lang="de">' in page
    assert "Status: <strong>gelöst</strong>" in page
    assert "<h2>Wie zufrieden waren Sie mit uns?</h2>" in page
    assert "Wie zufrieden sind Sie mit unserer Hilfe, von 1 (schlecht) bis 5" in page
    assert ">Bewerten</button>" in page
    rated = customer.post(f"/portal/tickets/{number}/rating", {"score": "5"})
    assert "Vielen Dank für Ihre Bewertung" in rated.text
    assert "Sie haben dieses Ticket mit 5/5 bewertet." in rated.text
    listing = customer.get("/portal/tickets").text  # the contact now states German
    assert "<h1>Unsere Tickets</h1>" in listing
    assert "gelöst · bewertet mit 5/5" in listing


def test_before_sign_in_the_portal_speaks_the_browsers_language(
    new_browser: Callable[[], Browser],
) -> None:
    browser = new_browser()

    french = browser.get(
        "/portal/signin", headers={"Accept-Language": "nl;q=1, fr-CH;q=0.9, en;q=0.5"}
    ).text
    english = browser.get("/portal/signin", headers={"Accept-Language": "nl, ja"}).text

    assert '<html lang="fr">' in french
    assert "<h1>Connexion au portail d&#39;assistance</h1>" in french
    assert "<h1>Sign in to the support portal</h1>" in english


def test_a_customer_is_told_what_went_wrong_in_their_language(
    web: WebDesk, new_browser: Callable[[], Browser]
) -> None:
    world = language_desk(web.app.desk)
    contact = contact_with_password(web.app, world.organisation)  # states no language
    browser = new_browser()
    browser.client.headers["Accept-Language"] = "de-CH, de;q=0.9"

    refused = browser.sign_in(contact, password="wrong")
    browser.sign_in(contact)
    browser.get("/portal/tickets/new")
    empty = browser.post("/portal/tickets", {"subject": ""}, headers={"HX-Request": "true"})
    lost = browser.get("/portal/nowhere")

    assert refused.status_code == 401
    assert "Falsche E-Mail-Adresse oder falsches Passwort." in refused.text
    assert empty.status_code == 422
    assert empty.text == "Bitte ausfüllen: Betreff, Beschreibung."
    assert empty.headers["X-Desk-Fields"] == "subject,body"
    assert lost.status_code == 404
    assert "Unter dieser Adresse gibt es keine Seite." in lost.text
    # still signed in: the portal's menu and its way out stay on the error page
    assert "Unsere Tickets" in lost.text and ">Abmelden</button>" in lost.text
    missing = browser.get("/portal/tickets/TD-999999")
    assert missing.status_code == 404 and ">Abmelden</button>" in missing.text


def _stating(web: WebDesk, organisation: str, email: str, language: str) -> Contact:
    """A contact with a password who states the language they read."""
    new = people.NewContact(email, email.split("@")[0], organisation, language, password=PASSWORD)
    return people.create_contact(web.app.desk, SYSTEM, new).contact


def test_a_customer_who_states_a_language_reads_the_portal_in_it_on_an_english_ticket(
    web: WebDesk, signed_in: SignIn
) -> None:
    world = language_desk(web.app.desk)
    contact = _stating(web, world.organisation.name, "chiara@example.it", "it")
    english = tickets.open_ticket(
        web.app.desk,
        contact,
        tickets.NewTicket(subject="No audio", body_text="No audio on calls.", language="en"),
    )
    customer = signed_in(contact)

    page = customer.get(f"/portal/tickets/{english.number}").text

    assert '<html lang="it">' in page
    assert "No audio on calls." in page  # the thread as written
    assert "Esci" in page and "Sign out" not in page


def test_the_portal_writes_moments_as_the_customers_language_does_and_the_workspace_in_iso(
    web: WebDesk, signed_in: SignIn
) -> None:
    world = language_desk(web.app.desk)
    contact = _stating(web, world.organisation.name, "jonas@example.de", "de")
    opened = tickets.open_ticket(
        web.app.desk, contact, tickets.NewTicket(subject="Kein Ton", body_text=GERMAN)
    )
    at = opened.created_at.astimezone(UTC)

    portal = signed_in(contact).get(f"/portal/tickets/{opened.number}").text
    workspace = signed_in(web.lead).get(f"/tickets/{opened.number}").text

    assert at.strftime("%d.%m.%Y, %H:%M UTC") in portal
    assert at.strftime("%Y-%m-%d %H:%M UTC") not in portal
    assert at.strftime("%Y-%m-%d %H:%M UTC") in workspace
