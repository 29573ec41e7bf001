"""Help → Keyboard shortcuts: every shortcut of the window's menus (read from the menus themselves,
so the list cannot go stale) and the keys the chat box and the chat list take."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr, tr_noop

KEYS = [  # what widgets do by themselves, not menu actions (shown translated: tr(keys), tr(does))
    (tr_noop("Enter"), tr_noop("Send the message (in the message box)")),
    (tr_noop("Shift+Enter"), tr_noop("A new line in the message")),
    (tr_noop("Esc"), tr_noop("Stop the reply (in the message box)")),
    ("F2", tr_noop("Rename the selected chat (in the chat list)")),
    (tr_noop("Tab, Shift+Tab"), tr_noop("Move to the next or the previous control")),
    (tr_noop("Alt+underlined letter"), tr_noop("Open a menu")),
]


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str]]:
    """(keys, "Menu → Action") for every action with a shortcut in ``window``'s menu bar."""
    found: list[tuple[str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            name = f"{path} → {action.text().replace('&', '')}"
            if action.menu() is not None:
                walk(action.menu(), name)  # type: ignore[arg-type]
            elif not action.shortcut().isEmpty():
                found.append((action.shortcut().toString(QKeySequence.SequenceFormat.NativeText), name))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), top.text().replace("&", ""))  # type: ignore[arg-type]
    return found


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        rows = menu_shortcuts(window) + [(tr(keys), tr(does)) for keys, does in KEYS]
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName(tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([tr("Keys"), tr("Does")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, (keys, does) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(does))
        self.table.resizeColumnToContents(0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # tall enough for every row (no scrolling through a dozen lines), within a small screen
        header, frame = self.table.horizontalHeader().sizeHint().height(), 2 * self.table.frameWidth()
        self.table.setMinimumHeight(min(self.table.verticalHeader().length() + header + frame, 600))
        self.resize(560, self.sizeHint().height())
