"""Unknown query parameters are refused, on every API route, in one place.

A misspelt filter (``?stauts=open``) silently ignored answers everything, which an integrator
reads as "the filter works". So each route's declared query parameters (its own and its
dependencies') are compared with the request's, and any other name is a 422 naming it."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tierdesk.errors import InvalidInputError

# Kept on the route object itself: routes are unhashable, and a table keyed by id() would
# outlive the apps tests build and drop, whose ids get reused.
_CACHE = "_tierdesk_query_names"


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_query(request: Request) -> None:
    """A dependency of the API router: every query name must be one the route declares."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared: frozenset[str] | None = getattr(route, _CACHE, None)
    if declared is None:
        declared = frozenset(_query_names(route.dependant))
        setattr(route, _CACHE, declared)
    for name in request.query_params:
        if name not in declared:
            raise InvalidInputError(
                f"unknown query parameter {name!r}; this operation takes: "
                + (", ".join(sorted(declared)) or "none"),
                field=name,
            )
