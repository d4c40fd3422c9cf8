"""What an import needs: the source ids it stored, the rows of a source, and its files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tierdesk.domain.imports import RecordKind, SourceRow


@dataclass(frozen=True)
class ImportedRecordRef:
    """Where a source's record went on the desk, and what it read as when it was stored."""

    record_id: int
    fingerprint: str


class ImportRecordRepository(Protocol):
    def find(
        self, system: str, kind: RecordKind, source_ids: Sequence[str]
    ) -> dict[str, ImportedRecordRef]:
        """The records already imported from ``system`` among ``source_ids``, by source id."""
        ...

    def put(
        self,
        system: str,
        kind: RecordKind,
        source_id: str,
        record_id: int,
        fingerprint: str,
        at: datetime,
    ) -> None:
        """Remember (or update) where a source record went and what it read as."""
        ...

    def put_many(
        self, system: str, kind: RecordKind, entries: Sequence[tuple[str, int, str]], at: datetime
    ) -> None:
        """``put`` for many (source id, record id, fingerprint) at once."""
        ...


class ImportSource(Protocol):
    """A source desk's export, read row by row (``adapters/importers/``)."""

    @property
    def system(self) -> str: ...
    def count(self, kind: RecordKind) -> int:
        """How many rows of ``kind`` the source holds (for the progress bar)."""
        ...

    def rows(self, kind: RecordKind) -> Iterator[SourceRow]: ...


@dataclass(frozen=True)
class FetchedFile:
    data: bytes | None
    problem: str | None = None  # why there is no data: unreachable, refused, too large


class AttachmentFetcher(Protocol):
    def __call__(self, url: str, max_bytes: int) -> FetchedFile: ...
