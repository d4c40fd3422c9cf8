"""The process's reference cache (services/reference_data.py) never keeps what a transaction
read of its own uncommitted change: rolled back, the version it was read at comes round again
for another change, and the cache would serve the rolled-back list for it (both engines)."""

from __future__ import annotations

from tierdesk.domain.catalog import Product
from tierdesk.services import catalog, reference_data
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_a_list_read_in_a_transaction_that_changed_it_and_rolled_back_is_not_kept(
    desk: Desk,
) -> None:
    with desk.uow() as uow:
        reference_data.products(desk.reference, uow)  # the cache holds the committed list
    with desk.uow() as uow:
        uow.products.add(Product(key="phantom", name="Never committed"))
        uow.flush()
        seen = [p.key for p in reference_data.products(desk.reference, uow)]
        assert "phantom" in seen  # the transaction sees its own change
        uow.rollback()
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", key="kestrel-sbc"))

    with desk.uow() as uow:
        keys = [p.key for p in reference_data.products(desk.reference, uow)]
    assert "kestrel-sbc" in keys
    assert "phantom" not in keys


def test_a_list_kept_stays_readable_when_the_transaction_that_read_it_rolls_back(
    desk: Desk,
) -> None:
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", components=["SIP"]))
    with desk.uow() as uow:
        reference_data.products(desk.reference, uow)  # read anew after the change
        uow.rollback()  # as after a failed flush: the session expires what it holds

    with desk.uow() as uow:
        [kept] = reference_data.products(desk.reference, uow)
    assert (kept.name, [c.name for c in kept.components]) == ("Kestrel SBC", ["SIP"])
