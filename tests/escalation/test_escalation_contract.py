"""The escalation contract through the API, on both engines: packets, accept, bounce, levels."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.factories import make_agent, make_contact, make_organisation, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role

PACKET: dict[str, Any] = {
    "symptoms": "Callers hear nothing after the upgrade to 6.0.0",
    "product": "Kestrel SBC",
    "version": "6.0.0",
    "environment": "Two-node HA pair behind a NAT firewall",
    "steps_tried": [{"step": "Enabled symmetric RTP", "result": "no change"}],
    "hypotheses": ["The media relay advertises the private address"],
    "open_questions": ["Is the firewall doing SIP ALG?"],
}


class Desk:
    """Two levels' engineers, a lead, a customer on a standard plan, through real HTTP calls."""

    def __init__(self, app: Tierdesk, client: TestClient) -> None:
        desk = app.desk
        self.client = client
        organisation = make_organisation(desk, plan="standard")
        self.customer_id = make_contact(desk, organisation=organisation).id
        self.customer = bearer(token_for(desk, make_contact(desk, organisation=organisation)))
        self.l1_agent = make_agent(desk, tiers=[1])
        self.l2_agent = make_agent(desk, tiers=[2])
        self.l1 = bearer(token_for(desk, self.l1_agent))
        self.l2 = bearer(token_for(desk, self.l2_agent))
        self.lead = bearer(token_for(desk, make_agent(desk, tiers=[1], role=Role.LEAD)))

    def open_at_l1(self) -> str:
        """A ticket handed from intake to level 1 and taken there by the L1 engineer."""
        number = self.open()
        moved = self.post(
            f"/tickets/{number}/escalate",
            self.lead,
            to_level=1,
            reason="intake done",
            packet={"symptoms": "one-way audio"},
        )
        assert moved.status_code == 200, moved.text
        taken = self.post(f"/tickets/{number}/escalation/accept", self.l1)
        assert taken.status_code == 200, taken.text
        return number

    def open(self, **extra: Any) -> str:
        body = {
            "subject": "One-way audio",
            "body": "Since this morning callers hear nothing.",
            **extra,
        }
        response = self.client.post("/api/v1/tickets", json=body, headers=self.customer)
        assert response.status_code == 201, response.text
        return str(response.json()["number"])

    def post(self, path: str, headers: dict[str, str], **body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=body, headers=headers)

    def events(self, number: str) -> list[dict[str, Any]]:
        response = self.client.get(f"/api/v1/tickets/{number}/events", headers=self.lead)
        return list(response.json()["items"])


@pytest.fixture
def world(app: Tierdesk, client: TestClient) -> Desk:
    return Desk(app, client)


def test_escalate_bounce_escalate_accept_is_refused_without_a_packet_and_audited(
    world: Desk,
) -> None:
    number = world.open_at_l1()
    events_before = len(world.events(number))

    refused = world.post(f"/tickets/{number}/escalate", world.l1, to_level=2, reason="needs L2")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "hand-off packet" in error["message"]
    assert set(error["missing"]) == {"symptoms", "environment", "steps_tried"}
    assert len(world.events(number)) == events_before  # nothing stored

    first = world.post(
        f"/tickets/{number}/escalate",
        world.l1,
        to_level=2,
        reason="RTP analysis is beyond L1",
        packet=PACKET,
    )
    assert first.status_code == 200, first.text
    assert first.json()["level"] == 2

    bounced = world.post(
        f"/tickets/{number}/escalation/bounce",
        world.l2,
        reason="documented workaround",
        guidance="Disable SIP ALG on the customer's firewall first (manual 5.3).",
    )
    assert bounced.status_code == 200, bounced.text
    assert bounced.json()["level"] == 1
    assert bounced.json()["assignee_id"] == world.l1_agent.id  # back to whoever escalated

    again = world.post(
        f"/tickets/{number}/escalate",
        world.l1,
        to_level=2,
        reason="SIP ALG off, still one-way",
        packet={
            **PACKET,
            "steps_tried": [{"step": "Disabled SIP ALG", "result": "still one-way audio"}],
        },
    )
    assert again.status_code == 200, again.text

    accepted = world.post(f"/tickets/{number}/escalation/accept", world.l2)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["assignee_id"] == world.l2_agent.id

    trail = [
        (e["action"], e["reason"])
        for e in world.events(number)
        if e["action"].startswith(("ticket.escalated", "ticket.de_escalated", "escalation."))
    ]
    assert trail == [
        ("ticket.escalated", "intake done"),
        ("escalation.accepted", None),
        ("ticket.escalated", "RTP analysis is beyond L1"),
        ("ticket.de_escalated", "documented workaround"),
        ("escalation.bounced", "documented workaround"),
        ("ticket.escalated", "SIP ALG off, still one-way"),
        ("escalation.accepted", None),
    ]
    bounce = next(e for e in world.events(number) if e["action"] == "escalation.bounced")
    assert bounce["changes"]["guidance"].startswith("Disable SIP ALG")

    packets = world.client.get(f"/api/v1/tickets/{number}/packets", headers=world.l2).json()[
        "items"
    ]
    assert [(p["sequence"], p["revision"], p["status"]) for p in packets] == [
        (1, 1, "accepted"),
        (2, 1, "bounced"),
        (3, 1, "accepted"),
    ]
    assert packets[1]["guidance"].startswith("Disable SIP ALG")
    assert packets[2]["content"]["steps_tried"][0]["step"] == "Disabled SIP ALG"
    assert "Hypothesis: The media relay" in packets[2]["summary"]


def test_only_the_receiving_level_accepts_or_bounces(world: Desk) -> None:
    number = world.open()
    world.post(f"/tickets/{number}/escalate", world.l1, to_level=2, reason="why", packet=PACKET)
    assert world.post(f"/tickets/{number}/escalation/accept", world.l1).status_code == 403
    assert (
        world.post(
            f"/tickets/{number}/escalation/bounce", world.l1, reason="r", guidance="g"
        ).status_code
        == 403
    )
    assert world.post(f"/tickets/{number}/escalation/accept", world.customer).status_code == 403
    assert (
        world.client.get(f"/api/v1/tickets/{number}/packets", headers=world.customer).status_code
        == 403
    )
    assert world.post(f"/tickets/{number}/escalation/accept", world.l2).status_code == 200
    twice = world.post(f"/tickets/{number}/escalation/accept", world.l2)
    assert twice.status_code == 409


def test_a_ticket_that_was_not_escalated_cannot_be_accepted_or_bounced(world: Desk) -> None:
    number = world.open()
    assert world.post(f"/tickets/{number}/escalation/accept", world.lead).status_code == 409
    bounce = world.post(
        f"/tickets/{number}/escalation/bounce", world.lead, reason="r", guidance="g"
    )
    assert bounce.status_code == 409


def test_the_plan_decides_how_deep_a_ticket_may_go(app: Tierdesk, world: Desk) -> None:
    basic = make_organisation(app.desk, plan="basic")
    customer = bearer(token_for(app.desk, make_contact(app.desk, organisation=basic)))
    opened = world.client.post(
        "/api/v1/tickets", json={"subject": "x", "body": "y"}, headers=customer
    )
    number = opened.json()["number"]
    refused = world.post(
        f"/tickets/{number}/escalate", world.lead, to_level=3, reason="deep", packet=PACKET
    )
    assert refused.status_code == 403
    assert "Basic plan reaches up to L2" in refused.json()["error"]["message"]


def test_amending_a_packet_keeps_every_revision(world: Desk) -> None:
    number = world.open()
    world.post(f"/tickets/{number}/escalate", world.l1, to_level=2, reason="why", packet=PACKET)
    amended = world.client.put(
        f"/api/v1/tickets/{number}/packets/1",
        headers=world.l1,
        json={**PACKET, "open_questions": []},
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["revision"] == 2
    revisions = world.client.get(f"/api/v1/tickets/{number}/packets", headers=world.l2).json()[
        "items"
    ]
    assert [r["revision"] for r in revisions] == [1, 2]
    assert revisions[0]["content"]["open_questions"] == PACKET["open_questions"]
    assert revisions[1]["content"]["open_questions"] == []
    assert "packet.amended" in [e["action"] for e in world.events(number)]
    incomplete = world.client.put(
        f"/api/v1/tickets/{number}/packets/1", headers=world.l1, json={"symptoms": "only this"}
    )
    assert incomplete.status_code == 422


def test_the_draft_packet_is_read_off_the_thread(world: Desk) -> None:
    number = world.open(
        body="Since 6.0.0 on sbc-1.acme.example (10.0.0.5) callers hear "
        "nothing. Outbound calls are fine."
    )
    world.post(
        f"/tickets/{number}/messages",
        world.l1,
        kind="public-reply",
        body="Please try:\n1. Enable symmetric RTP\n2. Restart the media relay\nThanks",
    )
    world.post(f"/tickets/{number}/messages", world.customer, body="Done, no change at all.")
    world.post(
        f"/tickets/{number}/messages",
        world.l1,
        kind="internal-note",
        body="I suspect the NAT firewall rewrites SDP. Checked the relay counters.",
    )

    draft = world.client.get(f"/api/v1/tickets/{number}/packets/draft", headers=world.l1)
    assert draft.status_code == 200, draft.text
    packet = draft.json()
    assert packet["symptoms"].startswith("One-way audio: Since 6.0.0")
    assert "10.0.0.5" in packet["environment"]
    assert "sbc-1.acme.example" in packet["environment"]
    assert {"step": "Enable symmetric RTP", "result": "Done, no change at all."} in packet[
        "steps_tried"
    ]
    assert any(s["step"].startswith("Checked the relay") for s in packet["steps_tried"])
    assert packet["hypotheses"] == ["I suspect the NAT firewall rewrites SDP."]
    escalated = world.post(
        f"/tickets/{number}/escalate", world.l1, to_level=2, reason="drafted packet", packet=packet
    )
    assert escalated.status_code == 200, escalated.text


def test_levels_are_configuration_that_leads_change(world: Desk) -> None:
    levels = world.client.get("/api/v1/levels", headers=world.l1).json()["items"]
    assert [lv["label"] for lv in levels] == ["L0", "L1", "L2", "L3", "L4"]
    assert [lv["takes_from_customers"] for lv in levels] == [True, True, True, False, False]
    l2 = levels[2]
    assert world.l2_agent.email in [m["email"] for m in l2["members"]]

    refused = world.client.patch(
        "/api/v1/levels/2", headers=world.l1, json={"required_packet_fields": []}
    )
    assert refused.status_code == 403
    bad = world.client.patch(
        "/api/v1/levels/L2", headers=world.lead, json={"required_packet_fields": ["horoscope"]}
    )
    assert bad.status_code == 422
    changed = world.client.patch(
        "/api/v1/levels/L2",
        headers=world.lead,
        json={"required_packet_fields": ["symptoms", "diagnostics"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["required_packet_fields"] == ["symptoms", "diagnostics"]

    number = world.open()
    refused_packet = world.post(
        f"/tickets/{number}/escalate", world.l1, to_level=2, reason="why", packet=PACKET
    )
    assert refused_packet.json()["error"]["missing"] == ["diagnostics"]


def test_restricted_diagnostics_are_for_levels_that_may_see_them(world: Desk) -> None:
    log = base64.b64encode(b"2026-03-02 sbc1 media: relay bind 10.0.0.5:40000\n").decode()
    number = world.open(
        attachments=[{"filename": "sbc.log", "content_base64": log, "restricted": True}]
    )
    as_customer = world.client.get(f"/api/v1/tickets/{number}", headers=world.customer).json()
    attachment = as_customer["messages"][0]["attachments"][0]
    assert attachment["restricted"] is True  # the customer sees their own upload

    as_l1 = world.client.get(f"/api/v1/tickets/{number}", headers=world.l1).json()
    assert as_l1["messages"][0]["attachments"] == []
    download = f"/api/v1/tickets/{number}/attachments/{attachment['id']}"
    assert world.client.get(download, headers=world.l1).status_code == 404

    as_l2 = world.client.get(f"/api/v1/tickets/{number}", headers=world.l2).json()
    assert as_l2["messages"][0]["attachments"][0]["filename"] == "sbc.log"
    assert world.client.get(download, headers=world.l2).status_code == 200

    escalated = world.post(
        f"/tickets/{number}/escalate",
        world.l1,
        to_level=2,
        reason="logs",
        packet={**PACKET, "diagnostics": [attachment["id"]]},
    )
    assert escalated.status_code == 200
    unknown = world.post(f"/tickets/{number}/escalation/bounce", world.l2, reason="r", guidance="g")
    assert unknown.status_code == 200
    wrong = world.post(
        f"/tickets/{number}/escalate",
        world.l1,
        to_level=2,
        reason="logs",
        packet={**PACKET, "diagnostics": [999999]},
    )
    assert wrong.status_code == 422


def test_an_amended_packet_that_is_bounced_leaves_no_revision_awaiting_acceptance(
    world: Desk,
) -> None:
    number = world.open_at_l1()
    world.post(f"/tickets/{number}/escalate", world.l1, to_level=2, reason="why", packet=PACKET)
    amended = world.client.put(
        f"/api/v1/tickets/{number}/packets/2",
        headers=world.l1,
        json={**PACKET, "open_questions": ["Which firewall model?"]},
    )
    assert amended.status_code == 201, amended.text
    bounced = world.post(
        f"/tickets/{number}/escalation/bounce", world.l2, reason="r", guidance="Try X first"
    )
    assert bounced.status_code == 200, bounced.text
    world.post(f"/tickets/{number}/escalate", world.l1, to_level=2, reason="again", packet=PACKET)

    packets = world.client.get(f"/api/v1/tickets/{number}/packets", headers=world.l2).json()[
        "items"
    ]
    assert [(p["sequence"], p["revision"], p["status"]) for p in packets] == [
        (1, 1, "accepted"),
        (2, 1, "superseded"),  # replaced by revision 2 before anyone decided
        (2, 2, "bounced"),
        (3, 1, "awaiting-acceptance"),  # the only one still waiting
    ]


def test_a_packet_passed_on_before_anyone_decided_reads_superseded(world: Desk) -> None:
    number = world.open()
    world.post(f"/tickets/{number}/escalate", world.lead, to_level=1, reason="r", packet=PACKET)
    world.post(f"/tickets/{number}/escalate", world.lead, to_level=2, reason="s", packet=PACKET)

    packets = world.client.get(f"/api/v1/tickets/{number}/packets", headers=world.l2).json()[
        "items"
    ]
    assert [p["status"] for p in packets] == ["superseded", "awaiting-acceptance"]
