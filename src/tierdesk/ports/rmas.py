"""Storage of hardware replacements (issue 21 item 4)."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.rmas import Rma, RmaState


class RmaRepository(Protocol):
    def add(self, rma: Rma) -> None: ...
    def get(self, rma_id: int) -> Rma | None: ...
    def for_ticket(self, ticket_id: int) -> list[Rma]:
        """Oldest first."""
        ...

    def page(
        self,
        *,
        state: RmaState | None,
        organisation_id: int | None,
        ticket_id: int | None,
        limit: int,
        before_id: int | None,
    ) -> list[Rma]:
        """Newest first, ids below ``before_id``."""
        ...

    def open_for_item(self, installed_item_id: int) -> list[Rma]:
        """The item's RMAs that are not closed, rejected or cancelled."""
        ...

    def open_for_organisation(self, organisation_id: int) -> list[Rma]:
        """The organisation's RMAs that are not closed, rejected or cancelled."""
        ...

    def for_item(self, installed_item_id: int) -> list[Rma]:
        """Every RMA naming the item, as the unit sent back or as its replacement."""
        ...
