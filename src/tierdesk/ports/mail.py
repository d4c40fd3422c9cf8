"""The interfaces e-mail intake and delivery need (issue 8): the intake's storage, reading mail,
the mailbox and the relay. Threading and the outbox have their own ports (``mail_threading.py``,
``mail_outbox.py``)."""

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
from tierdesk.domain.outbound import OutgoingEmail


class MailRepository(Protocol):
    """Received e-mail and its outcomes, and the bounces reported back."""

    def find_inbound(self, identity: EmailIdentity) -> InboundRecord | None: ...
    def add_inbound(
        self,
        mailbox: str,
        identity: EmailIdentity,
        size: int,
        raw_key: str,
        at: datetime,
        outcome: InboundOutcome = InboundOutcome.RECEIVING,
    ) -> int:
        """Raises ConflictError when the identity is stored already (or being stored)."""
        ...

    def next_received(self) -> int | None:
        """The oldest message stored as ``received`` (acknowledged, not processed yet)."""
        ...

    def received_backlog(self) -> tuple[int, datetime | None]:
        """How many messages are stored as ``received`` and when the oldest of them was."""
        ...

    def claim_received(self, record_id: int) -> bool:
        """Take a ``received`` message for processing in this transaction; False when another
        transaction has processed it meanwhile (or is processing it: this one then waits)."""
        ...

    def finish_inbound(self, record_id: int, result: InboundResult, at: datetime) -> None: ...
    def get_inbound(self, record_id: int) -> InboundRecord | None: ...
    def list_inbound(
        self, outcomes: Sequence[InboundOutcome], limit: int, before_id: int | None
    ) -> list[InboundRecord]: ...
    def count_from_sender(self, address: str, since: datetime, excluding_id: int) -> int: ...
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
