"""Light, dark or the system's colours, and the font size, applied to the whole application.

The colour scheme is asked of Qt (``QStyleHints.setColorScheme``, Qt 6.8+), which the platform
theme honours on Windows, macOS and GNOME/KDE. Where it does not (other desktops, the offscreen
platform of the tests), the scheme is applied by hand: a dark or light Fusion palette. "System"
gives the choice back to the platform. A font size of 0 keeps the system's font.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.settings import AppearanceSettings

SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
_system_font: QFont | None = None


def apply(appearance: AppearanceSettings) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    _apply_scheme(app, appearance.color_scheme)
    _apply_font(app, appearance.font_size)


def _apply_scheme(app: QApplication, scheme: str) -> None:
    hints = QGuiApplication.styleHints()
    wanted = SCHEMES.get(scheme)
    if wanted is None:
        hints.unsetColorScheme()
        app.setPalette(QPalette())  # the platform's own
        return
    hints.setColorScheme(wanted)
    if hints.colorScheme() != wanted:  # the platform theme ignores the request: paint it ourselves
        app.setPalette(dark_palette() if wanted == Qt.ColorScheme.Dark else app.style().standardPalette())
    else:
        app.setPalette(QPalette())


def dark_palette() -> QPalette:
    """A dark palette in the spirit of Fusion's own (readable text, visible focus and links)."""
    p = QPalette()
    base, window, text = QColor(30, 30, 30), QColor(45, 45, 45), QColor(230, 230, 230)
    disabled = QColor(127, 127, 127)
    R = QPalette.ColorRole
    for role, color in (
        (R.Window, window), (R.WindowText, text), (R.Base, base), (R.AlternateBase, window),
        (R.ToolTipBase, window), (R.ToolTipText, text), (R.Text, text), (R.Button, window),
        (R.ButtonText, text), (R.BrightText, QColor(255, 80, 80)), (R.Link, QColor(110, 170, 255)),
        (R.Highlight, QColor(42, 130, 218)), (R.HighlightedText, QColor(255, 255, 255)),
        (R.PlaceholderText, disabled),
    ):  # fmt: skip
        p.setColor(role, color)
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def _apply_font(app: QApplication, size: int) -> None:
    global _system_font
    if _system_font is None:
        _system_font = QFont(app.font())
    font = QFont(_system_font)
    if size > 0:
        font.setPointSize(size)
    app.setFont(font)
