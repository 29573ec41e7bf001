"""Every control a user can reach has an accessible name: a walk of Qt's accessibility tree over each
page of the window and its dialogs fails on an unnamed interactive one (GPT4All's #3604 kind of bug)."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from ui.about import AboutDialog
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog
from ui.shortcuts import ShortcutsDialog

Role = QAccessible.Role
INTERACTIVE = {
    Role.PushButton, Role.CheckBox, Role.RadioButton, Role.ComboBox, Role.EditableText, Role.SpinBox,
    Role.Slider, Role.List, Role.Table, Role.Tree, Role.PageTab, Role.ButtonMenu, Role.ButtonDropDown,
    Role.Link,
}  # fmt: skip


def walk(root: QWidget) -> tuple[int, list[str]]:
    """(named interactive elements, descriptions of the unnamed ones) under ``root``, visible only."""
    named, unnamed = 0, []

    def visit(iface: QAccessibleInterface, depth: int) -> None:
        nonlocal named
        for i in range(iface.childCount()):
            child = iface.child(i)
            if child is None or not child.isValid() or child.state().invisible or depth > 50:
                continue
            if child.role() in INTERACTIVE:
                if child.text(QAccessible.Text.Name).strip():
                    named += 1
                else:
                    obj = child.object()
                    unnamed.append(f"{type(obj).__name__} {obj.objectName()!r} ({child.role().name})")
            visit(child, depth + 1)

    iface = QAccessible.queryAccessibleInterface(root)
    assert iface is not None
    visit(iface, 0)
    return named, unnamed


def every_tab(window: MainWindow) -> list[tuple[QTabWidget, int]]:
    tabs = [window.tabs, *window.findChildren(QTabWidget)]
    return [(t, i) for t in dict.fromkeys(tabs) for i in range(t.count())]


def page_of(window: MainWindow, widget: QWidget) -> QWidget:
    """The window's top-level tab page that holds ``widget``."""
    while window.tabs.indexOf(widget) < 0 and widget.parentWidget() is not None:
        widget = widget.parentWidget()
    return widget


def test_every_interactive_widget_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    total, missing = 0, []
    for tabs, i in every_tab(window):
        tabs.setCurrentIndex(i)
        window.tabs.setCurrentWidget(page_of(window, tabs.widget(i)))
        qtbot.wait(10)
        named, unnamed = walk(window)
        total += named
        missing += [f"{tabs.tabText(i)}: {u}" for u in unnamed]
    window.tabs.setCurrentIndex(0)
    settings = SettingsDialog(window.settings, window, model=window._model_file())
    for dialog in (settings, AboutDialog(window), ShortcutsDialog(window)):
        dialog.show()
        pages = [*dialog.findChildren(QTabWidget)]
        for tabs, i in [(t, i) for t in pages for i in range(t.count())] or [(None, 0)]:
            if tabs is not None:
                tabs.setCurrentIndex(i)
                qtbot.wait(10)
            named, unnamed = walk(dialog)
            total += named
            where = f"{dialog.windowTitle()}" + (f" → {tabs.tabText(i)}" if tabs is not None else "")
            missing += [f"{where}: {u}" for u in unnamed]
        dialog.close()
    assert settings.tabs.count() == 7  # every page of the settings dialog was walked
    assert not sorted(set(missing)), "\n".join(sorted(set(missing)))
    assert total > 40
    print(f"accessibility: {total} named interactive elements, 0 unnamed")


def test_keyboard_shortcuts_lists_every_menu_shortcut(window: MainWindow) -> None:
    dialog = ShortcutsDialog(window)
    rows = {
        dialog.table.item(r, 1).text(): dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())
    }
    assert rows["Chat → Stop"] == "Esc" and rows["Chat → Regenerate"] == "Ctrl+R"
    assert rows["Help → Keyboard shortcuts"] == "Ctrl+/" and "Chat → Search chats" in rows
    assert rows["Send the message (in the message box)"] == "Enter"
