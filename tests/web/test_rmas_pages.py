"""The RMA panel and list in the workspace: user text is escaped, a bad filter is a 4xx, and a
customer signed in to the workspace address gets nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.factories import make_contact
from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.rmas import RmaKind
from tierdesk.services import catalog, rmas, tickets
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM

XSS = "<script>alert(1)</script>"


def test_the_rma_panel_and_list_escape_what_agents_typed(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    desk = web.app.desk
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    item = ib.add_item(desk, SYSTEM, web.acme.id, ib.ItemInput("phone", None, None, "KP-5"))
    contact = make_contact(desk, organisation=web.acme)
    ticket = tickets.open_ticket(desk, contact, tickets.NewTicket(subject="Dead", body_text="KP-5"))
    number = ticket.number or ""
    request = rmas.RmaRequest([item.id or 0], XSS, RmaKind.REPAIR, None, XSS)
    rmas.request_rmas(desk, web.l1, number, request)

    browser = signed_in(web.l2)
    panel = browser.get(f"/tickets/{number}/rmas")
    assert panel.status_code == 200
    assert XSS not in panel.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel.text
    assert "Approve RMA-" in panel.text
    listed = browser.get("/rmas?state=requested")
    assert "KP-5" in listed.text
    assert browser.get("/rmas?state=nonsense").status_code == 422
    assert browser.get("/rmas?state=shipped").text.count("rma-row-") == 0


def test_the_panel_offers_approve_only_to_someone_whose_signature_would_count(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    desk = web.app.desk
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    item = ib.add_item(desk, SYSTEM, web.acme.id, ib.ItemInput("phone", None, None, "KP-6"))
    contact = make_contact(desk, organisation=web.acme)
    ticket = tickets.open_ticket(desk, contact, tickets.NewTicket(subject="Dead", body_text="KP-6"))
    number = ticket.number or ""
    request = rmas.RmaRequest([item.id or 0], "No power", RmaKind.REPAIR, None, "Dock 4")
    rmas.request_rmas(desk, web.l1, number, request)

    requester = signed_in(web.l1).get(f"/tickets/{number}/rmas").text
    engineer = signed_in(web.l2).get(f"/tickets/{number}/rmas").text

    # the L1 who asked can neither sign nor reject; cancelling their own request stays
    assert "Approve RMA-" not in requester and "Reject RMA-" not in requester
    assert "Cancel RMA-" in requester
    assert "Approve RMA-" in engineer and "Reject RMA-" in engineer


def test_a_unit_with_an_rma_open_on_another_ticket_is_not_offered(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    # Seen in Chromium on the demo desk: the panel offered the unit, and the request was
    # refused with "has an open RMA already" (the offer looked only at this ticket's RMAs).
    desk = web.app.desk
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    busy = ib.add_item(desk, SYSTEM, web.acme.id or 0, ib.ItemInput("phone", None, None, "KP-7"))
    ib.add_item(desk, SYSTEM, web.acme.id or 0, ib.ItemInput("phone", None, None, "KP-8"))
    contact = make_contact(desk, organisation=web.acme)
    first, second = (
        tickets.open_ticket(desk, contact, tickets.NewTicket(subject=s, body_text="Dead"))
        for s in ("KP-7 dead", "KP-8 dead")
    )
    request = rmas.RmaRequest([busy.id or 0], "No power", RmaKind.REPAIR, None, "Dock 4")
    [rma] = rmas.request_rmas(desk, web.l1, first.number or "", request)

    panel = signed_in(web.l1).get(f"/tickets/{second.number}/rmas").text
    offered = re.findall(r'name="items" value="(\d+)"', panel)
    assert str(busy.id) not in offered and len(offered) == 1
    assert f"KP-7 ({rma.reference})" in panel
