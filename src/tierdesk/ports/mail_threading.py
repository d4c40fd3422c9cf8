"""Storage of the Message-IDs that thread mail into tickets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class MailThreadRepository(Protocol):
    def remember_message_id(
        self, header_id: str, ticket_id: int, message_id: int | None, direction: str
    ) -> None: ...
    def ticket_for_message_ids(self, header_ids: Sequence[str]) -> int | None: ...
    def thread_of(self, ticket_id: int) -> list[str]: ...
