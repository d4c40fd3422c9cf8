"""Attachment bytes on disk: content-addressed, sniffed, and unreachable by crafted keys."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.services.support import tiny_png
from tierdesk.adapters.files import DiskFileStore, sniff_content_type
from tierdesk.errors import NotFoundError


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_file_is_stored_under_its_sha256_and_read_back(tmp_path: Path) -> None:
    store = DiskFileStore(tmp_path / "attachments")
    data = b"Mar  2 09:00:01 gw sipd[42]: 408 Request Timeout\n"
    digest = hashlib.sha256(data).hexdigest()

    stored = store.put(data, "application/octet-stream", "gw.log")

    assert (stored.storage_key, stored.sha256, stored.size) == (digest, digest, len(data))
    assert stored.content_type == "text/plain"
    assert files_under(tmp_path) == [tmp_path / "attachments" / digest[:2] / digest]
    assert store.open(digest) == data


def test_storing_the_same_bytes_twice_keeps_one_file_and_no_temporary_files(
    tmp_path: Path,
) -> None:
    store = DiskFileStore(tmp_path)

    first = store.put(b"same", None, "a.txt")
    second = store.put(b"same", "text/html", "b.html")

    assert first == second
    assert len(files_under(tmp_path)) == 1
    assert not any(p.name.startswith(".incoming-") for p in tmp_path.rglob("*"))


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../../etc/passwd",
        "/etc/passwd",
        "a" * 63,
        "a" * 65,
        "A" * 64,
        "g" * 64,
        "../" + "a" * 61,
        "aa/" + "a" * 61,
        "a" * 63 + "\n",
    ],
    ids=[
        "empty",
        "relative path",
        "absolute path",
        "short",
        "long",
        "upper case",
        "not hex",
        "dot dot",
        "slash",
        "newline",
    ],
)
def test_a_key_that_is_not_a_sha256_is_not_found(tmp_path: Path, key: str) -> None:
    store = DiskFileStore(tmp_path / "attachments")
    (tmp_path / "secret").write_bytes(b"do not serve")

    with pytest.raises(NotFoundError):
        store.open(key)


def test_a_well_formed_key_with_no_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        DiskFileStore(tmp_path).open("0" * 64)


# -- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (tiny_png(), "image/png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "image/jpeg"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "application/zip"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "application/gzip"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "text/html"),
        (b"  \n<HTML><script>alert(1)</script></HTML>", "text/html"),
        ("Grüße aus Köln, 東京\n".encode(), "text/plain"),
        (b"\x00\x01\x02\x03\xfe\xff\xfa" * 10, "application/octet-stream"),
        (b"\xe9t\xe9 latin-1", "application/octet-stream"),
    ],
    ids=[
        "png",
        "pdf",
        "jpeg",
        "zip",
        "gzip",
        "html",
        "html after space",
        "utf-8 text",
        "binary",
        "latin-1",
    ],
)
def test_the_content_type_comes_from_the_bytes(data: bytes, expected: str) -> None:
    assert sniff_content_type(data) == expected


def test_text_cut_inside_a_character_at_the_sniffing_window_is_still_text() -> None:
    data = b"a" * 4095 + "é and more".encode()  # the window ends after é's first byte

    assert sniff_content_type(data) == "text/plain"


def test_the_declared_type_never_wins(tmp_path: Path) -> None:
    store = DiskFileStore(tmp_path)

    assert store.put(tiny_png(), "text/plain", "x.txt").content_type == "image/png"
    assert store.put(b"<html>x</html>", "image/png", "x.png").content_type == "text/html"
