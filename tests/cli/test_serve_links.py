"""``tierdesk serve`` without TIERDESK_PUBLIC_URL: links written outside a request (the
answerer's mail, sent from the job runner) lead to where the desk is served, not "/portal/…"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.entrypoints.cli.operations import links_lead_to
from tierdesk.services.answers import portal_link


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'desk.db'}",
        env="test",
        search=SearchSettings(embedder="hashing"),
    )


def test_an_answers_link_leads_to_where_the_desk_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIERDESK_PUBLIC_URL", "unset below; restored after the test")
    monkeypatch.delenv("TIERDESK_PUBLIC_URL")

    links_lead_to("0.0.0.0", 8123)  # noqa: S104 - every interface, as a user may serve it

    app = bootstrap(_settings(tmp_path))
    try:
        assert portal_link(app.desk, "TD-7") == "http://127.0.0.1:8123/portal/tickets/TD-7"
    finally:
        app.close()


def test_a_named_public_url_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERDESK_PUBLIC_URL", "https://support.example.com")

    links_lead_to("127.0.0.1", 8123)

    app = bootstrap(_settings(tmp_path))
    try:
        assert portal_link(app.desk, "TD-7") == "https://support.example.com/portal/tickets/TD-7"
    finally:
        app.close()


def test_production_still_has_to_name_its_public_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIERDESK_ENV", "prod")
    monkeypatch.setenv("TIERDESK_PUBLIC_URL", "unset below; restored after the test")
    monkeypatch.delenv("TIERDESK_PUBLIC_URL")

    links_lead_to("127.0.0.1", 8123)

    assert "TIERDESK_PUBLIC_URL" not in os.environ  # the settings go on refusing none
