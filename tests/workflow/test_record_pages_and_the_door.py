"""A record's page (known issue, defect, incident, enhancement) lists only the linked tickets
its reader may open: the link count says how many there are, the list never shows a ticket
past the reader's level. Fails if the record pages stop going through the reader's door."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.workflow.conftest import FULL_PACKET, World

# Each makes a record linked to both tickets (as those who may) and returns its page's path.
Records = Callable[[World, str, str], str]


def _known_issue(world: World, first: str, second: str) -> str:
    created = world.post(
        "/known-issues", "l2", title="Transfers drop", symptoms="Calls drop", fix="Disable ALG."
    )
    assert created.status_code == 201, created.text
    path = f"/known-issues/{created.json()['id']}"
    for number in (first, second):
        assert world.post(f"{path}/tickets", "lead", ticket=number).status_code == 200
    return path


def _defect(world: World, first: str, second: str) -> str:
    opened = world.post("/defects", "l3", ticket=second)  # the escalated one has a packet
    assert opened.status_code == 201, opened.text
    path = f"/defects/{opened.json()['id']}"
    assert world.post(f"{path}/tickets", "l3", ticket=first).status_code == 200
    return path


def _incident(world: World, first: str, second: str) -> str:
    declared = world.post("/incidents", "l4", title="Trunk down", tickets=[first, second])
    assert declared.status_code == 201, declared.text
    return f"/incidents/{declared.json()['id']}"


def _enhancement(world: World, first: str, second: str) -> str:
    created = world.post("/enhancements", "l1", title="Busy lamp field", product="kestrel-pbx")
    assert created.status_code == 201, created.text
    path = f"/enhancements/{created.json()['id']}"
    for number in (first, second):
        assert world.post(f"{path}/tickets", "lead", ticket=number).status_code == 200
    return path


RECORDS: dict[str, Records] = {
    "known issue": _known_issue,
    "defect": _defect,
    "incident": _incident,
    "enhancement": _enhancement,
}


@pytest.mark.parametrize("kind", RECORDS)
def test_a_record_page_never_lists_a_linked_ticket_its_reader_may_not_see(
    world: World, kind: str
) -> None:
    at_intake = world.open("alpine", subject="Calls drop at intake")
    deeper = world.open("alpine", subject="Calls drop, escalated")
    escalated = world.post(
        f"/tickets/{deeper}/escalate", "lead", to_level=2, reason="deeper", packet=FULL_PACKET
    )
    assert escalated.status_code == 200, escalated.text
    path = RECORDS[kind](world, at_intake, deeper)

    for_l1 = world.get(path, "l1").json()  # level 1 sees intake's ticket, not level 2's
    for_lead = world.get(path, "lead").json()

    assert [t["number"] for t in for_l1["tickets"]] == [at_intake]
    assert sorted(t["number"] for t in for_lead["tickets"]) == sorted([at_intake, deeper])
