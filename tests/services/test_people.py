"""Organisations, contacts, agents and products: who and what the desk knows about."""

from __future__ import annotations

import pytest

from tests.factories import make_agent, make_contact, make_organisation
from tests.services.support import Unchanged, case, make_product, stored_state
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact, Role
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.services import catalog, people, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.people import NewAgent, NewContact, NewOrganisation


def test_the_unchanged_check_notices_a_stored_row(desk: Desk, unchanged: Unchanged) -> None:
    with pytest.raises(AssertionError), unchanged():
        make_organisation(desk)


def test_the_default_plans_are_there_from_the_first_migration(desk: Desk) -> None:
    plans = {p.key: int(p.highest_tier) for p in people.list_plans(desk)}
    assert plans == {"basic": 2, "standard": 3, "premium": 4}


def test_an_organisation_is_created_on_a_plan_and_audited(app: Tierdesk, desk: Desk) -> None:
    organisation = people.create_organisation(
        desk,
        SYSTEM,
        NewOrganisation(
            name="  Fjord Telecom ", plan="premium", email_domains=["@Fjord.example"], country="no"
        ),
    )

    [stored] = [o for o in people.list_organisations(desk, SYSTEM) if o.id == organisation.id]
    premium = next(p for p in people.list_plans(desk) if p.key == "premium")
    assert (stored.name, stored.plan_id, stored.email_domains, stored.country) == (
        "Fjord Telecom",
        premium.id,
        ["fjord.example"],
        "NO",
    )
    audit = stored_state(app)["audit_events"]
    assert [row[4] for row in audit] == ["organisation.created"]


def test_an_unknown_plan_is_refused_naming_the_known_ones(desk: Desk, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(InvalidInputError) as refused:
        people.create_organisation(desk, SYSTEM, NewOrganisation(name="X", plan="platinum"))

    assert "basic, standard, premium" in refused.value.message
    assert refused.value.data == {"field": "plan"}


@pytest.mark.parametrize(
    ("new", "field"),
    [
        (NewOrganisation(name="X", timezone="Mars/Base"), "timezone"),
        (NewOrganisation(name="X", country="Deutschland"), "country"),
        (NewOrganisation(name="X", email_domains=["intranet"]), "email_domains"),
        (NewOrganisation(name="X" * 201), "name"),
    ],
)
def test_an_organisation_with_a_value_it_could_not_use_is_refused(
    desk: Desk, unchanged: Unchanged, new: NewOrganisation, field: str
) -> None:
    with unchanged(), pytest.raises(InvalidInputError) as refused:
        people.create_organisation(desk, SYSTEM, new)

    assert refused.value.data["field"] == field


def test_organisation_names_are_unique_ignoring_case(desk: Desk, unchanged: Unchanged) -> None:
    make_organisation(desk, name="Fjord Telecom")

    with unchanged(), pytest.raises(ConflictError):
        make_organisation(desk, name=" fjord telecom ")
    with unchanged(), pytest.raises(InvalidInputError):
        make_organisation(desk, name="  ")


def test_a_contact_joins_an_existing_organisation(desk: Desk) -> None:
    organisation = make_organisation(desk, name="Fjord Telecom")

    created = people.create_contact(
        desk,
        make_agent(desk),
        NewContact(
            email=" Ola@Fjord.Example ",
            name=" Ola Nordmann ",
            organisation="fjord telecom",
            language="NB",
            password="correct horse",
        ),
    )

    contact = created.contact
    assert (contact.email, contact.name, contact.language) == (
        "ola@fjord.example",
        "Ola Nordmann",
        "nb",
    )
    assert contact.organisation_id == organisation.id
    assert created.organisation_created is False
    assert contact.password_hash and "correct horse" not in contact.password_hash
    assert desk.passwords.verify(contact.password_hash, "correct horse")
    assert not desk.passwords.verify(contact.password_hash, "wrong")


def test_a_contact_can_bring_a_new_organisation_with_them(app: Tierdesk, desk: Desk) -> None:
    created = people.create_contact(
        desk,
        SYSTEM,
        NewContact(
            email="ceo@newco.example",
            name="Neve",
            organisation="NewCo",
            create_organisation=True,
        ),
    )

    assert created.organisation_created is True
    assert created.organisation.name == "NewCo"
    assert created.organisation.email_domains == ["newco.example"]
    assert created.contact.organisation_id == created.organisation.id
    standard = next(p for p in people.list_plans(desk) if p.key == "standard")
    assert created.organisation.plan_id == standard.id
    actions = [row[4] for row in stored_state(app)["audit_events"]]
    assert actions == ["organisation.created", "contact.created"]


def test_a_contact_for_a_missing_organisation_is_refused_unless_asked_to_create_it(
    desk: Desk, unchanged: Unchanged
) -> None:
    with unchanged(), pytest.raises(NotFoundError):
        people.create_contact(desk, SYSTEM, NewContact("a@b.example", "A", "Nowhere Ltd"))


def test_an_e_mail_address_can_be_registered_only_once(desk: Desk, unchanged: Unchanged) -> None:
    organisation = make_organisation(desk)
    taken: dict[str, Agent | Contact] = {
        "by a contact": make_contact(desk, organisation=organisation),
        "by an agent": make_agent(desk),
    }

    for name, existing in taken.items():
        with case(name):
            with unchanged(), pytest.raises(ConflictError):
                people.create_contact(
                    desk, SYSTEM, NewContact(existing.email.upper(), "Dup", organisation.name)
                )
            with unchanged(), pytest.raises(ConflictError):
                people.create_agent(desk, SYSTEM, NewAgent(f" {existing.email} ", "Dup", [1]))


def test_a_failing_contact_creation_does_not_leave_its_new_organisation_behind(
    desk: Desk, unchanged: Unchanged
) -> None:
    existing = make_contact(desk)

    with unchanged(), pytest.raises(ConflictError):
        people.create_contact(
            desk,
            SYSTEM,
            NewContact(existing.email, "Dup", "Brand New Org", create_organisation=True),
        )


def test_an_invalid_contact_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    make_organisation(desk, name="Org")
    invalid = {
        "bad address": NewContact("not-an-address", "A", "Org"),
        "blank name": NewContact("a@b.example", "   ", "Org"),
        "blank new organisation": NewContact("a@b.example", "A", "  ", create_organisation=True),
    }

    for name, new in invalid.items():
        with case(name), unchanged(), pytest.raises(InvalidInputError):
            people.create_contact(desk, SYSTEM, new)


def test_an_agent_is_created_with_normalised_levels_skills_and_languages(desk: Desk) -> None:
    agent = people.create_agent(
        desk,
        SYSTEM,
        NewAgent(
            email="Kim@Kestrel.Example",
            name="Kim",
            tiers=[3, 2, 3],
            role=Role.LEAD,
            skills=["SIP", "SIP", "Routing"],
            languages=["EN", "De"],
            queues=["voip"],
            capacity=5,
        ),
    )

    [stored] = [a for a in people.list_agents(desk, SYSTEM) if a.id == agent.id]
    assert (stored.email, stored.tiers, stored.skills, stored.languages) == (
        "kim@kestrel.example",
        [2, 3],
        ["SIP", "Routing"],
        ["en", "de"],
    )
    assert (stored.role, stored.queues, stored.capacity) == (Role.LEAD, ["voip"], 5)
    assert stored.is_lead


def test_an_invalid_agent_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    invalid = {
        "no level": NewAgent("a@kestrel.example", "A", []),
        "unknown level": NewAgent("a@kestrel.example", "A", [5]),
        "no capacity": NewAgent("a@kestrel.example", "A", [1], capacity=0),
        "blank name": NewAgent("a@kestrel.example", " ", [1]),
        "bad address": NewAgent("kestrel.example", "A", [1]),
    }

    for name, new in invalid.items():
        with case(name), unchanged(), pytest.raises(InvalidInputError):
            people.create_agent(desk, SYSTEM, new)


def test_a_contact_lists_only_their_own_organisation_and_colleagues(desk: Desk) -> None:
    organisation = make_organisation(desk)
    contact = make_contact(desk, organisation=organisation)
    colleague = make_contact(desk, organisation=organisation)
    stranger = make_contact(desk)

    assert [o.id for o in people.list_organisations(desk, contact)] == [organisation.id]
    seen = {c.id for c in people.list_contacts(desk, contact)}
    assert seen == {contact.id, colleague.id}
    asked_for_other = people.list_contacts(desk, contact, organisation_id=stranger.organisation_id)
    assert stranger.id not in {c.id for c in asked_for_other}
    assert {c.id for c in people.list_contacts(desk, SYSTEM)} >= {stranger.id, contact.id}


# -- products -----------------------------------------------------------------------------


def test_a_product_is_created_with_its_components_and_versions(desk: Desk) -> None:
    product = make_product(desk)

    [stored] = tickets.list_products(desk)
    assert (stored.key, stored.name) == ("kestrel-pbx", "Kestrel PBX")
    assert [c.name for c in stored.components] == ["SIP Trunk", "Voicemail"]
    assert [v.name for v in stored.versions] == ["4.1", "4.2"]
    assert stored.id == product.id


def test_a_product_name_or_key_can_be_used_only_once(desk: Desk, unchanged: Unchanged) -> None:
    make_product(desk, name="Kestrel PBX")

    with unchanged(), pytest.raises(ConflictError):
        catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="kestrel pbx"))
    with unchanged(), pytest.raises(ConflictError):
        catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="PBX", key="Kestrel-PBX"))
    with unchanged(), pytest.raises(InvalidInputError):
        catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="  "))


def test_component_names_repeated_with_other_spacing_or_case_are_kept_once(desk: Desk) -> None:
    product = catalog.create_product(
        desk,
        SYSTEM,
        catalog.NewProduct(name="Osprey Router", components=["BGP", " BGP", "bgp ", "OSPF"]),
    )

    assert [c.name for c in product.components] == ["BGP", "OSPF"]


def test_a_version_listed_twice_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(InvalidInputError):
        catalog.create_product(
            desk,
            SYSTEM,
            catalog.NewProduct(name="Osprey Router", versions=[("1.0", None), (" 1.0", None)]),
        )


def test_a_product_whose_name_gives_no_key_is_refused(desk: Desk, unchanged: Unchanged) -> None:
    for name in ("!!!", "---"):
        with case(name), unchanged(), pytest.raises(InvalidInputError):
            catalog.create_product(desk, SYSTEM, catalog.NewProduct(name=name))


def test_a_contact_with_a_short_password_is_refused_and_nothing_is_stored(desk: Desk) -> None:
    make_organisation(desk, name="Fjord Telecom")

    with pytest.raises(InvalidInputError, match="at least 12 characters"):
        people.create_contact(
            desk,
            make_agent(desk),
            NewContact("ola@fjord.example", "Ola", "Fjord Telecom", password="hunter2"),
        )

    assert not [c for c in people.list_contacts(desk, SYSTEM) if c.email == "ola@fjord.example"]
