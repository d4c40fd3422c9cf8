"""What every use case is handed: the unit of work and the outside world, already wired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tierdesk.domain.answers import AnswerSettings
from tierdesk.domain.knowledge_gaps import GapPolicy
from tierdesk.domain.outbound import OutboundPolicy
from tierdesk.domain.rmas import RmaPolicy
from tierdesk.domain.sign_in_limits import SignInPolicy
from tierdesk.ports import (
    Clock,
    FileStore,
    HtmlSanitiser,
    HtmlToText,
    MailTransport,
    PasswordHasher,
    SearchIndex,
    UnitOfWork,
)
from tierdesk.ports.access_notes import NoteCipher
from tierdesk.ports.defects import IssueTracker
from tierdesk.ports.understanding import Understanding
from tierdesk.ports.webhooks import WebhookSender
from tierdesk.services.job_wakeup import JobWakeup
from tierdesk.services.reference_data import ReferenceCache


@dataclass(frozen=True)
class MailDelivery:
    """How the desk's outgoing mail leaves it: the sending rules and the SMTP relay."""

    policy: OutboundPolicy
    transport: MailTransport


@dataclass(frozen=True)
class WebhookDelivery:
    """How webhook deliveries leave the desk (docs/webhooks.md, settings ``webhooks.*``)."""

    sender: WebhookSender
    allow_private: bool = False  # URLs on loopback or private addresses
    disable_after: int = 20  # failed attempts in a row that disable a webhook


@dataclass(frozen=True)
class Desk:
    uow: Callable[[], UnitOfWork]
    clock: Clock
    files: FileStore
    sanitise_html: HtmlSanitiser
    html_to_text: HtmlToText
    passwords: PasswordHasher
    ticket_prefix: str = "TD"
    max_attachment_bytes: int = 25 * 1024 * 1024
    search: SearchIndex | None = None  # None: nothing is indexed (a desk without retrieval)
    tracker: IssueTracker | None = None  # None: defects are not mirrored to a tracker
    understanding: Understanding | None = None  # None: no enrichment, triage or outages
    sign_in_policy: SignInPolicy = field(default_factory=SignInPolicy)
    # None: no sender address is configured, so background jobs send no mail (it waits in the
    # outbox for `tierdesk mail send-pending`, which says what is missing)
    mail_out: MailDelivery | None = None
    gap_policy: GapPolicy = field(default_factory=GapPolicy)  # knowing what is missing
    answer_settings: AnswerSettings = field(default_factory=AnswerSettings)  # issue 17
    webhooks: WebhookDelivery | None = None  # None: deliveries wait (nothing sends them)
    # None: no access_notes_key is set, so access notes can be listed but not written or read
    access_notes: NoteCipher | None = field(default=None, repr=False)
    rma_policy: RmaPolicy = field(default_factory=RmaPolicy)  # issue 21: RMA sign-off
    # the catalogue, levels and queues this process holds (services/reference_data.py)
    reference: ReferenceCache = field(default_factory=ReferenceCache, compare=False)
    # told by the unit of work when a commit enqueued jobs; this process's runner waits on it
    job_wakeup: JobWakeup = field(default_factory=JobWakeup, compare=False)
