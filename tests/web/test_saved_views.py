"""Saved queue views keep every filter: saved after the filters were changed in place (htmx
swaps only the rows), and opened again from the list of views."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.services import catalog, queues
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
ROWS = re.compile(r'<form [^>]*id="queue-rows".*?</form>', re.DOTALL)


class _FormFields(HTMLParser):
    """The fields a browser submits with one form: inside it, or naming it with form=."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        elif tag == "input" and found.get("name") and self._mine(found):
            self.fields[found["name"] or ""] = found.get("value") or ""

    def _mine(self, attrs: dict[str, str | None]) -> bool:
        return attrs.get("form", self.form_id if self.inside else None) == self.form_id

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def fields_of(page: str, form_id: str) -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(page)
    return parser.fields


def chosen(page: str) -> dict[str, str]:
    """Each filter's selected option (or the search box's text) as the queue page shows it."""
    shown = {}
    for name, select_id in (
        ("tier", "f-tier"),
        ("queue", "f-queue"),
        ("product", "f-product"),
        ("language", "f-language"),
        ("priority", "f-priority"),
        ("status", "f-status"),
        ("assignee", "f-assignee"),
    ):
        select = re.search(rf'<select id="{select_id}".*?</select>', page, re.DOTALL)
        assert select is not None, select_id
        # a browser shows the first option when none is selected
        option = re.search(r"<option([^>]*) selected>([^<]*)", select.group(0)) or re.search(
            r"<option([^>]*)>([^<]*)", select.group(0)
        )
        assert option is not None, select_id
        value = re.search(r'value="([^"]*)"', option.group(1))
        shown[name] = value.group(1) if value else option.group(2)
    text = re.search(r'<input id="q" [^>]*value="([^"]*)"', page)
    shown["q"] = text.group(1) if text else ""
    return shown


def test_a_view_saved_after_changing_filters_in_place_restores_every_filter(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    queues.create_queue(desk, SYSTEM, queues.NewQueue(key="l1-voice", name="Voice", tier=Tier.L1))
    product = catalog.create_product(desk, SYSTEM, catalog.NewProduct("Kestrel SBC"))
    wanted = {
        "tier": "1",
        "queue": "l1-voice",
        "product": product.key,
        "language": "de",
        "priority": "P2",
        "status": "pending-customer",
        "assignee": str(web.l1.id),
        "q": "one-way audio",
    }
    browser = signed_in(web.lead)
    page = browser.get("/queue").text

    # the filter form is sent by htmx on every change and only #queue-rows is swapped in
    rows = browser.get(
        "/queue", params=wanted, headers={"HX-Request": "true", "HX-Target": "queue-rows"}
    ).text
    swapped = ROWS.search(rows)
    assert swapped is not None
    page = ROWS.sub(lambda _: swapped.group(0), page, count=1)
    form = fields_of(page, "save-view")
    saved = browser.post("/views", {**form, "name": "German SBC waiting on customers"})

    assert saved.status_code == 200
    assert chosen(saved.text) == wanted
    link = re.search(r'<a href="(/queue\?[^"]*)">German SBC waiting on customers</a>', saved.text)
    assert link is not None
    assert chosen(browser.get(link.group(1).replace("&amp;", "&")).text) == wanted


def test_a_view_saved_from_a_whole_page_restores_its_filters(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.lead)
    wanted = {"tier": "all", "language": "it", "priority": "P1", "status": "all", "q": "fax"}
    page = browser.get("/queue", params=wanted).text

    saved = browser.post("/views", {**fields_of(page, "save-view"), "name": "Italian faxes"})

    shown = chosen(saved.text)
    assert {k: shown[k] for k in wanted} == wanted
    assert shown["queue"] == shown["product"] == shown["assignee"] == ""
