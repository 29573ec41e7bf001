"""The whole window in German: every text a user can read there is translated, Qt's own included.

The window with a reply in it, its menus, every tab and the settings, About and Keyboard shortcuts
dialogs are built twice, in English and in German (Settings → Appearance → Language), and every
text they show (labels, buttons, tabs, menus, tooltips, placeholders, combo items, accessible
names) is collected. A text shown unchanged in both languages was not translated, unless it is the
same word in German or data (a model's name, a path, a number): those few are in SAME_IN_GERMAN.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app import settings
from app.settings import KV_TYPES
from tests.ui.conftest import send_and_wait
from ui import i18n
from ui.about import AboutDialog
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog
from ui.shortcuts import ShortcutsDialog

# texts German writes as English does, and data shown as it is (KV cache types, the library "default")
SAME_IN_GERMAN = {
    "Hearth", "Chat", "Chats", "Downloads", "Top-p", "Min-p", "Top-k (0 = off)", "GGUF", "Proxy",
    "Token", "OK", "Name", "Status", "Preset", "Presets", "Server", "API", "Port", "Host", "Details",
    "English", "Deutsch", "pt", "default", *KV_TYPES,
}  # fmt: skip
DATA = re.compile(r"^[\W\d_]*$|^[\w.\-]+\.(gguf|json|md)$|^https?://|^/|SmolLM|gemma|Qwen|Llama|Phi")


def texts_of(widget: QWidget) -> set[str]:
    """Every text ``widget`` shows or tells assistive technology."""
    found = {widget.windowTitle(), widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()}
    if isinstance(widget, QLabel | QAbstractButton):
        found.add(widget.text())
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        found.add(widget.placeholderText())
    if isinstance(widget, QGroupBox):
        found.add(widget.title())
    if isinstance(widget, QTabWidget):
        found |= {widget.tabText(i) for i in range(widget.count())}
    if isinstance(widget, QComboBox):
        found |= {widget.itemText(i) for i in range(widget.count())}
    if isinstance(widget, QAbstractSpinBox):
        found.add(widget.specialValueText())
        if isinstance(widget, QSpinBox):
            found.add(widget.suffix().strip())
    if isinstance(widget, QMenu):
        found.add(widget.title())
        found |= {a.text() for a in widget.actions()} | {a.toolTip() for a in widget.actions()}
    return found


def everything(window: MainWindow, qtbot: QtBot) -> set[str]:
    found: set[str] = set()
    for tabs in [window.tabs, *window.findChildren(QTabWidget)]:
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            qtbot.wait(5)
    found |= {a.text() for a in window.menuBar().actions()}
    dialogs = [SettingsDialog(window.settings, window, model=window._model_file()), AboutDialog(window),
               ShortcutsDialog(window)]  # fmt: skip
    for root in [window, *dialogs]:
        for widget in [root, *root.findChildren(QWidget)]:
            found |= texts_of(widget)
    for dialog in dialogs:
        dialog.close()
    return {" ".join(t.replace("&", "").split()) for t in found} - {""}


@pytest.fixture
def build(make_window: Callable[[], MainWindow], qtbot: QtBot) -> Iterator[Callable[[str], set[str]]]:
    def run(language: str) -> set[str]:
        s = settings.load()
        s.appearance.language = language
        settings.save(s)
        window = make_window()
        qtbot.waitUntil(lambda: window.controller.model_info is not None, timeout=60_000)
        send_and_wait(qtbot, window, "Hi")  # a reply's card, its actions and statistics too
        return everything(window, qtbot)

    yield run
    i18n.install("en")


@pytest.mark.timeout(240)
def test_the_whole_window_is_translated(build: Callable[[str], set[str]], qtbot: QtBot) -> None:
    english = build("en")
    assert "Send" in english  # the walk sees the texts it is meant to
    german = build("de")
    assert "Senden" in german and "Send" not in german
    untranslated = sorted(t for t in english & german if t not in SAME_IN_GERMAN and not DATA.search(t))
    assert not untranslated, f"{len(untranslated)} English texts in German:\n" + "\n".join(untranslated)
    print(f"translation: {len(english)} texts in English, {len(german)} in German, all translated")


def test_qt_own_texts_follow_the_language(qtbot: QtBot) -> None:
    assert i18n.install("de") == "de"
    try:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(buttons)
        assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Abbrechen"
        assert QCoreApplication.translate("", "Send") == "Senden"
    finally:
        i18n.install("en")


def test_a_language_hearth_lacks_falls_back_to_english() -> None:
    assert i18n.chosen("xx") == "en"
    assert "de" in i18n.available() and i18n.available()["de"] == "Deutsch"


def test_citations_name_pages_in_german_and_prompts_stay_english(qtbot: QtBot) -> None:
    from app.docs.readers import location

    assert i18n.install("de") == "de"
    try:
        assert location("pdf", 14, "xii") == "S. xii (Seite 14)"
        assert location("pdf", 3, "") == "Seite 3" and location("markdown", 2, "") == "Abschnitt 2"
        assert location("pdf", 3, "", for_model=True) == "page 3"  # the model reads English headers
    finally:
        i18n.install("en")
