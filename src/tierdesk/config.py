"""Settings, read from ``TIERDESK_*`` environment variables (``__`` separates nested fields).

Nothing is read at import: entry points build ``Settings()`` and hand it to ``bootstrap``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_DEV_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - a known placeholder, refused outside dev


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Unset: a SQLite file tierdesk.db in the data directory. "
        "PostgreSQL: postgresql+psycopg://user:password@host/db",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIERDESK_", env_nested_delimiter="__")

    env: str = Field(
        default="dev", description="dev, test or prod. prod refuses placeholder secrets."
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="Where the SQLite database, attachments and indexes live.",
    )
    database_url: str | None = Field(
        default=None,
        description="Shortcut for db.url (TIERDESK_DATABASE_URL).",
    )
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    secret_key: SecretStr = Field(
        default=SecretStr(_DEV_SECRET),
        description="Signs sessions and links. Required (and not the placeholder) when env=prod.",
    )
    ticket_prefix: str = Field(
        default="TD", pattern=r"^[A-Z][A-Z0-9]{0,9}$", description="Prefix of ticket numbers."
    )
    max_attachment_bytes: int = Field(
        default=25 * 1024 * 1024, gt=0, description="Largest attachment accepted, in bytes."
    )
    page_size_max: int = Field(default=200, gt=0, description="Largest page a list returns.")

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env == "prod" and self.secret_key.get_secret_value() == _DEV_SECRET:
            raise ValueError("TIERDESK_SECRET_KEY must be set to a real secret when env=prod")
        return self

    @property
    def database(self) -> str:
        """The effective database URL."""
        url = self.database_url or self.db.url
        if url:
            return url
        return f"sqlite:///{(self.data_dir / 'tierdesk.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"
