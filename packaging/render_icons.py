"""Render ``resources/icons/hearth.svg`` to the PNG sizes the desktop, the window and installers use.

Run after editing the SVG (``.venv/bin/python packaging/render_icons.py``) and commit the PNGs: the app
loads PNGs (built into Qt, no SVG plugin needed at run time) and the packages install both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from resources import ICON_SIZES

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def main() -> int:
    _app = QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / "hearth.svg"))
    if not renderer.isValid():
        print("hearth.svg is not a valid SVG", file=sys.stderr)
        return 1
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if not image.save(str(ICONS / f"hearth-{size}.png")):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
