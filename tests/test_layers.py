"""Who may import what (STYLE.md section 2), checked by reading the source with ``ast``.

- ``domain``: the standard library, ``tierdesk.errors`` and itself. No third-party library.
- ``errors``: the standard library only.
- ``ports``: the standard library, ``domain``, ``errors`` and itself.
- ``services``: the standard library, ``domain``, ``ports``, ``errors`` and itself; no
  SQLAlchemy, FastAPI or any other library, and no adapter or entry point.
- ``adapters``: anything third-party, ``domain``, ``ports``, ``errors`` and themselves; never
  ``services``, ``entrypoints``, ``bootstrap`` or ``config``.
- ``assist`` (search, models, the LLM client: adapters kept apart, STYLE.md): the same, and
  ``config`` for the search settings its factories read.
- ``entrypoints``: anything but ``adapters``, which they reach through ``bootstrap`` (and
  ``mail_bootstrap``).

And the one door to a ticket: nothing outside ``services/access.py`` (and the repository and
unit of work that implement it) reads the ticket repository.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tierdesk
from tierdesk.ports import TicketRepository

PACKAGE_ROOT = Path(tierdesk.__file__).parent
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> Iterator[str]:
    """Every name a source imports, anywhere in it (also inside functions and ``TYPE_CHECKING``
    blocks): ``from a.b import c`` gives ``a.b.c``; relative imports are resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def within(name: str, allowed: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in allowed)


def violations(layer: str, allowed_ours: tuple[str, ...], third_party: bool) -> list[str]:
    target = PACKAGE_ROOT / layer
    paths = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    found = []
    for path in paths:
        module = module_name(path)
        for name in imports_of(path.read_text(), module, path.name == "__init__.py"):
            top = name.split(".")[0]
            ours = top == "tierdesk"
            if (ours and not within(name, allowed_ours)) or (
                not ours and top not in STDLIB and not third_party
            ):
                found.append(f"{module} imports {name}")
    return found


LAYERS = {
    "domain": (("tierdesk.errors", "tierdesk.domain"), False),
    "errors": ((), False),
    "ports": (("tierdesk.errors", "tierdesk.domain", "tierdesk.ports"), False),
    "services": (
        ("tierdesk.errors", "tierdesk.domain", "tierdesk.ports", "tierdesk.services"),
        False,
    ),
    "adapters": (
        ("tierdesk.errors", "tierdesk.domain", "tierdesk.ports", "tierdesk.adapters"),
        True,
    ),
    "assist": (
        (
            "tierdesk.errors",
            "tierdesk.domain",
            "tierdesk.ports",
            "tierdesk.config",
            "tierdesk.assist",
        ),
        True,
    ),
}


@pytest.mark.parametrize(("layer", "rule"), LAYERS.items(), ids=LAYERS)
def test_each_layer_imports_only_what_it_may(
    layer: str, rule: tuple[tuple[str, ...], bool]
) -> None:
    allowed_ours, third_party = rule

    assert violations(layer, allowed_ours, third_party) == []


def test_every_layer_that_is_checked_exists_and_has_code() -> None:
    for layer in LAYERS:
        target = PACKAGE_ROOT / layer
        assert target.is_dir() or target.with_suffix(".py").is_file(), layer
    assert len(list((PACKAGE_ROOT / "domain").glob("*.py"))) > 3


def test_the_checker_sees_every_form_of_import() -> None:
    source = """
import os, sqlalchemy.orm
from typing import TYPE_CHECKING
from . import tickets
from .. import errors
from ..adapters.db import tables
if TYPE_CHECKING:
    from fastapi import Request
def late():
    import tierdesk.entrypoints.web
"""
    found = sorted(imports_of(source, "tierdesk.services.access"))

    assert found == [
        "fastapi.Request",
        "os",
        "sqlalchemy.orm",
        "tierdesk.adapters.db.tables",
        "tierdesk.entrypoints.web",
        "tierdesk.errors",
        "tierdesk.services.tickets",
        "typing.TYPE_CHECKING",
    ]
    assert not within("tierdesk.adapters.db", ("tierdesk.services",))
    assert within("tierdesk.services.access", ("tierdesk.services",))
    assert not within("tierdesk.servicesx", ("tierdesk.services",))


def test_entry_points_reach_adapters_only_through_bootstrap() -> None:
    found = []
    for path in sorted((PACKAGE_ROOT / "entrypoints").rglob("*.py")):
        module = module_name(path)
        for name in imports_of(path.read_text(), module, path.name == "__init__.py"):
            if within(name, ("tierdesk.adapters",)):
                found.append(f"{module} imports {name}")

    assert found == []


# -- the one door to a ticket -----------------------------------------------------------------

# Every way the ticket repository reads tickets (all but ``add``), from its Protocol, so a new
# reading method is covered the day it is added.
READING = {
    name
    for name, member in vars(TicketRepository).items()
    if callable(member) and not name.startswith("_") and name != "add"
}
DOORS = ("tierdesk.services.access", "tierdesk.adapters.db")


def _is_unit_of_work(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "uow") or (
        isinstance(node, ast.Attribute) and node.attr == "uow"
    )


def reads_past_the_door(source: str) -> list[int]:
    """Lines that read the ticket repository: ``<anything>.tickets.<reading method>(…)``, or
    ``uow.tickets`` used for anything but ``add`` (kept in a variable, passed on)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "tickets"):
            continue
        parent = parents.get(node)
        method = parent.attr if isinstance(parent, ast.Attribute) else None
        called = method is not None and isinstance(parents.get(parent), ast.Call)
        reads = called and method in READING
        handed_on = _is_unit_of_work(node.value) and not (called and method == "add")
        if reads or handed_on:
            lines.add(node.lineno)
    return sorted(lines)


def test_tickets_are_read_only_through_the_doors_of_services_access() -> None:
    found = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        module = module_name(path)
        if within(module, DOORS):
            continue
        found += [f"{module}:{line}" for line in reads_past_the_door(path.read_text())]

    assert found == []


def test_the_door_checker_sees_every_way_past_the_door() -> None:
    source = """
def bypasses(uow, other, desk):
    uow.tickets.get(1)
    uow.tickets.get_by_number("TD-1001")
    other.tickets.get_many([1, 2])
    desk.uow.tickets.page(scope, filters, 10, None)
    repository = uow.tickets
    helper(uow.tickets)
def allowed(uow, view):
    uow.tickets.add(ticket)
    view.tickets
    len(view.tickets)
"""
    assert reads_past_the_door(source) == [3, 4, 5, 6, 7, 8]
    assert {"get", "get_by_number", "get_many", "page", "linked_to"} <= READING
