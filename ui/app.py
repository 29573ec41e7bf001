"""Start the GUI: QApplication, error hooks, the main window. Heavy imports stay off this path."""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication

from app import __version__


def create_app(argv: list[str] | None = None) -> QApplication:
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Hearth")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("hearth")
    return app


def run_gui() -> int:
    from app import logs

    logs.setup("gui")
    app = create_app()
    from ui import messages
    from ui.main_window import MainWindow

    messages.install_excepthooks()
    window = MainWindow()
    window.show()
    if os.environ.get("HEARTH_EXIT_AFTER_SHOW"):  # startup benchmark: process start → window shown
        import time

        from PySide6.QtCore import QTimer

        print(f"HEARTH_SHOWN {time.time():.6f}", file=sys.stderr, flush=True)
        QTimer.singleShot(0, window.close)
    return app.exec()
