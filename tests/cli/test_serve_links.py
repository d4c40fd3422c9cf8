"""``tierdesk serve`` without a public_url: links written outside a request (the answerer's
mail, sent from the job runner) lead to where the desk is served, not "/portal/…"."""

from __future__ import annotations

from pathlib import Path

from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.entrypoints.cli.operations import links_lead_to
from tierdesk.services.answers import portal_link


def _settings(tmp_path: Path, **named: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'desk.db'}",
        env="test",
        search=SearchSettings(embedder="hashing"),
        **named,  # type: ignore[arg-type]
    )


def _link(settings: Settings) -> str:
    app = bootstrap(settings)
    try:
        return portal_link(app.desk, "TD-7")
    finally:
        app.close()


def test_an_answers_link_leads_to_where_the_desk_is_served(tmp_path: Path) -> None:
    served = links_lead_to(_settings(tmp_path), "0.0.0.0", 8123)  # noqa: S104 - every interface

    assert _link(served) == "http://127.0.0.1:8123/portal/tickets/TD-7"


def test_a_named_public_url_is_kept(tmp_path: Path) -> None:
    named = _settings(tmp_path, public_url="https://support.example.com")

    served = links_lead_to(named, "127.0.0.1", 8123)

    assert _link(served) == "https://support.example.com/portal/tickets/TD-7"


def test_production_still_has_to_name_its_public_address(tmp_path: Path) -> None:
    production = _settings(tmp_path).model_copy(update={"env": "prod"})

    assert links_lead_to(production, "127.0.0.1", 8123).public_url is None
