"""The interfaces e-mail intake and delivery need (issue 8), apart from the core ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.inbound import (
    BounceRecord,
    EmailIdentity,
    InboundEmail,
    InboundOutcome,
    InboundRecord,
    InboundResult,
)
from tierdesk.domain.outbound import OutboxItem, OutboxStatus, OutgoingEmail, OutgoingKind


class MailRepository(Protocol):
    """E-mail in and out: received messages and their outcomes, threading ids, the outbox."""

    def find_inbound(self, identity: EmailIdentity) -> InboundRecord | None: ...
    def add_inbound(
        self, mailbox: str, identity: EmailIdentity, size: int, raw_key: str, at: datetime
    ) -> int:
        """Raises ConflictError when the identity is stored already (or being stored)."""
        ...

    def finish_inbound(self, record_id: int, result: InboundResult, at: datetime) -> None: ...
    def get_inbound(self, record_id: int) -> InboundRecord | None: ...
    def list_inbound(
        self, outcomes: Sequence[InboundOutcome], limit: int, before_id: int | None
    ) -> list[InboundRecord]: ...
    def count_from_sender(self, address: str, since: datetime, excluding_id: int) -> int: ...
    def remember_message_id(
        self, header_id: str, ticket_id: int, message_id: int | None, direction: str
    ) -> None: ...
    def ticket_for_message_ids(self, header_ids: Sequence[str]) -> int | None: ...
    def thread_of(self, ticket_id: int) -> list[str]: ...
    def organisation_for_domain(self, domain: str) -> int | None: ...
    def ensure_organisation(self, name: str, plan_key: str, at: datetime) -> tuple[int, bool]:
        """The organisation's id, created if missing; True when this call created it."""
        ...

    def ensure_contact(
        self, email: str, name: str, organisation_id: int, language: str | None, at: datetime
    ) -> tuple[int, bool]:
        """The contact's id, created if missing (safe against a concurrent creation)."""
        ...

    def add_outgoing(
        self,
        ticket_id: int,
        kind: OutgoingKind,
        to_address: str,
        language: str,
        at: datetime,
        message_id: int | None = None,
    ) -> int: ...
    def outgoing_exists(
        self, ticket_id: int, kind: OutgoingKind, message_id: int | None
    ) -> bool: ...
    def claim_outgoing(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[OutboxItem]: ...
    def set_outgoing_header(self, outbox_id: int, message_id_header: str) -> None: ...
    def finish_outgoing(
        self,
        outbox_id: int,
        status: OutboxStatus,
        *,
        sent_at: datetime | None = None,
        next_attempt_at: datetime | None = None,
        error: str | None = None,
    ) -> None: ...
    def list_outgoing(
        self, statuses: Sequence[OutboxStatus], ticket_id: int | None = None, limit: int = 100
    ) -> list[OutboxItem]: ...
    def add_bounce(self, bounce: BounceRecord) -> None: ...
    def bounces_for(self, contact_id: int) -> list[BounceRecord]: ...


class EmailReader(Protocol):
    """Bytes of an e-mail to a value (``adapters/email/parse.py``)."""

    def identify(self, raw: bytes) -> EmailIdentity: ...
    def parse(self, raw: bytes, *, lenient: bool = False) -> InboundEmail:
        """Raises UnreadableEmailError with the reason to quarantine for."""
        ...


class MailboxReader(Protocol):
    """An open IMAP folder (``adapters/email/imap.py``)."""

    @property
    def label(self) -> str: ...
    def unseen(self) -> list[int]: ...
    def fetch(self, uid: int) -> bytes | None: ...
    def mark_seen(self, uid: int) -> None: ...


class MailTransport(Protocol):
    """Hands a message to the SMTP relay; raises DeliveryFailedError."""

    def send(self, outgoing: OutgoingEmail) -> None: ...
