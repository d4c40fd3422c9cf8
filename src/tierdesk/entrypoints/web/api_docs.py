"""/docs: the browsable API (Swagger UI) served from the package, not a CDN, so it runs under
the same Content-Security-Policy as every page: the vendored bundle and its start-up script are
files in /static, and the page itself holds no inline script."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    title = escape(f"{request.app.title} API")
    openapi_url = escape(request.app.openapi_url or "/openapi.json")
    return HTMLResponse(
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        '<link rel="stylesheet" href="/static/swagger-ui.css"></head>'
        f'<body><div id="swagger-ui" data-openapi-url="{openapi_url}"></div>'
        '<script src="/static/swagger-ui-bundle.js"></script>'
        '<script src="/static/api-docs.js"></script>'
        "</body></html>\n"
    )
