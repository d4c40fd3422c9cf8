"""Request and response bodies of the REST API. Requests refuse unknown fields, so a typo is an
error rather than silently ignored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tierdesk.domain.catalog import Product
from tierdesk.domain.messages import Attachment, Message, MessageKind
from tierdesk.domain.people import Actor, Contact, Role
from tierdesk.domain.routing import MAX_POSITION
from tierdesk.domain.tickets import LinkKind, Priority, Status, Ticket, TicketLink, TicketType
from tierdesk.domain.visibility import may_read_internal, visible_resolution
from tierdesk.entrypoints.web.ids import RecordId


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Position = Annotated[int, Field(ge=-MAX_POSITION, le=MAX_POSITION, description="Lower first")]


# -- requests ---------------------------------------------------------------------------------


class AttachmentIn(Request):
    filename: str = Field(min_length=1, max_length=255)
    content_base64: str = Field(description="The file's bytes, base64-encoded")
    content_type: str | None = Field(default=None, description="Advisory only; the desk sniffs")
    restricted: bool = Field(
        default=False, description="Customer-system diagnostics: only levels that may see them"
    )


class TicketCreate(Request):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject": "VPN drops every 20 minutes",
                    "body": "Since this morning's update the client disconnects every 20 minutes.",
                    "type": "problem",
                    "priority": "P2",
                    "tags": ["vpn"],
                }
            ]
        }
    )

    subject: str = Field(min_length=1, max_length=500)
    body: str | None = Field(default=None, max_length=200_000, description="Plain text")
    body_html: str | None = Field(default=None, max_length=500_000, description="Sanitised")
    requester_id: RecordId | None = Field(default=None, description="Agents: the contact asking")
    type: TicketType = TicketType.QUESTION
    priority: Priority = Priority.P3
    product: str | None = Field(default=None, description="Product key or name")
    component: str | None = None
    version: str | None = None
    queue: str | None = Field(default=None, max_length=120)
    language: str | None = Field(default=None, max_length=16)
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class TicketPatch(Request):
    subject: str | None = Field(default=None, min_length=1, max_length=500)
    type: TicketType | None = None
    product: str | None = None
    component: str | None = None
    version: str | None = None
    queue: str | None = Field(default=None, max_length=120)
    language: str | None = Field(default=None, max_length=16)
    tags: list[str] | None = Field(default=None, max_length=50)
    custom_fields: dict[str, Any] | None = None
    priority: Priority | None = None
    status: Status | None = None
    assignee_id: RecordId | None = None
    unassign: bool = False
    requester_id: RecordId | None = Field(
        default=None, description="A contact of the ticket's organisation"
    )
    followers: list[RecordId] | None = Field(
        default=None,
        max_length=100,
        description="Agent ids, the whole list; only leads change others than themselves",
    )
    ccs: list[str] | None = Field(
        default=None,
        max_length=100,
        description="E-mail addresses copied on the public replies, the whole list (at most 20)",
    )
    reason: str | None = Field(default=None, max_length=5_000)


class MessageCreate(Request):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"body": "It happened again at 10:40, log attached."}]}
    )

    kind: MessageKind = Field(
        default=MessageKind.PUBLIC_REPLY,
        description="customer (contacts always write this), public-reply or internal-note",
    )
    body: str | None = Field(default=None, max_length=200_000)
    body_html: str | None = Field(default=None, max_length=500_000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class Resolution(Request):
    resolution: str = Field(
        min_length=1,
        max_length=20_000,
        description="For colleagues: root cause and what was done. Never shown to customers.",
    )
    public_answer: str | None = Field(
        default=None,
        max_length=20_000,
        description=(
            "For the customer: what the portal and suggestions show. Omitted: drafted from "
            "the last public replies; empty: the customer is told nothing beyond the thread."
        ),
    )


class Reason(Request):
    reason: str | None = Field(default=None, max_length=5_000)


class RequiredReason(Request):
    reason: str = Field(min_length=1, max_length=5_000)


class LinkCreate(Request):
    target: str = Field(description="Ticket id or number")
    kind: LinkKind = LinkKind.RELATED


class MergeRequest(Request):
    into: str = Field(description="Ticket id or number that survives")
    reason: str | None = Field(default=None, max_length=5_000)


class SplitRequest(Request):
    message_id: RecordId = Field(description="The message that becomes a ticket of its own")
    subject: str = Field(min_length=1, max_length=500, description="The new ticket's subject")


class OrganisationCreate(Request):
    name: str = Field(min_length=1, max_length=200)
    plan: str = "standard"
    email_domains: list[str] = Field(default_factory=list)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    timezone: str = "UTC"


class ContactCreate(Request):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(min_length=1, description="Organisation name")
    language: str | None = Field(
        default=None,
        max_length=16,
        description="The language they chose (en, de…); left out, the language of their "
        "first ticket is taken",
    )
    phone: str | None = Field(default=None, max_length=64)


class AgentCreate(Request):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(min_length=1, max_length=200)
    levels: list[int] = Field(min_length=1)
    role: Role = Role.AGENT
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=lambda: ["en"])
    queues: list[str] = Field(default_factory=list)
    capacity: int = Field(default=20, ge=1, le=1000)


class ProductCreate(Request):
    name: str = Field(min_length=1, max_length=200)
    key: str | None = None
    description: str = ""
    components: list[str] = Field(default_factory=list)
    versions: list[str] = Field(default_factory=list)


# -- responses --------------------------------------------------------------------------------


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    restricted: bool


class MessageOut(BaseModel):
    id: int | None
    kind: MessageKind
    public: bool
    author_kind: str
    author_id: int | None
    author_name: str
    channel: str
    body: str
    body_html: str | None
    created_at: datetime
    attachments: list[AttachmentOut]
    # Written on a ticket merged into this one: its number (the row stays on that ticket).
    merged_from: str | None = None

    @classmethod
    def of(
        cls, m: Message, attachments: list[Attachment], merged_from: str | None = None
    ) -> MessageOut:
        """``attachments``: those of the message the reader may see (services.attachments)."""
        return cls(
            id=m.id,
            kind=m.kind,
            public=m.is_public,
            author_kind=m.author_kind,
            author_id=m.author_id,
            author_name=m.author_name,
            channel=str(m.channel),
            body=m.body_text,
            body_html=m.body_html,
            created_at=m.created_at,
            attachments=[AttachmentOut.model_validate(a) for a in attachments],
            merged_from=merged_from,
        )


class CatalogOut(BaseModel):
    product: str | None = None
    product_key: str | None = None
    component: str | None = None
    version: str | None = None


def catalog_of(ticket: Ticket, products: dict[int, Product]) -> CatalogOut:
    product = products.get(ticket.product_id) if ticket.product_id is not None else None
    if product is None:
        return CatalogOut()
    component = next((c.name for c in product.components if c.id == ticket.component_id), None)
    version = next((v.name for v in product.versions if v.id == ticket.version_id), None)
    return CatalogOut(
        product=product.name, product_key=product.key, component=component, version=version
    )


class LinkOut(BaseModel):
    kind: LinkKind
    target_id: int
    created_at: datetime
    created_by: str | None = Field(description="Who linked them; for the vendor's people only")

    @classmethod
    def of(cls, link: TicketLink, internal: bool) -> LinkOut:
        return cls(
            kind=link.kind,
            target_id=link.target_ticket_id,
            created_at=link.created_at,
            created_by=link.created_by if internal else None,
        )


class TicketOut(BaseModel):
    id: int | None
    number: str | None
    subject: str
    status: Status
    priority: Priority
    type: TicketType
    level: int
    channel: str
    requester_id: int
    organisation_id: int
    catalog: CatalogOut
    queue: str | None
    assignee_id: int | None
    followers: list[int]
    ccs: list[str]
    language: str | None
    tags: list[str]
    custom_fields: dict[str, Any]
    resolution: str | None
    public_answer: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    links: list[LinkOut]

    @classmethod
    def of(
        cls,
        t: Ticket,
        products: dict[int, Product],
        links: list[TicketLink],
        reader: Actor,
    ) -> TicketOut:
        """``links``: those the reader may see (services.tickets.shown_links); only the
        vendor's people read who made them, and the resolution."""
        internal = may_read_internal(reader)
        return cls(
            id=t.id,
            number=t.number,
            subject=t.subject,
            status=t.status,
            priority=t.priority,
            type=t.type,
            level=int(t.tier),
            channel=str(t.channel),
            requester_id=t.requester_id,
            organisation_id=t.organisation_id,
            catalog=catalog_of(t, products),
            queue=t.queue,
            assignee_id=t.assignee_id,
            followers=list(t.followers) if internal else [],  # agents' business
            ccs=list(t.ccs) if internal or _of_organisation(reader, t) else [],
            language=t.language,
            tags=list(t.tags),
            custom_fields=dict(t.custom_fields),
            resolution=visible_resolution(reader, t),  # never a customer's to read
            public_answer=t.public_answer,  # the customer's part of the solution
            created_at=t.created_at,
            updated_at=t.updated_at,
            first_response_at=t.first_response_at,
            solved_at=t.solved_at,
            closed_at=t.closed_at,
            links=[LinkOut.of(link, internal) for link in links],
        )


def _of_organisation(reader: Actor, ticket: Ticket) -> bool:
    """A contact of the ticket's organisation: who is copied on it is theirs to know, never
    another organisation's."""
    return isinstance(reader, Contact) and reader.organisation_id == ticket.organisation_id


class TicketDetail(TicketOut):
    messages: list[MessageOut]


class TicketList(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None
    total: int


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    action: str
    at: datetime
    actor_kind: str
    actor_id: int | None
    actor_name: str
    changes: dict[str, Any]
    reason: str | None
    public: bool


class PlanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    coverage: str
    highest_level: int = Field(validation_alias="highest_tier")
    description: str
    answers: str = Field(
        description="The most the answerer may do on the plan's tickets (off, suggest, draft, "
        "send); the stricter of this and the queue's policy holds"
    )


class PlanCreate(Request):
    key: str = Field(min_length=1, max_length=40, description="Lower-case letters, digits, dashes")
    name: str = Field(min_length=1, max_length=120)
    coverage: str = Field(default="business-hours", description="business-hours or 24x7")
    highest_level: int = Field(default=2, ge=1, le=4, description="The deepest level it reaches")
    description: str = Field(default="", max_length=2_000)
    policies_from: str | None = Field(
        default=None,
        description="Copy this plan's SLA policies (without: no SLA clocks until policies "
        "are added)",
    )


class PlanPatch(Request):
    answers: str | None = Field(
        default=None, description="off, suggest, draft or send (send: no cap)"
    )
    name: str | None = Field(default=None, min_length=1, max_length=120)
    coverage: str | None = Field(default=None, description="business-hours or 24x7")
    highest_level: int | None = Field(default=None, ge=1, le=4)
    description: str | None = Field(default=None, max_length=2_000)


class OrganisationPatch(Request):
    plan: str = Field(min_length=1, max_length=40, description="The key of its new plan")


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    name: str
    plan_id: int
    email_domains: list[str]
    country: str | None
    timezone: str
    active: bool


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    email: str
    name: str
    organisation_id: int
    language: str | None
    active: bool


class ContactPatch(Request):
    active: bool | None = Field(
        default=None,
        description="false: no sign-in of any kind and every session ends; true: allowed again",
    )


class SignInLinkOut(BaseModel):
    sent_to: str = Field(description="The address the single-use link was mailed to")


class AgentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    email: str
    name: str
    role: Role
    levels: list[int] = Field(validation_alias="tiers")
    skills: list[str]
    languages: list[str]
    queues: list[str]
    capacity: int
    active: bool
    away: bool


class ComponentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    name: str


class ProductVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    name: str
    released_on: date | None


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None
    key: str
    name: str
    description: str
    components: list[ComponentOut]
    versions: list[ProductVersionOut]


class MeOut(BaseModel):
    kind: str
    agent: AgentOut | None = None
    contact: ContactOut | None = None
