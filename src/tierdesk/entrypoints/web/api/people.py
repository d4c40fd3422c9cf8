"""/api/v1 organisations, contacts, agents, plans, and the caller's own identity."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request, status

from tierdesk.domain.people import Agent, Tier
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import (
    Page,
    PageQuery,
    paginate,
    paginate_keyset,
    record_id,
)
from tierdesk.entrypoints.web.schemas import (
    AgentCreate,
    AgentOut,
    ContactCreate,
    ContactOut,
    ContactPatch,
    MeOut,
    OrganisationCreate,
    OrganisationOut,
    OrganisationPatch,
    PlanCreate,
    PlanOut,
    PlanPatch,
    SignInLinkOut,
)
from tierdesk.entrypoints.web.sign_in_links import send_sign_in_link
from tierdesk.errors import NotFoundError
from tierdesk.services import contacts, people, plans

router = APIRouter(tags=["people"])


@router.get("/me", response_model=MeOut)
def me(actor: CurrentActor) -> MeOut:
    """Who this token belongs to: an agent (with levels and role) or a customer contact."""
    if isinstance(actor, Agent):
        return MeOut(kind="agent", agent=AgentOut.model_validate(actor))
    return MeOut(kind="contact", contact=ContactOut.model_validate(actor))


@router.get("/plans", response_model=Page[PlanOut])
def list_plans(desk: DeskDep, _actor: CurrentActor, page: PageQuery) -> Page[PlanOut]:
    """The support plans organisations can be on, with their entitlements."""
    return paginate([PlanOut.model_validate(p) for p in people.list_plans(desk)], page)


@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=PlanOut)
def create_plan(body: PlanCreate, desk: DeskDep, actor: CurrentActor) -> PlanOut:
    """Add a support plan (leads and admins), optionally with a copy of another plan's SLA
    policies."""
    plan = plans.create_plan(
        desk,
        actor,
        plans.NewPlan(
            key=body.key,
            name=body.name,
            coverage=body.coverage,
            highest_tier=Tier(body.highest_level),
            description=body.description,
            policies_from=body.policies_from,
        ),
    )
    return PlanOut.model_validate(plan)


@router.patch("/plans/{key}", response_model=PlanOut)
def patch_plan(key: str, body: PlanPatch, desk: DeskDep, actor: CurrentActor) -> PlanOut:
    """Rename a plan, change its coverage, highest level or description, or cap what the
    answerer may do on its tickets (leads and admins); its key stays."""
    level = None if body.highest_level is None else Tier(body.highest_level)
    changes = plans.PlanChanges(body.name, body.coverage, level, body.description)
    plan = plans.update_plan(desk, actor, key, changes)
    if body.answers is not None:
        plan = people.set_plan_answers(desk, actor, key, body.answers)
    return PlanOut.model_validate(plan)


@router.get("/organisations", response_model=Page[OrganisationOut])
def list_organisations(
    desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[OrganisationOut]:
    """Customer organisations the caller may see (a contact: only their own)."""
    return paginate(
        [OrganisationOut.model_validate(o) for o in people.list_organisations(desk, actor)], page
    )


@router.post("/organisations", status_code=status.HTTP_201_CREATED, response_model=OrganisationOut)
def create_organisation(
    body: OrganisationCreate, desk: DeskDep, actor: CurrentActor
) -> OrganisationOut:
    """Add a customer organisation with its plan and e-mail domains."""
    organisation = people.create_organisation(
        desk,
        actor,
        people.NewOrganisation(
            name=body.name,
            plan=body.plan,
            email_domains=body.email_domains,
            country=body.country,
            timezone=body.timezone,
        ),
    )
    return OrganisationOut.model_validate(organisation)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut)
def get_organisation(
    organisation_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> OrganisationOut:
    """One customer organisation."""
    for organisation in people.list_organisations(desk, actor):
        if organisation.id == organisation_id:
            return OrganisationOut.model_validate(organisation)
    raise NotFoundError(f"organisation {organisation_id} not found")


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut)
def patch_organisation(
    organisation_id: RecordId, body: OrganisationPatch, desk: DeskDep, actor: CurrentActor
) -> OrganisationOut:
    """Move an organisation to another plan (leads and admins); its clocks started from now on
    follow the new plan's policies."""
    organisation = plans.set_organisation_plan(desk, actor, organisation_id, body.plan)
    return OrganisationOut.model_validate(organisation)


@router.get("/contacts", response_model=Page[ContactOut])
def list_contacts(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, organisation_id: RecordId | None = None
) -> Page[ContactOut]:
    """Customer contacts, optionally of one organisation."""

    def fetch(after_id: int | None, count: int) -> list[ContactOut]:
        found = people.list_contacts(desk, actor, organisation_id, after_id=after_id, limit=count)
        return [ContactOut.model_validate(c) for c in found]

    return paginate_keyset(
        fetch, page, lambda c: c.id or 0, kind="c", encode=lambda i: [i], decode=record_id
    )


@router.post("/contacts", status_code=status.HTTP_201_CREATED, response_model=ContactOut)
def create_contact(body: ContactCreate, desk: DeskDep, actor: CurrentActor) -> ContactOut:
    """Add a customer contact to an organisation."""
    created = people.create_contact(
        desk,
        actor,
        people.NewContact(
            email=body.email,
            name=body.name,
            organisation=body.organisation,
            language=body.language,
            phone=body.phone,
        ),
    )
    return ContactOut.model_validate(created.contact)


@router.get("/contacts/{contact_id}", response_model=ContactOut)
def get_contact(contact_id: RecordId, desk: DeskDep, actor: CurrentActor) -> ContactOut:
    """One customer contact."""
    for contact in people.list_contacts(desk, actor):
        if contact.id == contact_id:
            return ContactOut.model_validate(contact)
    raise NotFoundError(f"contact {contact_id} not found")


@router.patch("/contacts/{contact_id}", response_model=ContactOut)
def update_contact(
    contact_id: RecordId, body: ContactPatch, desk: DeskDep, actor: CurrentActor
) -> ContactOut:
    """Switch a contact's portal access off (`"active": false`: no sign-in by password, link
    or API token, and every session ends at once; tickets and history stay) or on again.
    Leads and admins; audited as `contact.updated`."""
    if body.active is not None:
        return ContactOut.model_validate(
            contacts.set_contact_active(desk, actor, contact_id, body.active)
        )
    return ContactOut.model_validate(contacts.get_contact(desk, actor, contact_id))


@router.post(
    "/contacts/{contact_id}/sign-in-link",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SignInLinkOut,
)
def send_contact_sign_in_link(
    contact_id: RecordId,
    request: Request,
    background: BackgroundTasks,
    desk: DeskDep,
    actor: CurrentActor,
) -> SignInLinkOut:
    """E-mail the contact a single-use portal sign-in link, as the portal's own form does
    (leads and admins). 409 for a deactivated contact or a desk without outgoing mail, 429
    when the address had as many links lately as the sign-in policy allows."""
    contact = send_sign_in_link(request, desk, actor, background, contact_id)
    return SignInLinkOut(sent_to=contact.email)


@router.get("/agents", response_model=Page[AgentOut])
def list_agents(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[AgentOut]:
    """The desk's agents with their levels, role, skills and queues."""
    return paginate([AgentOut.model_validate(a) for a in people.list_agents(desk, actor)], page)


@router.post("/agents", status_code=status.HTTP_201_CREATED, response_model=AgentOut)
def create_agent(body: AgentCreate, desk: DeskDep, actor: CurrentActor) -> AgentOut:
    """Add an agent with levels, role and queues."""
    agent = people.create_agent(
        desk,
        actor,
        people.NewAgent(
            email=body.email,
            name=body.name,
            tiers=body.levels,
            role=body.role,
            skills=body.skills,
            languages=body.languages,
            queues=body.queues,
            capacity=body.capacity,
        ),
    )
    return AgentOut.model_validate(agent)


@router.get("/agents/{agent_id}", response_model=AgentOut)
def get_agent(agent_id: RecordId, desk: DeskDep, actor: CurrentActor) -> AgentOut:
    """One agent."""
    for agent in people.list_agents(desk, actor):
        if agent.id == agent_id:
            return AgentOut.model_validate(agent)
    raise NotFoundError(f"agent {agent_id} not found")
