"""Storage of clarifying questions."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.clarify import ClarifyingQuestion


class ClarifyingQuestionRepository(Protocol):
    def add(self, question: ClarifyingQuestion) -> None: ...
    def for_ticket(self, ticket_id: int) -> list[ClarifyingQuestion]: ...
    def get(self, question_id: int) -> ClarifyingQuestion | None: ...
