"""Storing one batch of imported records in one unit of work: organisations and people here,
tickets in ``imported_tickets.py`` (a ``BatchWriter`` too).

Each writer looks up the batch's source ids at once, decides per record whether it is new,
changed or unchanged (by its fingerprint), and returns what it did; ``services/imports.py``
counts that only once the batch has committed. ``settle`` ends a batch: one flush, then the
source ids, trail entries and ratings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tierdesk.domain.audit import audit_event
from tierdesk.domain.csat import CsatRating
from tierdesk.domain.imports import (
    BY_MAIL_DOMAIN,
    NO_ORGANISATION,
    ImportedOrganisation,
    ImportedPerson,
    ImportedRating,
    MissingAttachment,
    Outcome,
    PersonRole,
    RecordKind,
    SourceRow,
    fingerprint,
    placeholder_email,
)
from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.people import Agent, Contact, Organisation, Role, SystemActor, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.imports import ImportedRecordRef
from tierdesk.services.desk import Desk

Stored = Organisation | Contact | Agent | Ticket | Message

# Imported tickets land at L1, where the desk's first-line agents (and imported agents) work;
# the source's groups do not say which level they were (design.md, "Importing").
IMPORT_TIER = Tier.L1
MAX_TAG = 64


@dataclass(frozen=True)
class Done:
    """What storing one row did, counted once its batch commits."""

    row: SourceRow
    kind: RecordKind
    outcome: Outcome
    reason: str = ""


@dataclass
class FetchedAttachments:
    """A batch's attachments, fetched before its transaction: by comment source id."""

    stored: dict[str, list[Attachment]] = field(default_factory=dict)
    missing: list[MissingAttachment] = field(default_factory=list)


class BatchWriter:
    def __init__(self, uow: UnitOfWork, desk: Desk, system: str, actor: SystemActor) -> None:
        self.uow, self.desk, self.system, self.actor = uow, desk, system, actor
        self.now = desk.clock.now()
        self._pending: list[tuple[RecordKind, str, Stored, str]] = []
        self._audits: list[tuple[str, Stored, str]] = []
        self._ratings: list[tuple[Ticket, Contact, ImportedRating]] = []
        # Loaded once per batch: the session holds objects weakly, so a get by id would load
        # the same agent again for every comment they wrote.
        self._loaded_agents: dict[int, Agent | None] = {}
        self._loaded_contacts: dict[int, Contact | None] = {}
        self._stand_ins: dict[str, Contact] = {}  # made in this batch, not remembered yet
        # A ticket batch's people and organisations, by source id (tickets()).
        self.contacts: dict[str, ImportedRecordRef] = {}
        self.agents: dict[str, ImportedRecordRef] = {}
        self.orgs: dict[str, ImportedRecordRef] = {}

    def _agent_by_id(self, agent_id: int) -> Agent | None:
        if agent_id not in self._loaded_agents:
            self._loaded_agents[agent_id] = self.uow.agents.get(agent_id)
        return self._loaded_agents[agent_id]

    def _contact_by_id(self, contact_id: int) -> Contact | None:
        if contact_id not in self._loaded_contacts:
            self._loaded_contacts[contact_id] = self.uow.contacts.get(contact_id)
        return self._loaded_contacts[contact_id]

    def _known(self, kind: RecordKind, ids: list[str]) -> dict[str, ImportedRecordRef]:
        return self.uow.imports.find(self.system, kind, ids)

    def _remember(self, kind: RecordKind, source_id: str, stored: Stored, fp: str) -> None:
        """Where a source record went, written by ``settle`` (new rows have no id yet)."""
        self._pending.append((kind, source_id, stored, fp))

    def _created(self, subject: str, stored: Stored, source_id: str) -> None:
        self._audits.append((subject, stored, source_id))

    def settle(self) -> None:
        """One flush for the batch, then its source ids, trail entries and ratings: per record,
        each was a statement of its own, and that was most of an import's time."""
        self.uow.flush()
        by_kind: dict[RecordKind, list[tuple[str, int, str]]] = {}
        for kind, source_id, stored, fp in self._pending:
            assert stored.id is not None
            by_kind.setdefault(kind, []).append((source_id, stored.id, fp))
        for kind, entries in by_kind.items():
            self.uow.imports.put_many(self.system, kind, entries, self.now)
        for subject, stored, source_id in self._audits:
            self._audit(subject, f"{subject}.imported", stored.id, source_id)
        for ticket, contact, rating in self._ratings:
            self.uow.csat.add(
                CsatRating(
                    ticket_id=_id(ticket),
                    contact_id=_id(contact),
                    score=rating.score,
                    comment=rating.comment,
                    created_at=rating.created_at or ticket.updated_at,
                )
            )
        self._pending, self._audits, self._ratings = [], [], []

    # -- organisations ------------------------------------------------------------------------

    def organisations(self, rows: list[SourceRow]) -> list[Done]:
        known = self._known(RecordKind.ORGANISATION, [r.source_id or "" for r in rows])
        plan = self.uow.organisations.plan("standard") or self.uow.organisations.plans()[0]
        done = []
        for row in rows:
            record = row.record
            assert isinstance(record, ImportedOrganisation)
            fp, ref = fingerprint(record), known.get(record.source_id)
            if ref is not None and ref.fingerprint == fp:
                done.append(Done(row, RecordKind.ORGANISATION, Outcome.SKIPPED))
                continue
            same_name = self.uow.organisations.get_by_name(record.name)
            current = self.uow.organisations.get(ref.record_id) if ref else None
            if current is not None:
                if same_name is None or same_name.id == current.id:
                    current.name = record.name
                current.email_domains = sorted({*current.email_domains, *record.email_domains})
                outcome, reason = Outcome.UPDATED, ""
            elif same_name is not None:
                current, outcome = same_name, Outcome.SKIPPED
                reason = f"linked to the desk's organisation {same_name.name!r}"
            else:
                assert plan.id is not None
                current = Organisation(
                    name=record.name,
                    plan_id=plan.id,
                    created_at=record.created_at or self.now,
                    email_domains=list(record.email_domains),
                )
                self.uow.organisations.add(current)
                self._created("organisation", current, record.source_id)
                outcome, reason = Outcome.CREATED, ""
            self._remember(RecordKind.ORGANISATION, record.source_id, current, fp)
            done.append(Done(row, RecordKind.ORGANISATION, outcome, reason))
        self.settle()
        return done

    def _audit(self, subject: str, action: str, record_id: int | None, source_id: str) -> None:
        self.uow.audit.add(
            audit_event(
                subject,
                action,
                self.actor,
                self.now,
                subject_id=record_id,
                changes={"source": self.system, "source_id": source_id},
            )
        )

    def _catch_all(self) -> int:
        organisation_id, _ = self.uow.organisations.ensure(
            NO_ORGANISATION.format(system=self.system.capitalize()), "standard", self.now
        )
        return organisation_id

    def _organisation_by_domain(self, person: ImportedPerson) -> int:
        """Live intake's choice for a sender the source gives no organisation (a mail archive,
        a CSV without one): the organisation of the address's mail domain."""
        if person.organisation_source_id == BY_MAIL_DOMAIN and person.email:
            found = self.uow.organisations.for_email_domain(person.email.rpartition("@")[2].lower())
            if found is not None:
                return found
        return self._catch_all()

    # -- people -------------------------------------------------------------------------------

    def people(self, rows: list[SourceRow]) -> list[Done]:
        ids = [r.source_id or "" for r in rows]
        contacts = self._known(RecordKind.CONTACT, ids)
        agents = self._known(RecordKind.AGENT, ids)
        orgs = self._known(
            RecordKind.ORGANISATION,
            [
                r.record.organisation_source_id or ""
                for r in rows
                if isinstance(r.record, ImportedPerson)
            ],
        )
        done = []
        for row in rows:
            person = row.record
            assert isinstance(person, ImportedPerson)
            if person.role is PersonRole.CUSTOMER:
                outcome, reason, _ = self._contact(person, contacts.get(person.source_id), orgs)
                done.append(Done(row, RecordKind.CONTACT, outcome, reason))
            else:
                outcome, reason = self._agent(person, agents.get(person.source_id))
                done.append(Done(row, RecordKind.AGENT, outcome, reason))
        self.settle()
        return done

    def _free_email(self, person: ImportedPerson, kind: str) -> tuple[str, bool]:
        """The person's address when the desk has nobody else under it; otherwise (or when
        there is none) a placeholder that cannot receive mail. True: it is their own."""
        if person.email and "@" in person.email and " " not in person.email:
            taken = self.uow.contacts.get_by_email(person.email) or self.uow.agents.get_by_email(
                person.email
            )
            if taken is None:
                return person.email, True
        return placeholder_email(self.system, kind, person.source_id), False

    def _contact(
        self,
        person: ImportedPerson,
        ref: ImportedRecordRef | None,
        orgs: dict[str, ImportedRecordRef],
    ) -> tuple[Outcome, str, Contact | None]:
        fp = fingerprint(person)
        if ref is not None and ref.fingerprint == fp:
            return Outcome.SKIPPED, "", None
        org_ref = orgs.get(person.organisation_source_id or "")
        organisation_id = org_ref.record_id if org_ref else self._organisation_by_domain(person)
        contact = self._contact_by_id(ref.record_id) if ref else None
        if contact is None and person.email:
            existing = self.uow.contacts.get_by_email(person.email)
            if existing is not None:
                self._remember(RecordKind.CONTACT, person.source_id, existing, fp)
                return Outcome.SKIPPED, f"linked to the desk's contact {existing.email}", existing
        if contact is not None:
            contact.name, contact.phone, contact.active = person.name, person.phone, person.active
            contact.organisation_id = organisation_id
            if person.email and person.email != contact.email:
                email, own = self._free_email(person, "user")
                if own:
                    contact.email = email
            self._remember(RecordKind.CONTACT, person.source_id, contact, fp)
            return Outcome.UPDATED, "", contact
        email, _ = self._free_email(person, "user")
        contact = Contact(
            email=email,
            name=person.name,
            organisation_id=organisation_id,
            created_at=person.created_at or self.now,
            language=person.language,
            phone=person.phone,
            active=person.active,
        )
        self.uow.contacts.add(contact)
        self._created("contact", contact, person.source_id)
        self._remember(RecordKind.CONTACT, person.source_id, contact, fp)
        return Outcome.CREATED, "", contact

    def _agent(self, person: ImportedPerson, ref: ImportedRecordRef | None) -> tuple[Outcome, str]:
        fp = fingerprint(person)
        if ref is not None and ref.fingerprint == fp:
            return Outcome.SKIPPED, ""
        agent = self._agent_by_id(ref.record_id) if ref else None
        if agent is None and person.email:
            existing = self.uow.agents.get_by_email(person.email)
            if existing is not None:
                self._remember(RecordKind.AGENT, person.source_id, existing, fp)
                return Outcome.SKIPPED, f"linked to the desk's agent {existing.email}"
        if agent is not None:
            # Levels, role and sign-in are the desk's own once imported: only what the source
            # says of the person changes.
            agent.name, agent.active = person.name, person.active
            self._remember(RecordKind.AGENT, person.source_id, agent, fp)
            return Outcome.UPDATED, ""
        email, _ = self._free_email(person, "agent")
        agent = Agent(
            email=email,
            name=person.name,
            created_at=person.created_at or self.now,
            tiers=[int(IMPORT_TIER)],
            role=Role.LEAD if person.role is PersonRole.LEAD else Role.AGENT,
            languages=[person.language or "en"],
            active=person.active,
            password_hash=None,  # no sign-in until an admin sets a password
        )
        self.uow.agents.add(agent)
        self._created("agent", agent, person.source_id)
        self._remember(RecordKind.AGENT, person.source_id, agent, fp)
        return Outcome.CREATED, ""


def _id(thing: Ticket | Contact) -> int:
    if thing.id is None:
        raise InvalidInputError("stored before it has an id")
    return thing.id
