"""The access notes' key (issue 21 item 2): from the environment first, else the key file
`tierdesk demo` writes (owner-only); rotation by listing keys; a malformed key is refused
without being shown; a ciphertext no key opens is a clear conflict."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tierdesk.bootstrap import access_notes_cipher, ensure_access_notes_key
from tierdesk.config import Settings
from tierdesk.errors import ConfigurationError, ConflictError


def _settings(tmp_path: Path, key: str | None = None) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        env="test",
        access_notes_key=SecretStr(key) if key is not None else None,
    )


def test_without_a_key_there_is_no_cipher_until_the_demo_writes_an_owner_only_key_file(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    assert access_notes_cipher(settings) is None
    written = ensure_access_notes_key(settings)
    assert written is not None and stat.S_IMODE(written.stat().st_mode) == 0o600
    assert ensure_access_notes_key(settings) is None  # kept, not replaced
    cipher = access_notes_cipher(settings)
    assert cipher is not None
    token = cipher.encrypt("jump host pw Heron-11")
    assert "Heron" not in token and cipher.decrypt(token) == "jump host pw Heron-11"


def test_the_environments_key_wins_and_no_file_is_written(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    settings = _settings(tmp_path, key)
    assert ensure_access_notes_key(settings) is None
    assert not (tmp_path / "data" / "access-notes.key").exists()
    cipher = access_notes_cipher(settings)
    assert cipher is not None
    assert Fernet(key.encode()).decrypt(cipher.encrypt("x").encode()) == b"x"


def test_a_new_key_first_still_opens_notes_written_under_the_old_one(tmp_path: Path) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = access_notes_cipher(_settings(tmp_path, old))
    after = access_notes_cipher(_settings(tmp_path, f"{new},{old}"))
    assert before is not None and after is not None
    assert after.decrypt(before.encrypt("vpn")) == "vpn"
    assert Fernet(new.encode()).decrypt(after.encrypt("new").encode()) == b"new"
    alone = access_notes_cipher(_settings(tmp_path, new))
    assert alone is not None
    with pytest.raises(ConflictError, match="access_notes_key"):
        alone.decrypt(before.encrypt("vpn"))


def test_a_malformed_key_is_refused_without_being_repeated(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as refused:
        access_notes_cipher(_settings(tmp_path, "not-a-key-Sparrow"))
    assert "Sparrow" not in refused.value.message
