"""The demo's upgrade advisory (issue 21 item 3): support for Kestrel SBC 5.2.0 ends, so the
lead advises every organisation still running it to move to 5.4.0. The installed bases
(``installed_world.py``) have Northwind Freight on 5.2.0; a spare 5.2.0 unit at Hoteles Costa
Brava (which keeps no other installed base) makes it two organisations, one of which has
acknowledged the advisory in the portal by the end of the demo."""

from __future__ import annotations

from datetime import timedelta

from tierdesk.demo.world import World
from tierdesk.domain.advisories import NoticeState
from tierdesk.domain.outbound import OutboxStatus, OutgoingKind
from tierdesk.services import advisories
from tierdesk.services import installed_base as ib

SBC, OLD, TARGET = "kestrel-sbc", "5.2.0", "5.4.0"
SPARE_AT = "Hoteles Costa Brava S.L."
MESSAGE = (
    "Kestrel SBC 5.2.0 reaches the end of its support soon: after that date we no longer fix "
    "defects in it or answer tickets about it beyond the upgrade. 5.4.0 keeps your "
    "configuration; the upgrade guide in the knowledge base walks through it in about an hour "
    "per unit. Reply to this e-mail if you would like an engineer to plan it with you."
)


def send_demo_advisory(world: World) -> int:
    """Send the advisory once the history is played; the organisations it reached."""
    lead = world.roster.lead
    customers = {c.organisation.name: c for c in world.customers}
    spare = customers[SPARE_AT]
    ib.add_item(
        world.desk,
        lead,
        spare.organisation.id or 0,
        ib.ItemInput(SBC, version=OLD, hardware_model="SBC-1U", notes="Spare unit in the lab"),
    )
    view = advisories.create_advisory(
        world.desk,
        lead,
        advisories.AdvisoryInput(
            product=SBC,
            version=OLD,
            reason="end-of-support",
            message=MESSAGE,
            end_of_support=world.end.date() + timedelta(days=60),
            target_version=TARGET,
        ),
    )
    advisories.set_state(
        world.desk,
        spare.contacts[0],
        view.advisory.id or 0,
        spare.organisation.id or 0,
        NoticeState.ACKNOWLEDGED,
    )
    _mark_notices_sent(world)
    return len(view.rows)


def _mark_notices_sent(world: World) -> None:
    """The demo has no mail relay: the advisory's notices went out in the story, so none waits
    in the outbox for the first `mail send-pending` (as the history's own mail)."""
    with world.desk.uow() as uow:
        for item in uow.mail_outbox.find([OutboxStatus.PENDING], limit=1000):
            if item.kind is OutgoingKind.NOTICE:
                uow.mail_outbox.finish(item.id, OutboxStatus.SENT, sent_at=world.desk.clock.now())
        uow.commit()
