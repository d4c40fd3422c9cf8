"""The e-mail settings (``TIERDESK_MAIL__*``): the IMAP mailboxes the desk reads, the SMTP
listener and the relay it sends through. Part of ``config.Settings``; kept apart because mail
alone has as many settings as the rest of a section of the desk.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from tierdesk.errors import ConfigurationError


class MailboxSettings(BaseModel):
    """One IMAP mailbox the desk reads. The password is never a setting: it is read from the
    environment variable named by ``password_env`` when the mailbox is opened."""

    name: str = Field(description="A short name for logs and `tierdesk mail fetch --mailbox`.")
    host: str = Field(description="IMAP server host name.")
    port: int = Field(default=993, gt=0, lt=65536, description="IMAP server port.")
    ssl: bool = Field(default=True, description="Connect with TLS (IMAPS); false for plain IMAP.")
    user: str = Field(description="IMAP login name.")
    password_env: str = Field(
        description="Name of the environment variable that holds the IMAP password."
    )
    folder: str = Field(default="INBOX", description="Folder to read new mail from.")
    queue: str | None = Field(default=None, description="Queue for tickets opened from here.")
    product: str | None = Field(
        default=None, description="Product (key or name) for tickets opened from here."
    )

    def password(self) -> str:
        value = os.environ.get(self.password_env)
        if not value:
            raise ConfigurationError(
                f"mailbox {self.name!r}: set its password in the environment variable "
                f"{self.password_env}"
            )
        return value


class MailSettings(BaseModel):
    """E-mail in (IMAP polling, an SMTP listener) and out (an SMTP relay)."""

    addresses: list[str] = Field(
        default_factory=list,
        description="Every address of the desk's own (support@, the mailboxes' addresses). "
        "Mail from them is ignored (loop protection); the SMTP listener accepts mail only for "
        "them when the list is not empty.",
    )
    from_address: str | None = Field(
        default=None,
        description="Sender address of outgoing mail; required to send. Once set, the "
        "background jobs (serve, worker) deliver the outbox.",
    )
    from_name: str = Field(default="Support", description="Sender name of outgoing mail.")
    mailboxes: list[MailboxSettings] = Field(
        default_factory=list, description="IMAP mailboxes to read (JSON list in the environment)."
    )
    smtp_host: str = Field(default="localhost", description="SMTP relay for outgoing mail.")
    smtp_port: int = Field(default=25, gt=0, lt=65536, description="SMTP relay port.")
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the relay connection with STARTTLS."
    )
    smtp_user: str | None = Field(default=None, description="SMTP login, when the relay needs one.")
    smtp_password: SecretStr | None = Field(
        default=None, description="SMTP password (from the environment only)."
    )
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, description="SMTP network timeout.")
    listener_host: str = Field(
        default="127.0.0.1", description="Interface of `tierdesk mail listen`."
    )
    listener_port: int = Field(
        default=2525, gt=0, lt=65536, description="Port of `tierdesk mail listen`."
    )
    listener_queue: str | None = Field(
        default=None, description="Queue for tickets the listener opens."
    )
    listener_product: str | None = Field(
        default=None, description="Product for tickets the listener opens."
    )
    rate_limit_messages: int = Field(
        default=30,
        gt=0,
        description="Messages one sender may send within the window; more are quarantined.",
    )
    rate_limit_window_minutes: int = Field(default=60, gt=0, description="The rate limit's window.")
    unknown_senders: Literal["create", "hold"] = Field(
        default="create",
        description="create: a contact is created for an unknown sender; hold: their mail waits "
        "in quarantine until an admin reprocesses (approves) it.",
    )
    unknown_sender_organisation: str = Field(
        default="Individual customers",
        description="Organisation for new senders whose domain matches no organisation.",
    )
    unknown_sender_plan: str = Field(
        default="basic", description="Plan of that organisation when the desk creates it."
    )
    reply_to_closed: Literal["reopen", "follow-up"] = Field(
        default="reopen",
        description="reopen: a reply to a solved ticket reopens it; follow-up: it opens a new "
        "ticket linked to the old one. Closed tickets are final and always get a follow-up.",
    )
    max_message_bytes: int = Field(
        default=40 * 1024 * 1024, gt=0, description="Larger messages are quarantined."
    )
    acknowledge_new_tickets: bool = Field(
        default=True, description="Send an acknowledgement when mail opens a ticket."
    )
    poll_interval_seconds: float = Field(
        default=60.0, gt=0, description="Pause between polls of a server without IDLE."
    )
    idle_seconds: float = Field(
        default=600.0, gt=0, description="Longest IMAP IDLE wait before polling again."
    )
    send_max_attempts: int = Field(
        default=8, gt=0, description="Delivery attempts before an outgoing mail is marked failed."
    )
    send_backoff_seconds: float = Field(
        default=60.0, gt=0, description="First retry delay; doubled after every failure."
    )
    send_backoff_max_seconds: float = Field(
        default=3600.0, gt=0, description="Longest retry delay."
    )
    send_lease_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How long a sender owns a claimed mail; an unfinished claim is retried after.",
    )
