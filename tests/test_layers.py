"""Who may import what (STYLE.md section 2), checked by reading the source with ``ast``.

- ``domain``: the standard library, ``tierdesk.errors`` and itself. No third-party library.
- ``errors``: the standard library only.
- ``ports``: the standard library, ``domain``, ``errors`` and itself.
- ``services``: the standard library, ``domain``, ``ports``, ``errors`` and itself; no
  SQLAlchemy, FastAPI or any other library, and no adapter or entry point.
- ``adapters``: anything third-party, ``domain``, ``ports``, ``errors`` and themselves; never
  ``services``, ``entrypoints``, ``bootstrap`` or ``config``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tierdesk

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
