"""The admin's automation rules: a page that builds a rule from rows of conditions (field,
operator, value) and rows of actions, and the list on /admin#rules where rules are enabled,
disabled, moved, deleted and tried on a ticket (services/rules.py and services/rule_trials.py,
the same calls as /api/v1/rules).

The builder is a plain form: "Add a condition" and "Remove" are submit buttons that send what
was typed and get the page back with a row more or less, nothing stored. A refused value is
shown next to the input of its row."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tierdesk.domain.people import Agent, Tier
from tierdesk.domain.rule_actions import NOTIFY_TARGETS
from tierdesk.domain.rules import (
    FIELDS,
    OPERATORS,
    AutomationRule,
    Trigger,
)
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, is_htmx, render
from tierdesk.entrypoints.web.pages.rule_form import (
    ACTION_LABELS,
    OPERATOR_LABELS,
    Row,
    RuleForm,
    actions_of,
    condition_of,
    rows_of,
)
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import ConflictError, InvalidInputError
from tierdesk.services import people, queues, rules, tickets
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.rule_trials import try_rule

router = APIRouter(prefix="/admin/rules", include_in_schema=False)

Text = Annotated[str, Form()]
Texts = Annotated[list[str] | None, Form()]


def _choices(desk: Desk, agent: Agent) -> dict[str, Any]:
    products = tickets.list_products(desk)
    values: dict[str, list[str]] = {
        "status": [s.value for s in Status],
        "priority": [p.value for p in Priority],
        "type": [t.value for t in TicketType],
        "channel": sorted(FIELDS["channel"][1]),
        "level": [str(int(t)) for t in Tier],
        "queue": [q.key for q in queues.list_queues(desk, agent)],
        "product": [p.key for p in products],
        "component": sorted({c.name for p in products for c in p.components}),
        "plan": [p.key for p in people.list_plans(desk)],
        "assigned": ["true", "false"],
    }
    agents = people.list_agents(desk, agent)
    return {
        "fields": list(FIELDS),
        "operators": OPERATOR_LABELS,
        "operators_of": {name: sorted(OPERATORS[kind]) for name, (kind, _) in FIELDS.items()},
        "values": values,
        "action_labels": {t.value: label for t, label in ACTION_LABELS.items()},
        "action_values": {
            "set_priority": values["priority"],
            "set_queue": values["queue"],
            "set_status": [s for s in values["status"] if s != Status.NEW.value],
            "escalate": ["1", "2", "3", "4"],
            "notify": sorted(NOTIFY_TARGETS),
            "assign": ["auto"] + [str(a.id) for a in agents if a.active],
        },
        "agent_names": {str(a.id): a.name for a in agents},
    }


def _builder(
    request: Request,
    desk: DeskDep,
    agent: Agent,
    form: RuleForm,
    rule: AutomationRule | None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    focus: str = "",
) -> Response:
    """``focus``: the id of the field the page opens on (``autofocus``), so that a keyboard
    user who added or removed a row carries on there instead of at the top of the page."""
    context = {"user": agent, "form": form, "rule": rule, "errors": errors or {}, "focus": focus}
    return render(
        request, "admin/rule_builder.html", {**context, **_choices(desk, agent)}, status_code
    )


def _typed(
    name: str,
    description: str,
    trigger: str,
    events: str,
    match: str,
    c_field: list[str] | None,
    c_op: list[str] | None,
    c_value: list[str] | None,
    a_type: list[str] | None,
    a_value: list[str] | None,
    a_text: list[str] | None,
    enabled: bool,
    nested: str,
) -> RuleForm:
    return RuleForm(
        name=name,
        description=description,
        trigger=trigger,
        events=events,
        match=match,
        conditions=rows_of(c_field, c_op, c_value) or [Row()],
        actions=rows_of(a_type, a_value, a_text) or [Row()],
        enabled=enabled,
        nested=nested,
    )


def _rebuilt(form: RuleForm, builder: str) -> RuleForm:
    """The form with a row added or removed (the buttons' value says which)."""
    what, _, index = builder.partition(":")
    rows = {"condition": form.conditions, "action": form.actions}
    verb, _, noun = what.partition("-")
    if noun in rows:
        if verb == "add":
            rows[noun].append(Row())
        elif verb == "remove" and index.isdigit() and int(index) < len(rows[noun]):
            del rows[noun][int(index)]
        if not rows[noun]:
            rows[noun].append(Row())
    return form


def _focus(form: RuleForm, builder: str) -> str:
    """Where the keyboard goes after a row button: a new row's first field, or after a removal
    the button that adds one (the removed row's own button is gone)."""
    what = builder.partition(":")[0]
    return {
        "add-condition": f"c-field-{len(form.conditions) - 1}",
        "add-action": f"a-type-{len(form.actions) - 1}",
        "remove-condition": "add-condition",
        "remove-action": "add-action",
    }.get(what, "")


def _save(
    request: Request,
    desk: DeskDep,
    agent: Agent,
    form: RuleForm,
    builder: str,
    rule: AutomationRule | None,
) -> Response:
    if builder:
        rebuilt = _rebuilt(form, builder)
        return _builder(request, desk, agent, rebuilt, rule, focus=_focus(rebuilt, builder))
    events = [w.strip() for w in form.events.split(",") if w.strip()]
    try:
        condition = None if form.nested else condition_of(form)
        actions = actions_of(form)
        if rule is None:
            trigger = Trigger.TIME if form.trigger == Trigger.TIME.value else Trigger.EVENT
            rules.create_rule(
                desk,
                agent,
                rules.NewRule(
                    name=form.name,
                    condition=condition or {"all": []},
                    actions=actions,
                    trigger=trigger,
                    events=events if trigger is Trigger.EVENT else [],
                    description=form.description,
                    enabled=form.enabled,
                ),
            )
        else:
            assert rule.id is not None
            changes = rules.RuleChanges(
                name=form.name,
                condition=condition,
                actions=actions,
                events=events if rule.trigger is Trigger.EVENT else None,
                description=form.description,
                enabled=form.enabled,
            )
            rules.update_rule(desk, agent, rule.id, changes)
    except (InvalidInputError, ConflictError) as error:
        if is_htmx(request):
            raise
        where = {"condition": "c_field-0", "actions": "a_type-0"}.get(
            str(error.data.get("field", "")), error.data.get("field")
        )
        errors = {where or "form": error.message}
        return _builder(request, desk, agent, form, rule, errors, STATUS_BY_CODE[error.code])
    notice = "Rule+added" if rule is None else "Rule+saved"
    return go(request, f"/admin?notice={notice}#rules")


@router.get("/new")
def new_rule(
    request: Request, desk: DeskDep, agent: WebAgent, trigger: Annotated[str, Query()] = "event"
) -> Response:
    require_lead(agent, "use the admin pages")
    form = RuleForm(trigger=Trigger.TIME.value if trigger == "time" else Trigger.EVENT.value)
    return _builder(request, desk, agent, form, None)


@router.get("/{rule_id}")
def edit_rule(request: Request, desk: DeskDep, agent: WebAgent, rule_id: RecordId) -> Response:
    require_lead(agent, "use the admin pages")
    rule = rules.get_rule(desk, agent, rule_id)
    return _builder(request, desk, agent, RuleForm.of(rule), rule)


# The builder's fields, shared by "add" and "save".
Enabled = Annotated[bool, Form()]


@router.post("/new", dependencies=[Csrf])
def add_rule(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Text = "",
    description: Text = "",
    trigger: Text = "event",
    events: Text = "",
    match: Text = "all",
    c_field: Texts = None,
    c_op: Texts = None,
    c_value: Texts = None,
    a_type: Texts = None,
    a_value: Texts = None,
    a_text: Texts = None,
    enabled: Enabled = False,
    builder: Text = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    form = _typed(
        name, description, trigger, events, match, c_field, c_op, c_value, a_type, a_value,
        a_text, enabled, "",
    )  # fmt: skip
    return _save(request, desk, agent, form, builder, None)


@router.post("/{rule_id}", dependencies=[Csrf])
def save_rule(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    rule_id: RecordId,
    name: Text = "",
    description: Text = "",
    events: Text = "",
    match: Text = "all",
    c_field: Texts = None,
    c_op: Texts = None,
    c_value: Texts = None,
    a_type: Texts = None,
    a_value: Texts = None,
    a_text: Texts = None,
    enabled: Enabled = False,
    nested: Text = "",
    builder: Text = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    rule = rules.get_rule(desk, agent, rule_id)
    form = _typed(
        name, description, rule.trigger.value, events, match, c_field, c_op, c_value, a_type,
        a_value, a_text, enabled, nested,
    )  # fmt: skip
    return _save(request, desk, agent, form, builder, rule)


@router.post("/{rule_id}/enabled", dependencies=[Csrf])
def set_enabled(
    request: Request, desk: DeskDep, agent: WebAgent, rule_id: RecordId, enabled: Text = ""
) -> Response:
    require_lead(agent, "use the admin pages")
    on = enabled == "true"
    rules.update_rule(desk, agent, rule_id, rules.RuleChanges(enabled=on))
    return go(request, f"/admin?notice=Rule+{'enabled' if on else 'disabled'}#rules")


@router.post("/{rule_id}/move", dependencies=[Csrf])
def move_rule(
    request: Request, desk: DeskDep, agent: WebAgent, rule_id: RecordId, direction: Text = "up"
) -> Response:
    require_lead(agent, "use the admin pages")
    rules.move_rule(desk, agent, rule_id, up=direction == "up")
    return go(request, "/admin?notice=Rule+moved#rules")


@router.post("/{rule_id}/delete", dependencies=[Csrf])
def delete_rule(request: Request, desk: DeskDep, agent: WebAgent, rule_id: RecordId) -> Response:
    require_lead(agent, "use the admin pages")
    rules.delete_rule(desk, agent, rule_id)
    return go(request, "/admin?notice=Rule+deleted#rules")


@router.get("/{rule_id}/trial")
def try_on_ticket(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    rule_id: RecordId,
    ticket: Annotated[str, Query()] = "",
) -> Response:
    """Whether the rule's condition holds on the ticket now and what it would do; a read, so a
    GET (HTMX puts the answer under the rule, without JavaScript it is a page of its own)."""
    require_lead(agent, "use the admin pages")
    trial = try_rule(desk, agent, rule_id, ticket.strip())
    if is_htmx(request):
        return render(request, "admin/_automation_trial.html", {"trial": trial})
    return render(request, "admin/automation_trial.html", {"user": agent, "trial": trial})
