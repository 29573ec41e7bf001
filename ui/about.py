"""Help → About Hearth: the version, the libraries it runs on, and the llama.cpp backends in use.

Also the application icon (PNG sizes from ``resources``: no Qt SVG plugin needed). The backends are
described once the inference thread has loaded llama.cpp (at start, with the model); the dialog
never loads it on the GUI thread.
"""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMainWindow, QMenu, QVBoxLayout, QWidget

import resources
from app import __version__, backends, paths
from app.i18n import tr


def app_icon() -> QIcon:
    icon = QIcon()
    for size in resources.ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(resources.path("icons", f"hearth-{size}.png").read_bytes()):
            icon.addPixmap(pixmap)
    return icon


def llama_line() -> str:
    """llama.cpp's version and backends, or a note that it is not loaded yet."""
    found = backends.loaded()
    if found is None:
        return tr("llama.cpp: not loaded yet")
    return tr("llama-cpp-python {version}; backends: {backends}").format(
        version=found.binding, backends=found.summary
    )


def details() -> list[str]:
    return [
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}",
        llama_line(),
        tr("Data folder: {path}").format(path=paths.home()),
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("About Hearth"))
        layout = QVBoxLayout(self)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(logo)
        heading = f"<h2>Hearth {__version__}</h2>"
        self.title = QLabel(heading + tr("Chat with local models and your PDFs, offline."))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.details = QLabel("<br>".join(details()))
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def install(window: QMainWindow) -> QMenu:
    """Add Help → About Hearth to ``window``'s menu bar; returns the Help menu."""
    menu = window.menuBar().addMenu(tr("&Help"))
    menu.addAction(tr("&About Hearth"), lambda: AboutDialog(window).exec())
    return menu
