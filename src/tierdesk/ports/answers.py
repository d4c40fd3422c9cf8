"""Where automatic answers are kept (``adapters/db/answers.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.answers import AnswerAttempt


class AnswerRepository(Protocol):
    def add(self, attempt: AnswerAttempt) -> None: ...
    def for_ticket(self, ticket_id: int) -> AnswerAttempt | None: ...
    def awaiting_reaction(self, sent_before: datetime) -> list[AnswerAttempt]: ...
    def all(self, since: datetime | None = None) -> Sequence[AnswerAttempt]: ...
