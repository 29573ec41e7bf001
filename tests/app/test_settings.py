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


def test_a_corrupt_file_is_kept_aside_and_reported_once(hearth_home: Path, notices: list[str]) -> None:
    paths.settings_file().write_text("{not json")
    assert settings.load() == settings.Settings()
    (bad,) = hearth_home.glob("settings.json.bad-*")
    assert bad.read_text() == "{not json" and not paths.settings_file().exists()
    assert len(notices) == 1 and bad.name in notices[0] and "default settings" in notices[0]
    settings.save(settings.load())  # the defaults are written; the damaged file stays as it was
    assert bad.read_text() == "{not json" and len(notices) == 1


def test_mistyped_values_fall_back_and_the_file_is_copied(hearth_home: Path, notices: list[str]) -> None:
    text = '{"chat": {"n_ctx": "huge", "top_k": 5, "unknown": 1}, "docs": [], "extra": []}'
    paths.settings_file().write_text(text)
    s = settings.load()
    assert s.chat.n_ctx == 4096 and s.chat.top_k == 5 and s.docs == settings.DocsSettings()
    (copy,) = hearth_home.glob("settings.json.bad-*")
    assert copy.read_text() == text and paths.settings_file().read_text() == text
    assert (
        len(notices) == 1 and "chat.n_ctx='huge' (expected int)" in notices[0] and "docs is not" in notices[0]
    )
    settings.load()  # the same file again: already kept and reported
    assert len(list(hearth_home.glob("settings.json.bad-*"))) == 1 and len(notices) == 1


def test_every_dir_is_under_hearth_home(hearth_home: Path) -> None:
    for d in (paths.models_dir(), paths.downloads_dir(), paths.index_dir()):
        assert d.is_dir() and d.parent == hearth_home
    assert paths.database_file().parent == hearth_home
