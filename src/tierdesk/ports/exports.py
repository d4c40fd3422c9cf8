"""What ``tierdesk export`` and ``tierdesk import tierdesk`` need from storage: the desk's
records, file by file of the export, as JSON-ready documents keyed by the desk's own ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Document = dict[str, Any]  # one NDJSON line: JSON values only (times as ISO 8601 text)


class DeskRows(Protocol):
    """The desk's records as the export's files hold them (docs/export.md)."""

    def snapshot(self) -> None:
        """Make the rest of this transaction read one snapshot of the desk, so that an export
        of a desk in use agrees with itself (first thing in the transaction)."""
        ...

    def files(self) -> tuple[str, ...]:
        """The export's record files, in the order an import stores them (referenced first)."""
        ...

    def count(self, file: str) -> int: ...

    def read(self, file: str, after_id: int, limit: int) -> list[Document]:
        """Up to ``limit`` documents of ``file`` with ids above ``after_id``, by id, with the
        file's local fields too (which the export never writes down)."""
        ...

    def local_fields(self, file: str) -> tuple[str, ...]:
        """Where this desk keeps something (an attachment's ``storage_key``): read, but not
        written to the file; an import fills them in for the desk it stores into."""
        ...

    def check(self, file: str, document: Document) -> None:
        """Refuse (``InvalidInputError``) a document ``write`` could not store as it is."""
        ...

    def existing(self, file: str, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` the desk already has in the table ``file`` is stored in."""
        ...

    def write(self, file: str, documents: Sequence[Document]) -> None:
        """Store the documents under their own ids: new ones inserted, those whose id the desk
        already has (the empty desk's seeded levels and plans, a changed export) updated."""
        ...
