"""Who works with the desk: ``agent``, ``contact``, ``org`` and ``token`` commands."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tierdesk.domain.people import Role, Tier
from tierdesk.entrypoints.cli.wiring import note, render_table, running_desk, say
from tierdesk.errors import InvalidInputError
from tierdesk.services import agents, people
from tierdesk.services.auth import SYSTEM, issue_token

agent_app = typer.Typer(help="Agents: the vendor's support engineers.", no_args_is_help=True)
contact_app = typer.Typer(help="Contacts: people at customer organisations.", no_args_is_help=True)
org_app = typer.Typer(help="Customer organisations and their plans.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for agents and contacts.", no_args_is_help=True)


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInputError("--password-stdin was given but standard input held no password")
    return password


@agent_app.command("create")
def create_agent(
    email: Annotated[str, typer.Option(help="The agent's e-mail address (their login).")],
    name: Annotated[str, typer.Option(help="Full name.")],
    tier: Annotated[
        list[str], typer.Option(help="A level the agent works, 0-4 or L0-L4; repeat for more.")
    ],
    role: Annotated[Role, typer.Option(help="agent, lead or admin.")] = Role.AGENT,
    skill: Annotated[
        list[str] | None, typer.Option(help="A product or component they know; repeatable.")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option(help="A language they support (en, de…); repeatable.")
    ] = None,
    queue: Annotated[list[str] | None, typer.Option(help="A queue they work; repeatable.")] = None,
    capacity: Annotated[int, typer.Option(help="Most open tickets they carry.")] = 20,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a sign-in password from stdin.")
    ] = False,
) -> None:
    """Create an agent."""
    levels = [Tier.parse(value) for value in tier]
    password = _read_password() if password_stdin else None
    with running_desk() as app:
        agent = people.create_agent(
            app.desk,
            SYSTEM,
            people.NewAgent(
                email=email,
                name=name,
                tiers=list(levels),
                role=role,
                skills=skill or [],
                languages=language or ["en"],
                queues=queue or [],
                capacity=capacity,
                password=password,
            ),
        )
    say(
        f"Created agent {agent.name} <{agent.email}> (id {agent.id}): "
        f"levels {_levels(agent.tiers)}, role {agent.role}."
    )


def _levels(tiers: list[int]) -> str:
    return ", ".join(Tier(t).label for t in tiers)


@agent_app.command("set-password")
def set_password(
    email: Annotated[str, typer.Argument(help="The agent's e-mail address.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Set an agent's sign-in password (imported agents come without one); ends their
    sessions."""
    if password_stdin:
        password = _read_password()
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with running_desk() as app:
        agent = agents.set_password(app.desk, SYSTEM, email, password)
    say(f"Password set for {agent.name} <{agent.email}>; their sessions have ended.")


@agent_app.command("list")
def list_agents() -> None:
    """List the agents."""
    with running_desk() as app:
        agents = people.list_agents(app.desk, SYSTEM)
    rows = [
        [
            str(a.id),
            a.email,
            a.name,
            _levels(a.tiers),
            str(a.role),
            ",".join(a.languages),
            ", ".join(a.skills),
            "" if a.active else "inactive",
        ]
        for a in agents
    ]
    headers = ["id", "email", "name", "levels", "role", "languages", "skills", ""]
    say(render_table(headers, rows))


@contact_app.command("create")
def create_contact(
    email: Annotated[str, typer.Option(help="The contact's e-mail address.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    org: Annotated[str, typer.Option(help="Name of their organisation.")],
    language: Annotated[
        str | None,
        typer.Option(
            help="Language they chose (en, de, it…); left out, their first ticket's is taken."
        ),
    ] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
    create_org: Annotated[
        bool,
        typer.Option(help="Create the organisation (standard plan) when it does not exist."),
    ] = True,
) -> None:
    """Create a contact at a customer organisation."""
    with running_desk() as app:
        created = people.create_contact(
            app.desk,
            SYSTEM,
            people.NewContact(
                email=email,
                name=name,
                organisation=org,
                language=language,
                phone=phone,
                create_organisation=create_org,
            ),
        )
    if created.organisation_created:
        say(f"Created organisation {created.organisation.name} on the standard plan.")
    contact = created.contact
    say(
        f"Created contact {contact.name} <{contact.email}> (id {contact.id}) at "
        f"{created.organisation.name}, language {contact.language or 'not stated'}."
    )


@org_app.command("create")
def create_org(
    name: Annotated[str, typer.Option(help="The organisation's name.")],
    plan: Annotated[str, typer.Option(help="Support plan: basic, standard or premium.")],
    domain: Annotated[
        list[str] | None, typer.Option(help="An e-mail domain of theirs; repeatable.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Two-letter country code.")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/Berlin.")] = "UTC",
) -> None:
    """Create a customer organisation."""
    with running_desk() as app:
        organisation = people.create_organisation(
            app.desk,
            SYSTEM,
            people.NewOrganisation(
                name=name,
                plan=plan,
                email_domains=domain or [],
                country=country,
                timezone=timezone,
            ),
        )
    say(f"Created organisation {organisation.name} (id {organisation.id}) on the {plan} plan.")


@org_app.command("list")
def list_orgs() -> None:
    """List the customer organisations."""
    with running_desk() as app:
        plans = {p.id: p.key for p in people.list_plans(app.desk)}
        organisations = people.list_organisations(app.desk, SYSTEM)
    rows = [
        [
            str(o.id),
            o.name,
            plans.get(o.plan_id, "?"),
            o.country or "",
            ", ".join(o.email_domains),
            "" if o.active else "inactive",
        ]
        for o in organisations
    ]
    say(render_table(["id", "name", "plan", "country", "domains", ""], rows))


@token_app.command("create")
def create_token(
    email: Annotated[str, typer.Option(help="E-mail of the agent or contact.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Issue an API token. Only the token goes to standard output, so that
    TOKEN=$(tierdesk token create --email …) works."""
    with running_desk() as app:
        issued = issue_token(app.desk, SYSTEM, email, label)
    who = issued.principal
    note(f"API token for {who.kind} {who.name} <{who.email}>; it is shown only this once.")
    say(issued.token)
