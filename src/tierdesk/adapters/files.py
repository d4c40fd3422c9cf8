"""Attachment bytes on disk, content-addressed under the data directory.

The stored content type is sniffed from the bytes, never taken from the sender's word: a file
declared ``image/png`` that is really HTML is stored as ``text/html`` (and later served as a
download, never inline)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import filetype

from tierdesk.errors import NotFoundError
from tierdesk.ports import StoredFile


def sniff_content_type(data: bytes) -> str:
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime)
    head = data[:4096]
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A cut multi-byte character at the 4 KiB boundary is still text.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return "text/plain"


class DiskFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, storage_key: str) -> Path:
        if len(storage_key) != 64 or not all(c in "0123456789abcdef" for c in storage_key):
            raise NotFoundError("no such attachment")
        return self.root / storage_key[:2] / storage_key

    def put(self, data: bytes, declared_type: str | None, filename: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write to a temporary file and rename, so a crash never leaves half a file behind.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        return StoredFile(
            storage_key=digest,
            size=len(data),
            sha256=digest,
            content_type=sniff_content_type(data),
        )

    def open(self, storage_key: str) -> bytes:
        path = self._path(storage_key)
        if not path.exists():
            raise NotFoundError("no such attachment")
        return path.read_bytes()
