"""Known issues: record them, link tickets and answer them with the documented fix in one
step. The link is counted on the issue and shows on the ticket's trail. Each issue is also a
search document (kind known-issue: title, symptoms and fix, never the root cause), so the
assist panel's suggestions offer it for tickets that read like it."""

from __future__ import annotations

from dataclasses import dataclass, field

from tierdesk.domain.article_draft import draft_known_issue, public_side
from tierdesk.domain.knowledge import DocumentKind, SearchDocument
from tierdesk.domain.known_issues import KnownIssue, KnownIssueStatus
from tierdesk.domain.l3_outcomes import L3Outcome
from tierdesk.domain.messages import Channel, require_text
from tierdesk.domain.people import Actor, Tier
from tierdesk.domain.record_links import RecordKind
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.versions import is_version
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.l3_outcomes import record_outcome
from tierdesk.services.languages import language_for_customer
from tierdesk.services.linked_records import (
    RecordSpec,
    RecordView,
    add_record,
    audit_record,
    change_record,
    customer_version,
    get_record,
    link_to_record,
    list_records,
    post_public_notice,
    product_id_for,
    require_level,
)

KIND = RecordKind.KNOWN_ISSUE
KNOWN_ISSUES: RecordSpec[KnownIssue] = RecordSpec(
    KIND, lambda uow: uow.known_issues, read="read known issues"
)
_DOCUMENT_KEY = "known-issue-record:"  # the issue's search document: "known-issue-record:12"
# Who documents known issues: senior support and above (L1 links and sends them).
AUTHORS = Tier.L2


@dataclass
class KnownIssueInput:
    title: str
    symptoms: str
    fix: str
    root_cause: str = ""
    product: str | None = None
    affected_versions: list[str] = field(default_factory=list)


def _versions(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values if v.strip()]
    bad = [v for v in cleaned if not is_version(v)]
    if bad:
        raise InvalidInputError(f"not versions: {', '.join(bad)}", field="affected_versions")
    return cleaned


def create_known_issue(desk: Desk, actor: Actor, new: KnownIssueInput) -> KnownIssue:
    require_level(actor, AUTHORS, "document known issues")
    with desk.uow() as uow:
        issue = _add_issue(uow, desk, actor, new)
        uow.commit()
        return issue


def _add_issue(uow: UnitOfWork, desk: Desk, actor: Actor, new: KnownIssueInput) -> KnownIssue:
    now = desk.clock.now()
    issue = KnownIssue(
        title=new.title,
        symptoms=new.symptoms,
        root_cause=new.root_cause,
        fix=new.fix,
        created_at=now,
        updated_at=now,
        created_by=actor.name,
        product_id=product_id_for(uow, new.product),
        affected_versions=_versions(new.affected_versions),
    )
    add_record(uow, KNOWN_ISSUES, issue, "created", actor, now, {"title": issue.title})
    index_known_issue(uow, desk, issue)
    return issue


@dataclass(frozen=True)
class KnownFixProposal:
    """A known issue proposed from a ticket, and whether its fix is the answer the customer was
    already given (else it was drafted from the last public replies, which are often a
    question: the forms do not offer to send it unread)."""

    issue: KnownIssueInput
    fix_was_sent: bool


def draft_known_issue_for(desk: Desk, actor: Actor, reference: int | str) -> KnownFixProposal:
    """L3's "known fix" without a known issue to name: a new one proposed from the ticket
    (``article_draft.draft_known_issue``: its public side only), for the engineer to edit."""
    require_level(actor, AUTHORS, "document known issues")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        product = uow.products.get(ticket.product_id) if ticket.product_id is not None else None
        version = customer_version(uow, ticket)
        draft = draft_known_issue(public_side(ticket, product.name if product else None, version))
    issue = KnownIssueInput(
        title=draft.title,
        symptoms=draft.symptoms,
        fix=draft.fix,
        root_cause=draft.root_cause,
        product=product.name if product else None,
        affected_versions=[v for v in draft.affected_versions if is_version(v)],
    )
    return KnownFixProposal(issue, draft.fix_was_sent)


def record_known_fix(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    new: KnownIssueInput,
    *,
    send_fix: bool = True,
    channel: Channel = Channel.API,
) -> tuple[KnownIssue, Ticket]:
    """The "known fix" outcome with a known issue documented on the spot: the issue is
    created (as ``create_known_issue`` does), the ticket linked to it and, by default,
    answered with its fix; one transaction, the outcome recorded when the ticket is at L3."""
    require_level(actor, AUTHORS, "document known issues")
    with desk.uow() as uow:
        issue = _add_issue(uow, desk, actor, new)
        assert issue.id is not None
        now = desk.clock.now()
        ticket, _link = link_to_record(
            uow, desk, actor, KIND, issue.id, issue.title, reference, now
        )
        if send_fix:
            reply = issue.fix_reply(language_for_customer(uow, ticket))
            post_public_notice(desk, uow, actor, ticket, reply, now, channel=channel)
        record_outcome(uow, ticket, L3Outcome.KNOWN_FIX, actor, now, record_id=issue.id)
        uow.commit()
        return issue, ticket


def update_known_issue(
    desk: Desk,
    actor: Actor,
    issue_id: int,
    *,
    fix: str | None = None,
    root_cause: str | None = None,
    status: KnownIssueStatus | None = None,
    affected_versions: list[str] | None = None,
) -> KnownIssue:
    require_level(actor, AUTHORS, "change known issues")
    with desk.uow() as uow:
        issue = change_record(uow, KNOWN_ISSUES, issue_id)
        changes: dict[str, object] = {}
        if fix is not None:
            changes["fix"] = issue.fix = require_text(fix, "fix", max_length=50_000)
        if root_cause is not None:
            changes["root_cause"] = issue.root_cause = root_cause.strip()
        if status is not None and status is not issue.status:
            changes["status"] = [str(issue.status), str(status)]
            issue.status = status
        if affected_versions is not None:
            changes["affected_versions"] = issue.affected_versions = _versions(affected_versions)
        if not changes:
            raise InvalidInputError("nothing to change")
        now = desk.clock.now()
        issue.updated_at = now
        audit_record(uow, KIND, issue.id, "updated", actor, now, changes)
        index_known_issue(uow, desk, issue)
        uow.commit()
        return issue


def list_known_issues(
    desk: Desk,
    actor: Actor,
    product: str | None = None,
    status: KnownIssueStatus | None = None,
) -> list[tuple[KnownIssue, int]]:
    """Known issues with how many tickets each is linked to."""
    return list_records(
        desk,
        actor,
        KNOWN_ISSUES,
        lambda uow: uow.known_issues.find(product_id_for(uow, product), status),
    )


def get_known_issue(desk: Desk, actor: Actor, issue_id: int) -> RecordView[KnownIssue]:
    return get_record(desk, actor, KNOWN_ISSUES, issue_id)


def link_known_issue(
    desk: Desk,
    actor: Actor,
    issue_id: int,
    reference: int | str,
    *,
    send_fix: bool = True,
    channel: Channel = Channel.API,
) -> tuple[KnownIssue, Ticket]:
    """Link a ticket to the known issue and (by default) answer it with the documented fix as
    a public reply (sent by way of ``channel``), in one transaction. At L3 this is the "known
    fix" outcome."""
    require_agent(actor, "link known issues")
    with desk.uow() as uow:
        issue = change_record(uow, KNOWN_ISSUES, issue_id)
        issue.require_usable()
        now = desk.clock.now()
        ticket, _link = link_to_record(
            uow, desk, actor, KIND, issue_id, issue.title, reference, now
        )
        if send_fix:
            reply = issue.fix_reply(language_for_customer(uow, ticket))
            post_public_notice(desk, uow, actor, ticket, reply, now, channel=channel)
            record_outcome(uow, ticket, L3Outcome.KNOWN_FIX, actor, now, record_id=issue_id)
        uow.commit()
        return issue, ticket


def known_issue_of_document(key: str) -> int | None:
    """The known issue a search document is about, if it is one's."""
    number = key.removeprefix(_DOCUMENT_KEY)
    return int(number) if key.startswith(_DOCUMENT_KEY) and number.isdigit() else None


def index_known_issue(uow: UnitOfWork, desk: Desk, issue: KnownIssue) -> None:
    """Keep the issue's search document in step with it (a retired issue leaves the index)."""
    if desk.search is None:
        return
    key = f"{_DOCUMENT_KEY}{issue.id}"
    if issue.status is KnownIssueStatus.RETIRED:
        uow.search.remove([key])
        return
    product = uow.products.get(issue.product_id) if issue.product_id is not None else None
    reference = f"KI-{issue.id}"
    document = SearchDocument(
        key=key,
        kind=DocumentKind.KNOWN_ISSUE,
        title=f"{reference}: {issue.title}",
        body=f"{issue.symptoms}\n\n{issue.fix}",
        citation={
            "document": reference,
            "section": issue.title,
            "path": issue.title,
            "product": product.name if product is not None else None,
            "version": ", ".join(issue.affected_versions) or None,
        },
    )
    desk.search.store(uow, [document])
