"""Versions and upgrades (issue 21 item 3): the customers a known issue or a defect affects,
and upgrade advisories sent to the organisations running a product version.

Who may do what: every agent reads which customers a record affects and every advisory (they
are the vendor's people, as for the installed base); leads and admins create advisories (they
mail customers on the desk's behalf); any agent marks an organisation acknowledged or upgraded.
A customer contact sees only the advisories that reached its own organisation (the portal's
Advisories page) and may acknowledge them for it; any other advisory is "not found" to them.

Who is told: every active contact of an organisation with a real address (the desk keeps no
"technical contact" role; an advisory is for whoever runs the system), each in the language
they stated, else the organisation's (``domain.advisories.organisation_language``). The
notices go through the mail outbox in the transaction that creates the advisory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tierdesk.domain.advisories import (
    Advisory,
    AdvisoryOrganisation,
    AdvisoryReason,
    NoticeFacts,
    NoticeState,
    advisory_notice,
    affects,
    organisation_language,
    running,
)
from tierdesk.domain.audit import audit_event
from tierdesk.domain.catalog import Product
from tierdesk.domain.customer_texts import customer_language
from tierdesk.domain.defects import Defect
from tierdesk.domain.imports import is_placeholder_email
from tierdesk.domain.outbound import OutgoingKind
from tierdesk.domain.people import Actor, Agent, Contact, Organisation, SystemActor
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.affected_customers import organisations_of, record_of
from tierdesk.services.desk import Desk
from tierdesk.services.installed_base import product_for
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.mail_outbox import SEND_TASK

INSTALLED_BASE = "installed base"  # who marked an organisation upgraded when the desk saw it
_RECORD = re.compile(r"^\s*(?:(ki|def)-?)?\s*(\d+)\s*$", re.IGNORECASE)


# -- advisories -----------------------------------------------------------------------------


@dataclass
class AdvisoryInput:
    product: str  # key or name
    version: str
    reason: str  # AdvisoryReason's value
    message: str
    record: str | None = None  # "KI-3", "DEF-7" or a bare id, for those reasons
    end_of_support: date | None = None  # end-of-support: defaults to the catalogue's date
    target_version: str | None = None


@dataclass(frozen=True)
class Recipient:
    organisation: Organisation
    items: int
    contacts: list[Contact]
    language: str


@dataclass(frozen=True)
class AdvisoryPreview:
    """What creating the advisory would do: the organisations it reaches."""

    advisory: Advisory
    product: Product
    record_title: str | None
    recipients: list[Recipient]


@dataclass(frozen=True)
class AdvisoryRow:
    """One organisation an advisory reached, with its name and whether it still runs it."""

    notice: AdvisoryOrganisation
    organisation: Organisation
    still_running: int  # active items at the version now


@dataclass(frozen=True)
class AdvisoryView:
    advisory: Advisory
    product: Product | None
    record_title: str | None
    rows: list[AdvisoryRow] = field(default_factory=list)

    def count(self, state: NoticeState) -> int:
        return sum(1 for r in self.rows if r.notice.state is state)


def _reason(text: str) -> AdvisoryReason:
    try:
        return AdvisoryReason(text.strip())
    except ValueError:
        raise InvalidInputError(
            "reason is known-issue, defect or end-of-support", field="reason"
        ) from None


def _catalogue_version(product: Product, name: str | None, field_name: str) -> str | None:
    if name is None or not name.strip():
        return None
    version = product.version_named(name)
    if version is None:
        raise InvalidInputError(
            f"{product.name} has no version {name.strip()!r} in the catalogue", field=field_name
        )
    return version.name


def _record_id(text: str | None, reason: AdvisoryReason) -> int | None:
    if reason is AdvisoryReason.END_OF_SUPPORT or text is None or not text.strip():
        return None
    match = _RECORD.match(text)
    prefix = "KI" if reason is AdvisoryReason.KNOWN_ISSUE else "DEF"
    if match is None or (match.group(1) and match.group(1).upper() != prefix):
        raise InvalidInputError(f"name the record as {prefix}-<number>", field="record")
    return int(match.group(2))


def _draft(uow: UnitOfWork, desk: Desk, actor: Actor, new: AdvisoryInput) -> AdvisoryPreview:
    """The advisory checked against the catalogue and its record, and who it would reach."""
    product = product_for(uow, new.product)
    reason = _reason(new.reason)
    if not new.version.strip():
        raise InvalidInputError("choose the version to advise on", field="version")
    version = _catalogue_version(product, new.version, "version") or ""
    target = _catalogue_version(product, new.target_version, "target_version")
    record_id = _record_id(new.record, reason)
    record_title = None
    if record_id is not None:
        try:
            record = record_of(uow, reason, record_id)
        except NotFoundError as missing:
            raise InvalidInputError(str(missing), field="record") from None
        if record.product_id is not None and record.product_id != product.id:
            raise InvalidInputError(f"that record is not about {product.name}", field="record")
        fixed_in = record.fixed_in if isinstance(record, Defect) else None
        if not affects(version, record.affected_versions, fixed_in):
            raise InvalidInputError(
                f"the record does not affect {version}: add it to its affected versions first",
                field="record",
            )
        record_title = record.title
    end_of_support = new.end_of_support
    if reason is AdvisoryReason.END_OF_SUPPORT and end_of_support is None:
        listed = product.version_named(version)
        end_of_support = listed.end_of_support if listed is not None else None
    advisory = Advisory(
        product_id=product.id or 0,
        version=version,
        reason=reason,
        message=new.message,
        created_at=desk.clock.now(),
        created_by=actor.name,
        target_version=target,
        known_issue_id=record_id if reason is AdvisoryReason.KNOWN_ISSUE else None,
        defect_id=record_id if reason is AdvisoryReason.DEFECT else None,
        end_of_support=end_of_support,
    )
    found = running(uow.installed_base.items_running(product.id or 0), product.id or 0, version)
    recipients = []
    for row in organisations_of(uow, found):
        contacts = [
            c
            for c in uow.contacts.all(row.organisation.id)
            if c.active and not is_placeholder_email(c.email)
        ]
        language = organisation_language((c.language for c in contacts), row.organisation.country)
        recipients.append(Recipient(row.organisation, row.item_count, contacts, language))
    return AdvisoryPreview(advisory, product, record_title, recipients)


def preview_advisory(desk: Desk, actor: Actor, new: AdvisoryInput) -> AdvisoryPreview:
    """The checked advisory and the organisations it would reach; nothing is stored."""
    require_lead(actor, "send upgrade advisories")
    with desk.uow() as uow:
        return _draft(uow, desk, actor, new)


def create_advisory(desk: Desk, actor: Actor, new: AdvisoryInput) -> AdvisoryView:
    """Store the advisory and one row per organisation running the version, and queue each
    organisation's contacts a notice in their language; one transaction."""
    require_lead(actor, "send upgrade advisories")
    with desk.uow() as uow:
        draft = _draft(uow, desk, actor, new)
        advisory, now = draft.advisory, draft.advisory.created_at
        uow.advisories.add(advisory)
        uow.flush()
        assert advisory.id is not None
        queued = 0
        for recipient in draft.recipients:
            assert recipient.organisation.id is not None
            facts = NoticeFacts(
                recipient.organisation.name, draft.product.name, recipient.items, draft.record_title
            )
            for contact in recipient.contacts:
                language = customer_language(contact.language, recipient.language)
                subject, body = advisory_notice(advisory, facts, language)
                uow.mail_outbox.add(
                    None,
                    OutgoingKind.NOTICE,
                    contact.email,
                    language,
                    now,
                    subject=subject,
                    body=body,
                )
                queued += 1
            uow.advisories.add_organisation(
                AdvisoryOrganisation(
                    advisory.id,
                    recipient.organisation.id,
                    recipient.items,
                    len(recipient.contacts),
                    recipient.language,
                    now,
                )
            )
        if queued and desk.mail_out is not None:
            enqueue(uow, SEND_TASK, at=now)
        _audit(
            uow,
            actor,
            "created",
            advisory,
            now,
            version=advisory.version,
            organisations=len(draft.recipients),
            notices=queued,
        )
        uow.commit()
        return _view(uow, advisory)


def _audit(
    uow: UnitOfWork, actor: Actor, action: str, advisory: Advisory, at: Any, **changes: Any
) -> None:
    uow.audit.add(
        audit_event("advisory", action, actor, at, subject_id=advisory.id, changes=changes)
    )


def _view(uow: UnitOfWork, advisory: Advisory) -> AdvisoryView:
    assert advisory.id is not None
    product = uow.products.get(advisory.product_id)
    title = None
    if advisory.known_issue_id is not None:
        issue = uow.known_issues.get(advisory.known_issue_id)
        title = issue.title if issue else None
    elif advisory.defect_id is not None:
        defect = uow.defects.get(advisory.defect_id)
        title = defect.title if defect else None
    now_running = running(
        uow.installed_base.items_running(advisory.product_id), advisory.product_id, advisory.version
    )
    rows = []
    for notice in uow.advisories.organisations(advisory.id):
        organisation = uow.organisations.get(notice.organisation_id)
        if organisation is not None:
            still = sum(i.quantity for i in now_running.get(notice.organisation_id, []))
            rows.append(AdvisoryRow(notice, organisation, still))
    rows.sort(key=lambda r: r.organisation.name.lower())
    return AdvisoryView(advisory, product, title, rows)


def _load(uow: UnitOfWork, actor: Actor, advisory_id: int) -> Advisory:
    advisory = uow.advisories.get(advisory_id)
    if advisory is None:
        raise NotFoundError(f"advisory {advisory_id} not found")
    if isinstance(actor, Contact):
        if uow.advisories.organisation(advisory_id, actor.organisation_id) is None:
            raise NotFoundError(f"advisory {advisory_id} not found")
    else:
        require_agent(actor, "read advisories")
    return advisory


def get_advisory(desk: Desk, actor: Actor, advisory_id: int) -> AdvisoryView:
    """The advisory with the organisations it reached; a contact sees only its own row."""
    with desk.uow() as uow:
        view = _view(uow, _load(uow, actor, advisory_id))
        if isinstance(actor, Contact):
            own = [r for r in view.rows if r.organisation.id == actor.organisation_id]
            return AdvisoryView(view.advisory, view.product, view.record_title, own)
        return view


def list_advisories(
    desk: Desk, actor: Actor, offset: int = 0, limit: int = 50
) -> tuple[list[AdvisoryView], int]:
    """Newest first, with the total; a contact's are those that reached its organisation."""
    with desk.uow() as uow:
        organisation_id = None
        if isinstance(actor, Contact):
            organisation_id = actor.organisation_id
        else:
            require_agent(actor, "read advisories")
        found, total = uow.advisories.page(offset, limit, organisation_id)
        views = [_view(uow, a) for a in found]
        if organisation_id is not None:
            views = [
                AdvisoryView(
                    v.advisory,
                    v.product,
                    v.record_title,
                    [r for r in v.rows if r.organisation.id == organisation_id],
                )
                for v in views
            ]
        return views, total


def set_state(
    desk: Desk, actor: Actor, advisory_id: int, organisation_id: int, state: NoticeState | str
) -> AdvisoryRow:
    """Mark an organisation acknowledged or upgraded (forward only; the same state again
    changes nothing). Agents mark any organisation; a contact acknowledges for its own."""
    try:
        wanted = NoticeState(str(state))
    except ValueError:
        raise InvalidInputError("state is acknowledged or upgraded", field="state") from None
    with desk.uow() as uow:
        advisory = _load(uow, actor, advisory_id)
        if isinstance(actor, Contact):
            if organisation_id != actor.organisation_id:
                raise NotFoundError(f"advisory {advisory_id} not found")
            if wanted is not NoticeState.ACKNOWLEDGED:
                raise InvalidInputError("customers acknowledge advisories", field="state")
        notice = uow.advisories.organisation(advisory_id, organisation_id)
        organisation = uow.organisations.get(organisation_id)
        if notice is None or organisation is None:
            raise NotFoundError(
                f"advisory {advisory_id} did not reach organisation {organisation_id}"
            )
        uow.hold(notice)  # marked twice at once: the second meets it marked (no event)
        now = desk.clock.now()
        if notice.move_to(wanted, now, actor.name):
            _audit(uow, actor, str(wanted), advisory, now, organisation=organisation_id)
        uow.commit()
        return AdvisoryRow(notice, organisation, 0)


def detect_upgrades(desk: Desk, actor: Actor, advisory_id: int | None = None) -> int:
    """Mark upgraded every organisation (of one advisory, or of every open one) whose installed
    base no longer runs the advised version; how many were marked."""
    if not isinstance(actor, SystemActor | Agent):
        raise NotFoundError("not found")
    with desk.uow() as uow:
        ids = [advisory_id] if advisory_id is not None else uow.advisories.open_advisory_ids()
        marked = 0
        now = desk.clock.now()
        for one in ids:
            advisory = _load(uow, actor, one)
            now_running = running(
                uow.installed_base.items_running(advisory.product_id),
                advisory.product_id,
                advisory.version,
            )
            for notice in uow.advisories.organisations(one):
                gone = notice.organisation_id not in now_running
                if gone and notice.mark_upgraded(now, INSTALLED_BASE):
                    _audit(
                        uow, actor, "upgraded", advisory, now, organisation=notice.organisation_id
                    )
                    marked += 1
        uow.commit()
        return marked


@TASKS.every(timedelta(hours=1), name="advisories.upgrades")
def detect_upgrades_task(desk: Desk, _payload: dict[str, Any]) -> None:
    """Organisations whose installed base moved off an advised version have upgraded."""
    detect_upgrades(desk, SystemActor(name="advisories"))
