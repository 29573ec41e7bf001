"""Settings: typed defaults, atomic save, tolerant load; every path under HEARTH_HOME."""

from __future__ import annotations

from pathlib import Path

from app import paths, settings


def test_roundtrip_and_defaults(hearth_home: Path) -> None:
    s = settings.load()
    assert s.chat.model_path == "starter" and s.chat.n_ctx == 4096
    s.chat.temperature = 0.2
    s.docs.top_k = 9
    settings.save(s)
    assert paths.settings_file().parent == hearth_home
    again = settings.load()
    assert again.chat.temperature == 0.2 and again.docs.top_k == 9
    assert not list(hearth_home.glob("*.tmp"))


def test_corrupt_or_mistyped_file_falls_back(hearth_home: Path) -> None:
    paths.settings_file().write_text("{not json")
    assert settings.load() == settings.Settings()
    paths.settings_file().write_text('{"chat": {"n_ctx": "huge", "top_k": 5, "unknown": 1}, "extra": []}')
    s = settings.load()
    assert s.chat.n_ctx == 4096 and s.chat.top_k == 5


def test_every_dir_is_under_hearth_home(hearth_home: Path) -> None:
    for d in (paths.models_dir(), paths.downloads_dir(), paths.index_dir()):
        assert d.is_dir() and d.parent == hearth_home
    assert paths.database_file().parent == hearth_home
