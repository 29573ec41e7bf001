"""Help → About: the one version number, the backends llama.cpp picked, and the app icon."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

import resources
from app import __version__, backends
from ui import about
from ui.main_window import MainWindow


def test_about_shows_version_backends_and_icon(qtbot: QtBot) -> None:
    found = backends.load()
    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    assert f"Hearth {__version__}" in dialog.title.text()
    assert found.summary in dialog.details.text()
    icon = about.app_icon()
    assert sorted(s.width() for s in icon.availableSizes()) == list(resources.ICON_SIZES)


def test_help_menu_opens_about(window: MainWindow) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert [a.text() for a in menus["&Help"].actions()] == [
        "&About Hearth",
        "&Keyboard shortcuts",
        "Open &log folder",
    ]
