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
    answers,
    enrichment,
    follow_ups,
    installed_base_tickets,
    knowledge_gaps,
    outages,
    routing,
    rules,
    search,
    sla_clocks,
    triage,
    webhooks,
)
from tierdesk.services.handlers import (
    ANY_ACTION,
    EVENT_HANDLERS,
    FOLLOW_UPS,
    READ_AHEAD,
    SETTLED_HANDLERS,
    Handler,
    handlers_for,
)

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


def in_order(action: str) -> list[Handler]:
    """A follow-up's handlers in the order they run (its steps one after the other)."""
    return [handler for step in FOLLOW_UPS[action] for handler in step]


def test_every_event_handler_in_the_services_is_in_the_tables_and_nothing_else_is() -> None:
    written = {
        function
        for module in service_modules()
        for function in vars(module).values()
        if shaped_like_a_handler(function) and function.__module__ == module.__name__
    }
    listed = {handler for handlers in EVENT_HANDLERS.values() for handler in handlers}
    followed = {handler for action in FOLLOW_UPS for handler in in_order(action)}
    ahead = {reader for readers in READ_AHEAD.values() for reader in readers}

    assert listed | followed | ahead == written
    assert len(written) > 10  # the check found the handlers at all


def test_reads_ahead_are_listed_for_actions_whose_handlers_run_in_the_transaction() -> None:
    assert set(READ_AHEAD) <= set(EVENT_HANDLERS)
    assert not {r for readers in READ_AHEAD.values() for r in readers} & {
        h for handlers in EVENT_HANDLERS.values() for h in handlers
    }  # a read ahead is never a handler: it must not change anything


def test_a_new_ticket_or_message_enqueues_its_follow_up_last_in_its_transaction() -> None:
    for action in ("ticket.opened", "message.added"):
        own = EVENT_HANDLERS[action]
        assert own[-1] is follow_ups.follow_up, action
        assert action in follow_ups.FOLLOWED_UP and action in FOLLOW_UPS


def test_the_slow_work_of_a_new_ticket_is_not_in_its_transaction() -> None:
    opening = handlers_for(EVENT_HANDLERS, "ticket.opened")
    slow = (
        enrichment.enrich_ticket,
        installed_base_tickets.match_ticket,
        outages.detect_outage,
        triage.triage_new_ticket,
        knowledge_gaps.check_new_ticket,
        answers.answer_new_ticket,
        search.index_ticket,
    )

    assert not set(slow) & set(opening)
    assert set(slow) <= set(in_order("ticket.opened"))
    assert routing.route_new_ticket in opening  # routing's decision is on the trail at once


def test_no_handler_is_listed_twice_for_one_event() -> None:
    for action in [a for a in EVENT_HANDLERS if a != ANY_ACTION]:
        handlers = handlers_for(EVENT_HANDLERS, action)
        assert len(handlers) == len(set(handlers)), action


def test_enrichment_runs_before_outage_detection_and_triage_on_a_new_ticket() -> None:
    opened = in_order("ticket.opened")

    enriched = position(opened, enrichment.enrich_ticket)
    assert enriched < position(opened, outages.detect_outage)
    assert enriched < position(opened, triage.triage_new_ticket)
    # in an earlier step, so they read the facts as committed
    first = FOLLOW_UPS["ticket.opened"][0]
    assert enrichment.enrich_ticket in first and triage.triage_new_ticket not in first


def test_installed_items_are_matched_after_enrichment_stored_the_facts_they_read() -> None:
    for action in ("ticket.opened", "message.added"):
        handlers = in_order(action)
        matched = position(handlers, installed_base_tickets.match_ticket)
        assert position(handlers, enrichment.enrich_ticket) < matched, action


def test_a_routing_rule_places_a_new_ticket_before_triage_may() -> None:
    opened = handlers_for(EVENT_HANDLERS, "ticket.opened")

    assert opened[0] is routing.route_new_ticket  # in the opening transaction, triage after it
    assert triage.triage_new_ticket in in_order("ticket.opened")


def test_the_answerer_is_enqueued_after_triage_may_have_placed_the_ticket() -> None:
    opened = in_order("ticket.opened")

    assert position(opened, triage.triage_new_ticket) < position(opened, answers.answer_new_ticket)


def test_every_event_is_judged_by_rules_after_its_own_handlers_and_indexed_once_settled() -> None:
    for action in [*(a for a in EVENT_HANDLERS if a != ANY_ACTION), "nobody.handles.this"]:
        handlers = handlers_for(EVENT_HANDLERS, action)
        assert handlers[-2] is rules.run_event_rules, action
        assert search.index_ticket not in handlers, action
    assert (search.index_settled_ticket,) == SETTLED_HANDLERS


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
