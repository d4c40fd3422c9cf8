"""What ``tierdesk export`` and ``tierdesk import tierdesk`` need from storage: the desk's
records, file by file of the export, as JSON-ready documents keyed by the desk's own ids (or, for
a table without one, its primary key)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Document = dict[str, Any]  # one NDJSON line: JSON values only (times as ISO 8601 text)
Key = tuple[int, ...]  # what a line is known by: its id, or a table's composite key


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

    def read(self, file: str, after: Key | None, limit: int) -> list[Document]:
        """Up to ``limit`` documents of ``file`` with keys above ``after`` (None: from the
        first), in key order, with the file's local fields too (which the export never writes
        down)."""
        ...

    def key_fields(self, file: str) -> tuple[str, ...]:
        """The fields a line of ``file`` is known by: ``("id",)``, or a table's composite key
        (a ticket's link to an installed item: ``("ticket_id", "installed_item_id")``)."""
        ...

    def local_fields(self, file: str) -> tuple[str, ...]:
        """Where this desk keeps something (an attachment's ``storage_key``): read, but not
        written to the file; an import fills them in for the desk it stores into."""
        ...

    def deferred_fields(self, file: str) -> tuple[str, ...]:
        """References to lines of the same file (a region's ``hands_to_id``): ``write`` leaves
        them empty and ``link`` stores them once the whole file is in."""
        ...

    def check(self, file: str, document: Document) -> None:
        """Refuse (``InvalidInputError``) a document ``write`` could not store as it is."""
        ...

    def existing(self, file: str, keys: Sequence[Key]) -> set[Key]:
        """Which of ``keys`` the desk already has in the table ``file`` is stored in."""
        ...

    def write(self, file: str, documents: Sequence[Document]) -> None:
        """Store the documents under their own keys: new ones inserted, those whose key the desk
        already has (the empty desk's seeded levels and plans, a changed export) updated."""
        ...

    def link(self, file: str, documents: Sequence[Document]) -> None:
        """Store the documents' deferred fields (their records are stored already)."""
        ...
