"""``tierdesk access-notes new-key``: a key for ``access_notes_key`` (docs/settings.md)."""

from __future__ import annotations

import typer

from tierdesk.bootstrap import new_access_notes_key
from tierdesk.entrypoints.cli.wiring import note, say

access_notes_app = typer.Typer(help="Access notes to customers' systems (their key).")


@access_notes_app.command("new-key")
def new_key() -> None:
    """Print a new Fernet key for TIERDESK_ACCESS_NOTES_KEY. To rotate, put it first and keep
    the old one after it, comma-separated: new notes use the new key, old ones still open."""
    say(new_access_notes_key())
    note("Keep it secret, and outside the data directory and its backups.")
