"""Storage of access notes (issue 21 item 2) and the cipher their bodies go through."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.access_notes import AccessNote, AccessPolicy


class AccessNoteRepository(Protocol):
    def add(self, note: AccessNote) -> None: ...
    def get(self, note_id: int) -> AccessNote | None: ...
    def of_organisation(self, organisation_id: int) -> list[AccessNote]:
        """Oldest first."""
        ...

    def remove(self, note: AccessNote) -> None: ...
    def policy(self, organisation_id: int) -> AccessPolicy | None:
        """None: the organisation has not chosen (``DEFAULT_MIN_TIER`` holds)."""
        ...

    def save_policy(self, policy: AccessPolicy) -> None: ...


class NoteCipher(Protocol):
    """Encrypts access notes' bodies at rest with the desk's key (authenticated encryption:
    a changed ciphertext does not decrypt)."""

    def encrypt(self, plaintext: str) -> str: ...
    def decrypt(self, ciphertext: str) -> str:
        """``ConflictError`` when no key this desk holds opened it."""
        ...
