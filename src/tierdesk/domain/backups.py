"""What a backup archive says about itself: its manifest, and the rules for the names inside.

An archive (``tierdesk backup FILE``) is a tar.gz holding ``database/<file>`` (SQLite's online
copy or ``pg_dump``'s custom format), ``files/<path>`` (the data directory's files, by their
path under it) and ``manifest.json`` last: the manifest is written after every other member,
because their checksums are known only once they are read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from tierdesk.errors import InvalidInputError

FORMAT = 1
MANIFEST_NAME = "manifest.json"
DATABASE_PREFIX = "database/"
FILES_PREFIX = "files/"


@dataclass(frozen=True)
class ArchivedFile:
    """One member of the archive besides the manifest, with what it must hash to."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    desk_version: str
    schema_revisions: tuple[str, ...]
    engine: str
    created_at: datetime
    files: tuple[ArchivedFile, ...]

    @property
    def database_file(self) -> ArchivedFile:
        found = [f for f in self.files if f.name.startswith(DATABASE_PREFIX)]
        if len(found) != 1:
            raise InvalidInputError("the backup's manifest names no single database copy")
        return found[0]

    @property
    def data_files(self) -> tuple[ArchivedFile, ...]:
        return tuple(f for f in self.files if f.name.startswith(FILES_PREFIX))

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "desk_version": self.desk_version,
                "schema_revisions": list(self.schema_revisions),
                "engine": self.engine,
                "created_at": self.created_at.isoformat(),
                "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in self.files],
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            raw = json.loads(text)
            if raw["format"] != FORMAT:
                raise InvalidInputError(
                    f"the backup's format {raw['format']} is not one this desk reads ({FORMAT})"
                )
            files = tuple(
                ArchivedFile(checked_name(str(f["name"])), int(f["size"]), str(f["sha256"]))
                for f in raw["files"]
            )
            return cls(
                desk_version=str(raw["desk_version"]),
                schema_revisions=tuple(str(r) for r in raw["schema_revisions"]),
                engine=str(raw["engine"]),
                created_at=datetime.fromisoformat(raw["created_at"]),
                files=files,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(f"the backup's manifest is unreadable: {exc}") from exc


def checked_name(name: str) -> str:
    """A member name that stays inside the directory it is restored to: relative, no ``..``,
    under ``database/`` or ``files/``. Anything else is refused, never restored."""
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or ".." in path.parts
        or not name.startswith((DATABASE_PREFIX, FILES_PREFIX))
        or len(path.parts) < 2
    ):
        raise InvalidInputError(f"the backup holds a member it may not restore: {name!r}")
    return name


@dataclass
class DeskCheck:
    """What ``tierdesk db check`` found: facts to show, and problems (any makes it fail)."""

    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems
