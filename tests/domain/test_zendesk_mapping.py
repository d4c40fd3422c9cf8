"""Zendesk's objects read as import records (domain/zendesk.py): the mapping choices of
docs/design.md, and values a real export carries that the desk's columns would refuse."""

from __future__ import annotations

import pytest

from tierdesk.domain import zendesk
from tierdesk.domain.imports import PersonRole
from tierdesk.domain.messages import Channel
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.errors import InvalidInputError

TICKET = {"id": 1, "created_at": "2024-01-01T00:00:00Z", "requester_id": 5, "comments": []}


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ("new", Status.NEW),
        ("open", Status.OPEN),
        ("pending", Status.PENDING_CUSTOMER),
        ("hold", Status.ON_HOLD),
        ("solved", Status.SOLVED),
        ("closed", Status.CLOSED),
    ],
)
def test_every_zendesk_status_has_the_desks_counterpart(given: str, status: Status) -> None:
    assert zendesk.ticket({**TICKET, "status": given}).status is status


def test_nulls_read_as_the_desks_defaults() -> None:
    ticket = zendesk.ticket(
        {
            **TICKET,
            "status": "open",
            "priority": None,
            "type": None,
            "subject": None,
            "tags": None,
            "custom_fields": None,
            "via": None,
            "satisfaction_rating": None,
            "organization_id": None,
        }
    )

    assert (ticket.priority, ticket.type, ticket.channel) == (
        Priority.P3,
        TicketType.QUESTION,
        Channel.API,
    )
    assert ticket.subject == "Zendesk ticket #1"
    assert ticket.tags == () and ticket.rating is None and ticket.organisation_source_id is None


def test_an_incident_is_a_problem_tagged_incident_and_an_offered_rating_is_none() -> None:
    ticket = zendesk.ticket(
        {
            **TICKET,
            "status": "solved",
            "type": "incident",
            "priority": "urgent",
            "satisfaction_rating": {"score": "offered"},
        }
    )

    assert (ticket.type, ticket.priority, ticket.tags) == (
        TicketType.PROBLEM,
        Priority.P1,
        ("incident",),
    )
    assert ticket.rating is None
    assert ticket.solved_at == ticket.updated_at  # no metric set: its last update


def test_values_the_desks_columns_would_refuse_are_trimmed_or_dropped() -> None:
    person = zendesk.person(
        {
            "id": 7,
            "name": "Nul\x00l",
            "role": "admin",
            "email": "x" * 330 + "@example.com",
            "phone": "1" * 100,
            "locale": "pt-BR",
        }
    )

    assert person.name == "Null"
    assert person.email is None  # too long to be an address: a placeholder is made
    assert person.phone == "1" * 64
    assert (person.role, person.language) == (PersonRole.LEAD, "pt")


def test_an_unknown_status_or_a_missing_creation_time_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        zendesk.ticket({**TICKET, "status": "escalated"})
    with pytest.raises(InvalidInputError):
        zendesk.ticket({**TICKET, "status": "open", "created_at": None})


def test_a_ticket_exported_without_comments_keeps_its_description_as_the_first_message() -> None:
    ticket = zendesk.ticket(
        {**TICKET, "status": "open", "description": "It hums.", "comments": None}
    )

    [first] = ticket.comments
    assert (first.text, first.public, first.author_source_id) == ("It hums.", True, "5")
