"""The event handler table (``services/handlers.py``) is the whole wiring, in the order the
design needs; background tasks, still registered by decorator, depend on no import but
bootstrap's."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from types import ModuleType

import tierdesk.services
from tierdesk.services import (
    enrichment,
    installed_base_tickets,
    outages,
    routing,
    rules,
    search,
    sla_clocks,
    triage,
    webhooks,
)
from tierdesk.services.handlers import ANY_ACTION, EVENT_HANDLERS, Handler, handlers_for

HANDLER_SHAPE = ["UnitOfWork", "Desk", "Ticket", "AuditEvent"]


def service_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"tierdesk.services.{m.name}")
        for m in pkgutil.iter_modules(tierdesk.services.__path__)
    ]


def shaped_like_a_handler(function: object) -> bool:
    """(uow, desk, ticket, event) -> None, as the annotations read (they are strings here)."""
    if not inspect.isfunction(function):
        return False
    signature = inspect.signature(function)
    annotations = [p.annotation for p in signature.parameters.values()]
    return annotations == HANDLER_SHAPE and signature.return_annotation == "None"


def position(handlers: list[Handler], handler: Handler) -> int:
    return handlers.index(handler)


def test_every_event_handler_in_the_services_is_in_the_table_and_nothing_else_is() -> None:
    written = {
        function
        for module in service_modules()
        for function in vars(module).values()
        if shaped_like_a_handler(function) and function.__module__ == module.__name__
    }
    listed = {handler for handlers in EVENT_HANDLERS.values() for handler in handlers}

    assert listed == written
    assert len(written) > 10  # the check found the handlers at all


def test_no_handler_is_listed_twice_for_one_event() -> None:
    for action in [a for a in EVENT_HANDLERS if a != ANY_ACTION]:
        handlers = handlers_for(EVENT_HANDLERS, action)
        assert len(handlers) == len(set(handlers)), action


def test_enrichment_runs_before_outage_detection_and_triage_on_a_new_ticket() -> None:
    opened = handlers_for(EVENT_HANDLERS, "ticket.opened")

    enriched = position(opened, enrichment.enrich_ticket)
    assert enriched < position(opened, outages.detect_outage)
    assert enriched < position(opened, triage.triage_new_ticket)


def test_installed_items_are_matched_after_enrichment_stored_the_facts_they_read() -> None:
    for action in ("ticket.opened", "message.added"):
        handlers = handlers_for(EVENT_HANDLERS, action)
        matched = position(handlers, installed_base_tickets.match_ticket)
        assert position(handlers, enrichment.enrich_ticket) < matched, action


def test_a_routing_rule_places_a_new_ticket_before_triage_may() -> None:
    opened = handlers_for(EVENT_HANDLERS, "ticket.opened")

    assert opened[0] is routing.route_new_ticket
    assert position(opened, routing.route_new_ticket) < position(opened, triage.triage_new_ticket)


def test_every_event_is_indexed_and_judged_by_rules_after_its_own_handlers() -> None:
    for action in [*(a for a in EVENT_HANDLERS if a != ANY_ACTION), "nobody.handles.this"]:
        handlers = handlers_for(EVENT_HANDLERS, action)
        assert handlers[-3:-1] == [search.index_ticket, rules.run_event_rules], action


def test_webhooks_hear_of_every_event_last_as_the_round_left_the_ticket() -> None:
    for action in [*(a for a in EVENT_HANDLERS if a != ANY_ACTION), "nobody.handles.this"]:
        assert handlers_for(EVENT_HANDLERS, action)[-1] is webhooks.queue_ticket_event, action


def test_the_sla_clocks_follow_every_event_that_moves_a_ticket_between_levels() -> None:
    for action in ("ticket.escalated", "ticket.de_escalated", "ticket.routed"):
        assert sla_clocks.follow_the_level in handlers_for(EVENT_HANDLERS, action)


def test_bootstrap_alone_registers_every_background_task() -> None:
    """Tasks stay registered by decorator (by name; their order does not matter), so the one
    import that counts is bootstrap's: a task module it forgets would be a job no worker runs.
    A fresh interpreter, since this one has imported everything already."""
    script = """
import importlib, json, pkgutil
import tierdesk.bootstrap, tierdesk.services
from tierdesk.services.jobs import TASKS
by_bootstrap = sorted(TASKS.tasks)
for m in pkgutil.iter_modules(tierdesk.services.__path__):
    importlib.import_module(f"tierdesk.services.{m.name}")
print(json.dumps([by_bootstrap, sorted(TASKS.tasks)]))
"""
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    by_bootstrap, all_of_them = json.loads(run.stdout.strip().splitlines()[-1])

    assert by_bootstrap == all_of_them
    assert "sla.sweep" in by_bootstrap
