"""An imported Zendesk history on the web: the portal shows a customer the public thread only;
the workspace shows an agent everything, the trail included."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import make_organisation
from tests.web.conftest import PASSWORD, Browser, WebDesk
from tests.zendesk_export import served_export
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.imports import Outcome, RecordKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import imports, people
from tierdesk.services.access import desk_ticket
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]


@pytest.fixture
def export(tmp_path: Path) -> Iterator[Path]:
    with served_export(tmp_path) as directory:
        yield directory


def test_a_customer_already_on_the_desk_sees_their_imported_ticket_without_private_comments(
    app: Tierdesk, export: Path, signed_in: SignIn
) -> None:
    organisation = make_organisation(app.desk, name="Ölwerk Nord")
    carl = people.create_contact(
        app.desk,
        SYSTEM,
        people.NewContact(
            email="carl@oelwerk.example",
            name="Carl",
            organisation=organisation.name,
            password=PASSWORD,
        ),
    ).contact

    source = app.import_source("zendesk", export)
    report = imports.import_history(
        app.desk, SYSTEM, source, app.attachment_fetcher(allow_private=True)
    )
    with app.desk.uow() as uow:
        ref = uow.imports.find("zendesk", RecordKind.TICKET, ["501"])["501"]
        ticket = desk_ticket(uow, ref.record_id, why="history import")
    assert ticket is not None

    page = signed_in(carl).get(f"/portal/tickets/{ticket.number}").text

    linked = {r.reason for r in report.rows if r.outcome is Outcome.SKIPPED}
    assert "linked to the desk's contact carl@oelwerk.example" in linked
    assert "linked to the desk's organisation 'Ölwerk Nord'" in linked
    assert ticket.requester_id == carl.id
    assert "Please renew the lease timer" in page
    assert "SECRET" not in page


def test_an_agent_reads_an_imported_ticket_with_its_notes_and_its_import_in_the_trail(
    web: WebDesk, export: Path, signed_in: SignIn
) -> None:
    app = web.app
    source = app.import_source("zendesk", export)
    imports.import_history(app.desk, SYSTEM, source, app.attachment_fetcher(allow_private=True))
    with app.desk.uow() as uow:
        ref = uow.imports.find("zendesk", RecordKind.TICKET, ["504"])["504"]
        ticket = desk_ticket(uow, ref.record_id, why="history import")
    assert ticket is not None

    response = signed_in(web.l1).get(f"/tickets/{ticket.number}")

    assert response.status_code == 200
    page = response.text
    assert "Replaced the trunk card" in page
    assert "Deleted user #99" in page
    assert '<strong>ticket.imported</strong> <span class="by">by import:zendesk</span>' in page
