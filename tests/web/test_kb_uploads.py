"""Uploading a manual on the KB page: one past a limit is refused with the reason, a large one
shows how far its background indexing has come."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Browser, WebDesk
from tierdesk.config import ManualSettings, Settings
from tierdesk.domain.people import Agent, Contact
from tierdesk.services.jobs import run_next_job

SignIn = Callable[[Agent | Contact], Browser]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"manuals": ManualSettings(index_at_once=3)})


def guide(sections: int) -> bytes:
    steps = "".join(f"## Step {n}\n\nReboot the handset {n} times.\n\n" for n in range(sections))
    return f"# Handset guide\n\n{steps}".encode()


def post_manual(browser: Browser, name: str, data: bytes) -> str:
    browser.get("/kb")
    response = browser.post("/kb/upload", {}, files=[("file", (name, data, "text/markdown"))])
    return f"{response.status_code} {response.text}"


def test_the_kb_page_says_why_a_manual_is_refused(web: WebDesk, signed_in: SignIn) -> None:
    answer = post_manual(signed_in(web.lead), "huge.md", guide(2_001))

    assert answer.startswith("413 ")
    assert "huge.md has 2,001 sections (headings); a manual may have at most 2,000" in answer
    assert "manuals.max_sections" in answer


def test_the_kb_page_shows_how_far_a_large_manual_is_indexed(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)

    answer = post_manual(lead, "handset.md", guide(5))  # the redirect to the article's page
    waiting = lead.get("/kb").text
    run_next_job(web.app.desk, "test-worker")
    indexed = lead.get("/kb").text
    found = lead.get("/kb?q=reboot+the+handset").text

    assert answer.startswith("200 ")
    assert "being indexed in the background" in answer
    assert "waiting to be indexed (0 of 5 sections searchable)" in answer
    assert "waiting to be indexed (0 of 5 sections searchable)" in waiting
    assert "Handset guide" in indexed and "sections searchable" not in indexed
    assert "Step 4" in found


def test_the_kb_page_counts_a_small_manuals_sections_in_words(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    post_manual(lead, "one.md", guide(1))
    post_manual(lead, "two.md", b"# Other guide\n\n## A\n\nOne.\n\n## B\n\nTwo.\n")

    page = lead.get("/kb").text

    assert "1 section</span>" in page and "1 sections" not in page
    assert "2 sections</span>" in page


def test_an_agent_removes_a_manual_from_its_page_and_search_no_longer_finds_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    l1.get("/kb")
    added = l1.client.post(
        "/kb/upload",
        data={"csrf_token": l1.token},
        files=[("file", ("handset.md", guide(2), "text/markdown"))],
    )
    path = added.url.path
    assert "Reboot the handset" in l1.get("/kb?q=reboot+the+handset").text
    page = l1.get(path).text
    assert f'action="{path}/remove"' in page

    removed = l1.post(f"{path}/remove")

    assert removed.url.path == "/kb" and "Removed from the knowledge base" in removed.text
    assert l1.get(path).status_code == 404
    assert "Reboot the handset" not in l1.get("/kb?q=reboot+the+handset").text
