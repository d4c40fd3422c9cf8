"""Who is copied on a ticket, in the portal: every contact who may see the ticket sees the list,
its requester adds and removes addresses by the agents' rules, audited like theirs; what is
refused is said next to the field in the ticket's language, and never rendered as markup."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk, contact_with_password
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.ticket_people import MAX_CCS
from tierdesk.domain.tickets import Ticket
from tierdesk.services import tickets

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def customers_ticket(web: WebDesk, language: str | None = None) -> Ticket:
    return tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Fax fails", body_text="No fax.", language=language),
    )


def ccs_of(web: WebDesk, number: str) -> list[str]:
    return tickets.get_ticket(web.app.desk, web.lead, number).ccs


def test_the_requester_copies_and_uncopies_addresses_and_the_trail_says_who(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = customers_ticket(web).number or ""
    customer = signed_in(web.acme_contact)
    page = customer.get(f"/portal/tickets/{number}")
    assert "Nobody is copied." in page.text and 'name="add"' in page.text

    added = customer.post(
        f"/portal/tickets/{number}/ccs", {"add": "Ops@Acme.example, noc@carrier.example"}
    )
    assert added.status_code == 200, added.text  # the redirect followed: the ticket page
    assert "Copied addresses updated" in added.text
    assert ccs_of(web, number) == ["ops@acme.example", "noc@carrier.example"]
    assert "<span>noc@carrier.example</span>" in added.text

    customer.post(f"/portal/tickets/{number}/ccs", {"remove": "ops@acme.example"})

    assert ccs_of(web, number) == ["noc@carrier.example"]
    changes = [
        ((e.actor_kind, e.actor_id), e.changes)
        for e in tickets.ticket_events(web.app.desk, web.lead, number)
        if e.action == "ticket.ccs_changed"
    ]
    assert [c for _, c in changes] == [
        {"ccs": [[], ["ops@acme.example", "noc@carrier.example"]]},
        {"ccs": [["ops@acme.example", "noc@carrier.example"], ["noc@carrier.example"]]},
    ]
    assert {actor for actor, _ in changes} == {("contact", web.acme_contact.id)}


def test_a_bad_address_is_refused_next_to_the_field_in_the_tickets_language(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = customers_ticket(web, language="de").number or ""
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")
    url = f"/portal/tickets/{number}/ccs"

    bad = customer.post(url, {"add": "ops@acme.example ops-at-acme"}, headers=HTMX)
    many = " ".join(f"p{i}@acme.example" for i in range(MAX_CCS + 1))
    too_many = customer.post(url, {"add": many}, headers=HTMX)
    yourself = customer.post(url, {"add": web.acme_contact.email.upper()}, headers=HTMX)

    assert bad.status_code == 422
    assert bad.headers["X-Desk-Fields"] == "ccs"
    assert "\u201eops-at-acme\u201c ist keine E-Mail-Adresse." in bad.text
    assert too_many.status_code == 422 and f"Höchstens {MAX_CCS} Adressen" in too_many.text
    assert yourself.status_code == 422 and "nicht selbst in Kopie" in yourself.text
    assert ccs_of(web, number) == []


def test_a_script_typed_as_an_address_comes_back_as_text(web: WebDesk, signed_in: SignIn) -> None:
    number = customers_ticket(web).number or ""
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")

    # a plain form post (no HTMX): the message comes back in the portal's error page
    refused = customer.post(
        f"/portal/tickets/{number}/ccs", {"add": "<script>alert(1)</script>@evil.example"}
    )

    assert refused.status_code == 422
    assert "<script>alert(1)" not in refused.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@evil.example" in refused.text


def test_a_colleague_sees_who_is_copied_but_only_the_requester_changes_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = customers_ticket(web).number or ""
    requester = signed_in(web.acme_contact)
    requester.get(f"/portal/tickets/{number}")
    requester.post(f"/portal/tickets/{number}/ccs", {"add": "ops@acme.example"})
    colleague = signed_in(contact_with_password(web.app, web.acme))

    page = colleague.get(f"/portal/tickets/{number}")
    refused = colleague.post(
        f"/portal/tickets/{number}/ccs", {"remove": "ops@acme.example"}, headers=HTMX
    )

    assert "<span>ops@acme.example</span>" in page.text
    assert 'name="add"' not in page.text and 'name="remove"' not in page.text
    assert "Only the person who opened this ticket can change who is copied." in page.text
    assert refused.status_code == 403
    assert ccs_of(web, number) == ["ops@acme.example"]
    other = signed_in(web.globex_contact).get(f"/portal/tickets/{number}")
    assert other.status_code == 404
