"""The public help centre (/help): with ``portal.public_help_centre`` on, a signed-out visitor
searches and reads the published public articles, and nothing else; off, /help is not found."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.articles import ArticleContent
from tierdesk.services import articles

NewBrowser = Callable[[], Browser]


def _article(web: WebDesk, title: str, *, public: bool, publish: bool = True) -> int:
    content = ArticleContent(
        title=title,
        problem=f"{title}: the phone shows it after a firmware upgrade.",
        steps=["Open Settings", "Choose Reset"],
        answer="Reset the codec list.",
    )
    article = articles.create_article(web.app.desk, web.lead, content, public=public)
    assert article.id is not None
    if publish:
        articles.publish_article(web.app.desk, web.lead, article.id)
    return article.id


def test_a_signed_out_visitor_searches_and_reads_public_articles_only(
    web: WebDesk, new_browser: NewBrowser
) -> None:
    web.app.settings.portal.public_help_centre = True
    public_id = _article(web, "One-way audio on KP-200", public=True)
    _article(web, "Echo on the KP-300 speakerphone", public=True)
    internal_id = _article(web, "One-way audio: internal SBC workaround", public=False)
    draft_id = _article(web, "One-way audio draft", public=True, publish=False)
    visitor = new_browser()

    found = visitor.get("/help", params={"q": "one-way audio"}).text
    page = visitor.get(f"/help/articles/{public_id}")

    assert f"/help/articles/{public_id}" in found
    assert "Echo on the KP-300" not in found
    assert "internal SBC workaround" not in found and "One-way audio draft" not in found
    assert page.status_code == 200 and "Reset the codec list." in page.text
    assert visitor.get(f"/help/articles/{internal_id}").status_code == 404
    assert visitor.get(f"/help/articles/{draft_id}").status_code == 404


def test_the_help_centre_is_not_found_when_it_is_off(web: WebDesk, new_browser: NewBrowser) -> None:
    public_id = _article(web, "One-way audio on KP-200", public=True)
    visitor = new_browser()

    assert visitor.get("/help").status_code == 404
    assert visitor.get(f"/help/articles/{public_id}").status_code == 404
