"""The catalogue on /admin, on both engines: a lead adds a product, its components and
versions, renames it and sets a version's end of support, each audited by the catalogue
service; mistakes are named next to their field; agents are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from tests.web.conftest import Browser, WebDesk
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.services.tickets import list_products

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def product(app: Tierdesk, key: str) -> Any:
    return next(p for p in list_products(app.desk) if p.key == key)


def audited(app: Tierdesk, action: str) -> list[dict[str, Any]]:
    a = tables.audit_events.c
    with app.engine.connect() as connection:
        rows = connection.execute(select(a.changes).where(a.action == action).order_by(a.id))
        return [row.changes for row in rows]


def test_a_lead_builds_a_product_with_components_and_versions_on_the_admin_page(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    assert 'id="products"' in lead.get("/admin").text

    added = lead.post("/admin/products", {"name": "Osprey Gateway", "description": "SIP"})
    assert added.status_code == 200 and "Osprey Gateway" in added.text
    lead.post("/admin/products/osprey-gateway/components", {"component": "Media relay"})
    lead.post(
        "/admin/products/osprey-gateway/versions", {"version": "2.1", "released_on": "2026-03-01"}
    )
    lead.post(
        "/admin/products/osprey-gateway/versions/support",
        {"version": "2.1", "end_of_support": "2028-03-01"},
    )
    renamed = lead.post("/admin/products/osprey-gateway/name", {"name": "Osprey SIP Gateway"})

    assert renamed.status_code == 200 and "Osprey SIP Gateway" in renamed.text
    stored = product(web.app, "osprey-gateway")
    assert stored.name == "Osprey SIP Gateway"
    assert [c.name for c in stored.components] == ["Media relay"]
    [version] = stored.versions
    assert (version.name, version.released_on, version.end_of_support) == (
        "2.1",
        date(2026, 3, 1),
        date(2028, 3, 1),
    )
    assert audited(web.app, "product.created")[-1]["key"] == "osprey-gateway"
    assert audited(web.app, "product.updated") == [
        {"key": "osprey-gateway", "component_added": "Media relay"},
        {"key": "osprey-gateway", "version_added": "2.1"},
        {"key": "osprey-gateway", "version": "2.1", "end_of_support": [None, "2028-03-01"]},
        {"key": "osprey-gateway", "name": ["Osprey Gateway", "Osprey SIP Gateway"]},
    ]


def test_a_version_listed_twice_is_named_next_to_its_field_and_not_stored(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    lead.post("/admin/products", {"name": "Osprey Gateway"})
    lead.post("/admin/products/osprey-gateway/versions", {"version": "2.1"})

    twice = lead.post("/admin/products/osprey-gateway/versions", {"version": "2.1"}, headers=HTMX)
    bad_date = lead.post(
        "/admin/products/osprey-gateway/versions",
        {"version": "2.2", "released_on": "March"},
        headers=HTMX,
    )

    assert twice.status_code == 409 and twice.headers["X-Desk-Fields"] == "version"
    assert bad_date.status_code == 422 and bad_date.headers["X-Desk-Fields"] == "released_on"
    assert [v.name for v in product(web.app, "osprey-gateway").versions] == ["2.1"]


def test_an_agent_cannot_change_the_catalogue(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)
    l1.get("/queue")

    assert l1.post("/admin/products", {"name": "Osprey Gateway"}).status_code == 403
    assert not any(p.key == "osprey-gateway" for p in list_products(web.app.desk))


def test_names_longer_than_their_columns_are_refused_next_to_their_fields(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    lead.post("/admin/products", {"name": "Osprey Gateway"})

    new = lead.post("/admin/products", {"name": "P" * 201}, headers=HTMX)
    new_key = lead.post("/admin/products", {"name": "Q" * 120}, headers=HTMX)  # its key: 120
    renamed = lead.post("/admin/products/osprey-gateway/name", {"name": "R" * 201}, headers=HTMX)
    component = lead.post(
        "/admin/products/osprey-gateway/components", {"component": "C" * 201}, headers=HTMX
    )

    assert new.status_code == 422 and new.headers["X-Desk-Fields"] == "name"
    assert new_key.status_code == 422 and new_key.headers["X-Desk-Fields"] == "key"
    assert renamed.status_code == 422 and renamed.headers["X-Desk-Fields"] == "name"
    assert component.status_code == 422 and component.headers["X-Desk-Fields"] == "component"
    assert [p.name for p in list_products(web.app.desk)] == ["Osprey Gateway"]
    assert product(web.app, "osprey-gateway").components == []
