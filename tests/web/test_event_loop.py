"""Nothing that blocks runs on the event loop. An ``async def`` of the web layer may await (an
upload, a form, a request body) but hands every use case to a worker thread
(``run_in_threadpool``): a use case called on the loop holds every other request for as long as
it runs (a manual upload froze the whole desk for 38 seconds, a large portal ticket for one).
Checked by reading the source with ``ast``, like tests/test_layers.py."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import tierdesk

WEB = Path(tierdesk.__file__).parent / "entrypoints" / "web"
# Methods of the assembled application that block (reading a manual into sections).
BLOCKING_METHODS = {"read_document"}


def service_names(tree: ast.Module) -> set[str]:
    """Names a module binds to the services: modules (``tickets``) and functions
    (``add_message``) imported from ``tierdesk.services``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tierdesk.services"):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def blocking_calls(function: ast.AsyncFunctionDef, services: set[str]) -> Iterator[str]:
    """Calls in the coroutine's own body (not in functions it defines, which it may hand to a
    thread) of a use case or a blocking method. Classes (``tickets.NewTicket``) are values."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            root = called
            while isinstance(root, ast.Attribute):
                root = root.value
            from_services = isinstance(root, ast.Name) and root.id in services
            if name[:1].islower() and (from_services or name in BLOCKING_METHODS):
                yield f"{function.name}: {ast.unparse(called)}() at line {node.lineno}"
        pending.extend(ast.iter_child_nodes(node))


def test_async_handlers_leave_the_use_cases_to_worker_threads() -> None:
    found = []
    for path in sorted(WEB.rglob("*.py")):
        tree = ast.parse(path.read_text())
        services = service_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef):
                found += [f"{path.relative_to(WEB)}: {c}" for c in blocking_calls(node, services)]
    assert found == []
