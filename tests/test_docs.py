"""Documentation that must stay true to the code."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from tierdesk.config import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _setting_names(model: type[BaseModel], prefix: str = "") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _setting_names(annotation, f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    missing = [name for name in _setting_names(Settings) if f"`{name}`" not in text]
    assert missing == []


def test_the_design_document_exists_and_names_the_real_packages() -> None:
    text = (DOCS / "design.md").read_text()
    source = Path(__file__).resolve().parent.parent / "src" / "tierdesk"
    for package in ("domain", "services", "adapters", "entrypoints"):
        assert (source / package).is_dir()
        assert f"{package}/" in text
