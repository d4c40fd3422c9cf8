"""The backup archive on disk: a tar.gz written member by member, read back only after every
member's checksum matched the manifest (``domain/backups.py``).

Members are hashed while they are streamed in or out, so no file is held in memory whole and a
file is read exactly once (what was hashed is what was stored)."""

from __future__ import annotations

import hashlib
import os
import tarfile
import zlib
from pathlib import Path
from types import TracebackType
from typing import IO

from tierdesk.domain.backups import MANIFEST_NAME, ArchivedFile, Manifest, checked_name
from tierdesk.errors import InvalidInputError

_CHUNK = 1024 * 1024


class _HashingReader:
    """A file read through this is hashed on the way (tarfile reads exactly ``size`` bytes)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Writes ``target`` through a ``.partial`` file renamed at the end, so a backup that
    failed half-way never leaves a file that looks like a backup."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.partial = target.with_name(target.name + ".partial")
        # owner-only from the first byte: a backup holds every customer's tickets and the
        # session secret, and the default umask would leave it readable by every local user
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        handle = os.fdopen(os.open(self.partial, flags, 0o600), "wb")
        self.tar = tarfile.open(fileobj=handle, mode="w:gz")  # noqa: SIM115 - closed in finish/__exit__
        self.handle = handle
        self.files: list[ArchivedFile] = []

    def add(self, name: str, path: Path) -> ArchivedFile:
        with path.open("rb") as handle:
            info = tarfile.TarInfo(checked_name(name))
            stat = os.fstat(handle.fileno())
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
            reader = _HashingReader(handle)
            self.tar.addfile(info, reader)
        entry = ArchivedFile(info.name, info.size, reader.digest.hexdigest())
        self.files.append(entry)
        return entry

    def finish(self, manifest: Manifest) -> None:
        data = manifest.to_json().encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mode, info.mtime = len(data), 0o600, int(manifest.created_at.timestamp())
        self.tar.addfile(info, _BytesReader(data))
        self.tar.close()
        self.handle.close()  # tarfile leaves a file object it was given open
        os.replace(self.partial, self.target)

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        _value: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.tar.close()
            self.handle.close()
            self.partial.unlink(missing_ok=True)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


def unpack_archive(source: Path, into: Path) -> Manifest:
    """Every member of ``source`` written under ``into`` (an empty scratch directory), and the
    manifest, once each member's size and SHA-256 matched it. A damaged, truncated or altered
    archive is refused (``InvalidInputError``); the caller then discards ``into``."""
    if not source.is_file():
        raise InvalidInputError(f"no backup file at {source}")
    found: dict[str, ArchivedFile] = {}
    manifest_text: str | None = None
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise InvalidInputError(f"the backup holds a non-file member {member.name!r}")
                handle = tar.extractfile(member)
                if handle is None:  # pragma: no cover - isfile() members always have one
                    continue
                if member.name == MANIFEST_NAME:
                    manifest_text = handle.read().decode()
                    continue
                name = checked_name(member.name)
                found[name] = _write_hashed(handle, into, name)
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"the backup {source} is damaged or not a backup: {exc}") from exc
    if manifest_text is None:
        raise InvalidInputError(f"the backup {source} has no manifest.json")
    manifest = Manifest.from_json(manifest_text)
    expected = {f.name: f for f in manifest.files}
    names = expected.keys() | found.keys()
    wrong = sorted(name for name in names if found.get(name) != expected.get(name))
    if wrong:
        raise InvalidInputError(
            f"the backup {source} does not match its manifest (checksum, size or presence): "
            + ", ".join(wrong[:5])
            + (" …" if len(wrong) > 5 else "")
        )
    return manifest


def _write_hashed(handle: IO[bytes], into: Path, name: str) -> ArchivedFile:
    path = into / name
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with path.open("xb") as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return ArchivedFile(name, size, digest.hexdigest())
