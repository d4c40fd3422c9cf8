"""``tierdesk audit list``: the desk-wide trail in the terminal, filtered and paged."""

from __future__ import annotations

from tests.cli.conftest import Invoke
from tests.factories import make_agent, make_organisation
from tierdesk.domain.people import Tier
from tierdesk.services import queues
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_audit_list_shows_filtered_events_newest_first(tierdesk: Invoke, desk: Desk) -> None:
    make_organisation(desk, name="Acme Telecom")
    agent = make_agent(desk)
    queues.create_queue(desk, SYSTEM, queues.NewQueue(key="sbc", name="SBC", tier=Tier.L1))

    everything = tierdesk("audit", "list")
    agents_only = tierdesk("audit", "list", "--entity", "agent", "--actor", "system")

    assert everything.exit_code == 0, everything.output
    lines = everything.stdout.splitlines()
    assert lines[0].split() == ["id", "at", "(UTC)", "who", "action", "record", "changes"]
    actions = [line.split()[4] for line in lines[2:]]
    assert actions == ["queue.created", "agent.created", "organisation.created"]
    assert '"name": "Acme Telecom"' in everything.stdout
    assert agents_only.exit_code == 0, agents_only.output
    [row] = agents_only.stdout.splitlines()[2:]
    assert "agent.created" in row and agent.email in row


def test_audit_list_pages_with_a_cursor(tierdesk: Invoke, desk: Desk) -> None:
    for n in range(3):
        queues.create_queue(desk, SYSTEM, queues.NewQueue(key=f"q{n}", name="Q", tier=Tier.L1))

    first = tierdesk("audit", "list", "--limit", "2")
    cursor = first.stderr.split("--cursor ")[1].strip()
    rest = tierdesk("audit", "list", "--limit", "2", "--cursor", cursor)

    assert first.exit_code == 0 and rest.exit_code == 0, first.output + rest.output
    assert len(first.stdout.splitlines()[2:]) == 2
    assert len(rest.stdout.splitlines()[2:]) == 1
    assert "--cursor" not in rest.stderr


def test_audit_list_refuses_a_bad_date_with_a_message(tierdesk: Invoke) -> None:
    result = tierdesk("audit", "list", "--since", "soon")

    assert result.exit_code == 1
    assert "since 'soon' is not a date" in result.stderr
