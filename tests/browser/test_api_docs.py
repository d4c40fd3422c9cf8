"""/docs in a real browser: Swagger UI, served from the desk, runs under the page policy
(script-src 'self', no CDN) and shows the API."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import LiveDesk


def test_the_api_docs_render_from_the_desk_alone_under_its_content_security_policy(
    live_desk: LiveDesk, open_page: Callable[[], Page]
) -> None:
    page = open_page()
    fetched: list[Response] = []
    console: list[str] = []
    page.on("response", lambda response: fetched.append(response))
    page.on("console", lambda message: console.append(message.text))

    answer = page.goto("/docs")

    assert answer is not None
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    # the schema is built on its first request (~1 s alone) and Swagger UI reads all 800 kB of
    # it: past expect's 5 s when the suite's other workers share the cores (seen once)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("tierdesk", timeout=30_000)
    expect(page.get_by_text("/api/v1/tickets", exact=True).first).to_be_visible()
    assert {_origin(r.url) for r in fetched} == {live_desk.url}  # nothing from anywhere else
    paths = {urlsplit(r.url).path for r in fetched if r.ok}
    assert {"/static/swagger-ui-bundle.js", "/static/api-docs.js", "/openapi.json"} <= paths
    # the desk has no favicon; anything else missing would be a broken asset
    assert [r.url for r in fetched if not r.ok] in ([], [f"{live_desk.url}/favicon.ico"])
    assert not [text for text in console if "Content Security Policy" in text]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
