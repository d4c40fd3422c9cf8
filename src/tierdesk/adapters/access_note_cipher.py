"""The access notes' cipher (issue 21 item 2): Fernet (AES-128-CBC with HMAC-SHA256, from
``cryptography``) under the desk's key; several keys, comma-separated, for rotation
(``MultiFernet``: the first encrypts, every one decrypts).

Where the key comes from: the setting ``access_notes_key`` (``TIERDESK_ACCESS_NOTES_KEY``) when
it is set, else the key file ``<data_dir>/access-notes.key`` when there is one (``tierdesk
demo`` writes it, so the demo works without the variable), else none: the desk runs and says
that access notes are locked."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tierdesk.errors import ConfigurationError, ConflictError

KEY_FILE = "access-notes.key"


class FernetNoteCipher:
    def __init__(self, keys: list[str]) -> None:
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode("ascii")) for k in keys])
        except (ValueError, UnicodeEncodeError) as exc:
            # The message names the setting, never the key.
            raise ConfigurationError(
                "access_notes_key is not a Fernet key (32 url-safe base64-encoded bytes); "
                "make one with `tierdesk access-notes new-key`"
            ) from exc

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise ConflictError(
                "this access note was encrypted with a key the desk no longer holds; "
                "add the old key after the new one in access_notes_key"
            ) from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def note_cipher(configured: str | None, data_dir: Path) -> FernetNoteCipher | None:
    """The cipher from the setting, else from the data directory's key file; None without."""
    text = configured
    if not text:
        path = key_file(data_dir)
        text = path.read_text("ascii").strip() if path.is_file() else None
    keys = [k for k in (text or "").split(",") if k.strip()]
    return FernetNoteCipher(keys) if keys else None


def write_key_file(data_dir: Path) -> Path | None:
    """Write a new key to ``<data_dir>/access-notes.key`` (readable by its owner only); None,
    and nothing written, when the file exists already."""
    path = key_file(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(new_key() + "\n")
    return path
