"""What the enhancement services need from storage: requests and their votes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tierdesk.domain.enhancements import Enhancement, EnhancementStatus, EnhancementVote


class EnhancementRepository(Protocol):
    def add(self, enhancement: Enhancement) -> None: ...
    def get(self, enhancement_id: int) -> Enhancement | None: ...
    def find(self, status: EnhancementStatus | None = None) -> list[Enhancement]:
        """Oldest first; ``None`` filters nothing."""
        ...

    def add_vote(self, vote: EnhancementVote) -> None: ...
    def votes(self, enhancement_id: int) -> list[EnhancementVote]: ...
    def vote_counts(self, enhancement_ids: Sequence[int]) -> dict[int, int]: ...
