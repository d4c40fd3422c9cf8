"""The admin's catalogue tab: products, their components and versions (services/catalog.py,
the same calls as /api/v1/products)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import go
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import catalog
from tierdesk.services.access import require_lead

router = APIRouter(prefix="/admin/products", include_in_schema=False)


def _date(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from exc


def _back(request: Request, notice: str) -> Response:
    return go(request, f"/admin?notice={notice}#products")


@router.post("", dependencies=[Csrf])
def add_product(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    catalog.create_product(
        desk, agent, catalog.NewProduct(name=name, key=key or None, description=description)
    )
    return _back(request, "Product+added")


@router.post("/{key}/name", dependencies=[Csrf])
def rename_product(
    request: Request, desk: DeskDep, agent: WebAgent, key: str, name: Annotated[str, Form()] = ""
) -> Response:
    require_lead(agent, "use the admin pages")
    catalog.rename_product(desk, agent, key, name)
    return _back(request, "Product+renamed")


@router.post("/{key}/components", dependencies=[Csrf])
def add_component(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: str,
    component: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    catalog.add_component(desk, agent, key, component)
    return _back(request, "Component+added")


@router.post("/{key}/versions", dependencies=[Csrf])
def add_version(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: str,
    version: Annotated[str, Form()] = "",
    released_on: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    catalog.add_version(desk, agent, key, version, _date(released_on, "released_on"))
    return _back(request, "Version+added")


@router.post("/{key}/versions/support", dependencies=[Csrf])
def end_version_support(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: str,
    version: Annotated[str, Form()] = "",
    end_of_support: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    catalog.end_version_support(desk, agent, key, version, _date(end_of_support, "end_of_support"))
    return _back(request, "Support+date+saved")
