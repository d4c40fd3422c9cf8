"""agent, contact, org and token commands: what they store, what they print, what they refuse."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke
from tests.services.support import stored_state
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM, authenticate_token
from tierdesk.services.desk import Desk


def test_agent_create_stores_an_agent_at_every_given_level(tierdesk: Invoke, desk: Desk) -> None:
    result = tierdesk(
        "agent", "create", "--email", "Jane@Kestrel.example", "--name", "Jane Doe",
        "--tier", "1", "--tier", "L3", "--role", "lead", "--skill", "Kestrel SBC",
        "--language", "de", "--language", "en",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Created agent Jane Doe <jane@kestrel.example>" in result.stdout
    [agent] = people.list_agents(desk, SYSTEM)
    assert (agent.email, agent.tiers, agent.role) == ("jane@kestrel.example", [1, 3], Role.LEAD)
    assert (agent.skills, agent.languages) == (["Kestrel SBC"], ["de", "en"])
    assert agent.password_hash is None
    listing = tierdesk("agent", "list")
    assert "jane@kestrel.example" in listing.stdout
    assert "L1, L3" in listing.stdout


def test_agent_create_reads_a_password_from_standard_input(tierdesk: Invoke, desk: Desk) -> None:
    result = tierdesk(
        "agent", "create", "--email", "pw@kestrel.example", "--name", "Pat", "--tier", "2",
        "--password-stdin", input="correct horse battery\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    [agent] = people.list_agents(desk, SYSTEM)
    assert agent.password_hash is not None
    assert desk.passwords.verify(agent.password_hash, "correct horse battery")


def test_agent_set_password_lets_an_imported_agent_sign_in_and_refuses_a_weak_one(
    tierdesk: Invoke, desk: Desk
) -> None:
    tierdesk("agent", "create", "--email", "imp@kestrel.example", "--name", "Imp", "--tier", "1")

    weak = tierdesk("agent", "set-password", "imp@kestrel.example", "--password-stdin", input="x\n")
    done = tierdesk(
        "agent", "set-password", "IMP@kestrel.example", "--password-stdin",
        input="a long enough passphrase\n",
    )  # fmt: skip
    unknown = tierdesk(
        "agent",
        "set-password",
        "nobody@kestrel.example",
        "--password-stdin",
        input="whatever1234\n",
    )

    assert weak.exit_code == 1 and weak.stderr.startswith("Error: ")
    assert done.exit_code == 0, done.output
    [agent] = people.list_agents(desk, SYSTEM)
    assert agent.password_hash is not None
    assert desk.passwords.verify(agent.password_hash, "a long enough passphrase")
    assert unknown.exit_code == 1 and "no agent" in unknown.stderr


def test_contact_create_makes_a_missing_organisation_and_says_so(
    tierdesk: Invoke, desk: Desk
) -> None:
    result = tierdesk(
        "contact", "create", "--email", "anna@mueller.example", "--name", "Anna Schmidt",
        "--org", "Müller Logistik", "--language", "de",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Created organisation Müller Logistik on the standard plan." in result.stdout
    [organisation] = people.list_organisations(desk, SYSTEM)
    [contact] = people.list_contacts(desk, SYSTEM)
    assert (contact.organisation_id, contact.language) == (organisation.id, "de")
    assert organisation.email_domains == ["mueller.example"]

    second = tierdesk(
        "contact", "create", "--email", "jo@mueller.example", "--name", "Jo",
        "--org", "Müller Logistik",
    )  # fmt: skip
    assert second.exit_code == 0
    assert "Created organisation" not in second.stdout


def test_org_create_and_list_show_the_plan(tierdesk: Invoke) -> None:
    created = tierdesk(
        "org", "create", "--name", "Banca Alpina", "--plan", "premium",
        "--domain", "bancaalpina.example", "--country", "it",
    )  # fmt: skip

    assert created.exit_code == 0, created.output
    listing = tierdesk("org", "list")
    assert "Banca Alpina" in listing.stdout
    assert "premium" in listing.stdout
    assert "IT" in listing.stdout


def test_token_create_prints_only_the_token_on_standard_output(
    tierdesk: Invoke, desk: Desk
) -> None:
    tierdesk("contact", "create", "--email", "c@acme.example", "--name", "C", "--org", "Acme")

    result = tierdesk("token", "create", "--email", "c@acme.example", "--label", "laptop")

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    assert "shown only this once" in result.stderr
    assert authenticate_token(desk, token).email == "c@acme.example"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("agent", "create", "--email", "a@k.example", "--name", "A", "--tier", "7"), "level"),
        (("agent", "create", "--email", "not-an-address", "--name", "A", "--tier", "1"), "e-mail"),
        (
            ("contact", "create", "--email", "b@x.example", "--name", "B", "--org", "Nowhere",
             "--no-create-org"),
            "no organisation named 'Nowhere'",
        ),
        (("org", "create", "--name", "Gold Corp", "--plan", "gold"), "unknown plan 'gold'"),
        (("token", "create", "--email", "nobody@x.example"), "no agent or contact"),
        (("ticket", "show", "TD-999999"), "not found"),
    ],
    ids=["tier-7", "bad-email", "unknown-org", "unknown-plan", "unknown-person", "no-ticket"],
)  # fmt: skip
def test_bad_input_is_one_error_line_exit_1_and_stores_nothing(
    tierdesk: Invoke, app: Tierdesk, args: tuple[str, ...], message: str
) -> None:
    before = stored_state(app)

    result = tierdesk(*args)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert stored_state(app) == before


def test_a_usage_error_keeps_exit_code_2(tierdesk: Invoke, desk: Desk) -> None:
    result = tierdesk("agent", "create", "--email", "a@k.example", "--name", "A")

    assert result.exit_code == 2
    assert "--tier" in result.stderr
    assert people.list_agents(desk, SYSTEM) == []
