"""Access to customers' systems (issue 21 item 2): an organisation's access notes, written by
leads and admins, listed to every agent by title and kind, and revealed, one at a time and for
a named ticket, to agents at the levels the organisation allows (``DEFAULT_MIN_TIER`` unless it
chose another).

Every reveal goes through ``access_ticket`` (the agent must be able to open the ticket, and
the ticket must be the organisation's) and is written to the audit log with the note and the
ticket, before the body is decrypted for the answer. The body is never stored in clear, never
put in an audit event, a log record, the search index, an export, mail or a portal page:
only ``reveal_note``'s return value holds it. Customer contacts read nothing of this, not even
that a note exists: for them every organisation's notes are "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tierdesk.domain.access_notes import (
    DEFAULT_MIN_TIER,
    AccessNote,
    AccessNoteKind,
    AccessPolicy,
    check_body,
    may_reveal,
    ordered_for_site,
    require_reveal,
)
from tierdesk.domain.audit import audit_event
from tierdesk.domain.installed_base import Site
from tierdesk.domain.people import Actor, Agent, Organisation, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.access_notes import NoteCipher
from tierdesk.services.access import access_ticket, require_lead
from tierdesk.services.desk import Desk

LOCKED = (
    "access notes are locked: the desk has no key to encrypt and decrypt them "
    "(set TIERDESK_ACCESS_NOTES_KEY; see docs/settings.md)"
)


@dataclass
class NoteInput:
    title: str
    kind: AccessNoteKind
    body: str | None = None  # None or blank on an update: the secret stays as it is
    site_id: int | None = None  # None: the whole organisation


@dataclass
class OrganisationAccess:
    """An organisation's access notes as the workspace and the API list them (no bodies)."""

    organisation: Organisation
    notes: list[AccessNote]
    min_tier: Tier
    chosen: bool  # False: the desk's default level holds
    sites: dict[int, Site] = field(default_factory=dict)
    may_reveal: bool = False
    may_edit: bool = False
    locked: bool = False  # no key: nothing can be written or revealed

    def site_name(self, site_id: int | None) -> str | None:
        site = self.sites.get(site_id or 0)
        return site.name if site else None


@dataclass
class TicketAccess(OrganisationAccess):
    """The ticket page's panel: the organisation's notes, those of the sites the ticket's
    installed items are at first."""

    ticket: Ticket | None = None
    ticket_sites: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class RevealedNote:
    note: AccessNote
    body: str
    ticket_number: str


def _agent(actor: Actor) -> Agent:
    """Only the vendor's people know there are access notes; a contact is told "not found",
    as for another organisation's ticket, and the desk itself reads none."""
    if not isinstance(actor, Agent) or not actor.active:
        raise NotFoundError("organisation not found")
    return actor


def _organisation(uow: UnitOfWork, organisation_id: int) -> Organisation:
    organisation = uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFoundError(f"organisation {organisation_id} not found")
    return organisation


def _min_tier(uow: UnitOfWork, organisation_id: int) -> tuple[Tier, bool]:
    policy = uow.access_notes.policy(organisation_id)
    return (policy.min_tier, True) if policy else (DEFAULT_MIN_TIER, False)


def _cipher(desk: Desk, field_name: str | None = None) -> NoteCipher:
    if desk.access_notes is None:
        raise ConflictError(LOCKED, field=field_name) if field_name else ConflictError(LOCKED)
    return desk.access_notes


def _sites(uow: UnitOfWork, organisation_id: int) -> dict[int, Site]:
    return {s.id or 0: s for s in uow.installed_base.sites(organisation_id)}


def organisation_access(desk: Desk, actor: Actor, organisation_id: int) -> OrganisationAccess:
    agent = _agent(actor)
    with desk.uow() as uow:
        organisation = _organisation(uow, organisation_id)
        min_tier, chosen = _min_tier(uow, organisation_id)
        return OrganisationAccess(
            organisation,
            uow.access_notes.of_organisation(organisation_id),
            min_tier,
            chosen,
            _sites(uow, organisation_id),
            may_reveal=may_reveal(agent, min_tier),
            may_edit=agent.is_lead,
            locked=desk.access_notes is None,
        )


def ticket_access(desk: Desk, actor: Actor, reference: int | str) -> TicketAccess:
    agent = _agent(actor)
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        organisation = _organisation(uow, ticket.organisation_id)
        min_tier, chosen = _min_tier(uow, organisation.id or 0)
        item_ids = [link.installed_item_id for link in uow.installed_base.links(ticket.id)]
        site_ids = {
            i.site_id for i in uow.installed_base.items_by_ids(item_ids) if i.site_id is not None
        }
        notes = uow.access_notes.of_organisation(ticket.organisation_id)
        return TicketAccess(
            organisation,
            ordered_for_site(notes, site_ids),
            min_tier,
            chosen,
            _sites(uow, ticket.organisation_id),
            may_reveal=may_reveal(agent, min_tier),
            may_edit=agent.is_lead,
            locked=desk.access_notes is None,
            ticket=ticket,
            ticket_sites=site_ids,
        )


def _audit(
    desk: Desk,
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    subject_id: int | None,
    ticket_id: int | None = None,
    **changes: Any,
) -> None:
    event = audit_event(
        "access_note", action, actor, desk.clock.now(), subject_id=subject_id, changes=changes
    )
    event.ticket_id = ticket_id
    uow.audit.add(event)


def _site_id(uow: UnitOfWork, organisation_id: int, site_id: int | None) -> int | None:
    if site_id is None:
        return None
    site = uow.installed_base.site(site_id)
    if site is None or site.organisation_id != organisation_id:
        raise InvalidInputError(f"no site {site_id} at this organisation", field="site_id")
    return site_id


def add_note(desk: Desk, actor: Actor, organisation_id: int, new: NoteInput) -> AccessNote:
    require_lead(_agent(actor), "write access notes")
    with desk.uow() as uow:
        _organisation(uow, organisation_id)
        now = desk.clock.now()
        body = check_body(new.body or "")
        note = AccessNote(
            organisation_id,
            new.title,
            new.kind,
            secret="",
            created_at=now,
            updated_at=now,
            site_id=_site_id(uow, organisation_id, new.site_id),
        )
        note.secret = _cipher(desk, "body").encrypt(body)
        uow.access_notes.add(note)
        uow.flush()
        _audit(desk, uow, actor, "access_note.added", note.id, None, **_described(note))
        uow.commit()
        return note


def _described(note: AccessNote) -> dict[str, Any]:
    """What an audit event says of a note: never its body."""
    return {
        "organisation_id": note.organisation_id,
        "title": note.title,
        "kind": str(note.kind),
        "site_id": note.site_id,
    }


def _own_note(uow: UnitOfWork, organisation_id: int, note_id: int) -> AccessNote:
    note = uow.access_notes.get(note_id)
    if note is None or note.organisation_id != organisation_id:
        raise NotFoundError(f"access note {note_id} not found")
    return note


def update_note(
    desk: Desk, actor: Actor, organisation_id: int, note_id: int, new: NoteInput
) -> AccessNote:
    """Change a note's title, kind or site; its secret too when a new one is given (the old
    one is never shown to edit: replacing it needs no reveal)."""
    require_lead(_agent(actor), "write access notes")
    with desk.uow() as uow:
        note = _own_note(uow, organisation_id, note_id)
        checked = AccessNote(
            organisation_id, new.title, new.kind, note.secret, note.created_at, desk.clock.now()
        )
        replaced = bool(new.body and new.body.strip())
        if replaced:
            checked.secret = _cipher(desk, "body").encrypt(check_body(new.body or ""))
        note.title, note.kind, note.secret = checked.title, checked.kind, checked.secret
        note.site_id = _site_id(uow, organisation_id, new.site_id)
        note.updated_at = checked.updated_at
        _audit(
            desk,
            uow,
            actor,
            "access_note.updated",
            note.id,
            None,
            secret_replaced=replaced,
            **_described(note),
        )
        uow.commit()
        return note


def remove_note(desk: Desk, actor: Actor, organisation_id: int, note_id: int) -> None:
    require_lead(_agent(actor), "remove access notes")
    with desk.uow() as uow:
        note = _own_note(uow, organisation_id, note_id)
        uow.hold(note)  # removed twice at once: the second is told, not audited twice
        described = _described(note)
        uow.access_notes.remove(note)
        _audit(desk, uow, actor, "access_note.removed", note_id, None, **described)
        uow.commit()


def set_min_tier(desk: Desk, actor: Actor, organisation_id: int, tier: Tier) -> AccessPolicy:
    """The lowest level whose agents may reveal the organisation's notes (leads and admins)."""
    require_lead(_agent(actor), "choose who reads access notes")
    with desk.uow() as uow:
        _organisation(uow, organisation_id)
        before, _chosen = _min_tier(uow, organisation_id)
        policy = uow.access_notes.policy(organisation_id)
        now = desk.clock.now()
        if policy is None:
            policy = AccessPolicy(organisation_id, tier, now)
            uow.access_notes.save_policy(policy)
        else:
            policy.min_tier, policy.updated_at = Tier(tier), now
        uow.audit.add(
            audit_event(
                "organisation",
                "access_notes.level_set",
                actor,
                now,
                subject_id=organisation_id,
                changes={"min_tier": [before.label, Tier(tier).label]},
            )
        )
        uow.commit()
        return policy


def reveal_note(desk: Desk, actor: Actor, note_id: int, ticket: int | str) -> RevealedNote:
    """The note's body, for an agent at an allowed level working ``ticket`` (a ticket of the
    note's organisation they may open); audited with the note and the ticket."""
    agent = _agent(actor)
    if isinstance(ticket, str) and not ticket.strip():
        raise InvalidInputError("name the ticket the access is for", field="ticket")
    with desk.uow() as uow:
        note = uow.access_notes.get(note_id)
        if note is None:
            raise NotFoundError(f"access note {note_id} not found")
        found = access_ticket(uow, agent, ticket, desk.ticket_prefix)
        if found.organisation_id != note.organisation_id:
            raise PermissionDeniedError(
                f"ticket {found.number} is not this organisation's; reveal a note for a "
                "ticket of the customer whose systems it opens",
                field="ticket",
            )
        min_tier, _chosen = _min_tier(uow, note.organisation_id)
        require_reveal(agent, min_tier)
        body = _cipher(desk).decrypt(note.secret)  # before the audit: a failure reveals nothing
        _audit(
            desk,
            uow,
            agent,
            "access_note.revealed",
            note.id,
            found.id,
            organisation_id=note.organisation_id,
            note=note.title,
            ticket=found.number,
        )
        uow.commit()
        return RevealedNote(note, body, found.number or str(found.id))
