"""Start the GUI: QApplication, error hooks, the main window. Heavy imports stay off this path."""

from __future__ import annotations

import gc
import logging
import os
import sys

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import __version__
from app.i18n import tr
from ui import about

APP_ID = "io.github.hearth.Hearth"  # the .desktop file's and AppStream's name (packaging/linux/)


def skip_pyside_source_scan() -> None:
    """Stop PySide6 reading the source of every module imported after it.

    PySide6 (6.12) runs ``inspect.getsource`` on each newly imported module, looking for
    ``from __feature__ import …`` (snake_case / true_property), to mark it as a module that may
    switch features. Hearth never uses ``__feature__``, so the answer does not matter (a module marked
    "ignore" keeps the default selection, which every module has), but the scan holds the GIL: it
    made importing sentence-transformers take 7.9–11.9 s instead of 6.4–6.7 s and chromadb 0.9–1.1 s
    instead of 0.6–0.8 s (2-core EPYC VM), during which the window could not paint. Idempotent."""
    feature = sys.modules.get("PySide6.support.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda _module: False  # type: ignore[attr-defined]


def create_app(argv: list[str] | None = None) -> QApplication:
    skip_pyside_source_scan()
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Hearth")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(about.app_icon())
    return app


def freeze_startup_objects() -> None:
    """Leave the objects made while starting (modules, Qt bindings, the window: ~72,000 in the chat
    benchmark's process) out of Python's garbage collections from now on. A full collection walked
    all of them, holding the GIL for 21–33 ms on a 2-core VM, and stalled the window whenever one
    fell while it painted; with them frozen one walks only what was made since (~4,000 objects
    then). Call once the window is up (freezing takes no time; a collection first would delay the
    first paint by one such walk)."""
    gc.freeze()


def run_gui() -> int:
    from app import logs

    logs.setup("gui")
    app = create_app()
    lock = _single_instance()
    if lock is None:
        return 1
    from ui import messages
    from ui.main_window import MainWindow

    messages.install_excepthooks()
    window = MainWindow()
    if os.environ.get("HEARTH_EXIT_AFTER_PAINT"):  # start-up probe (benchmark, bundle check)
        _report_first_paint(app, window)
    window.show()
    freeze_startup_objects()
    code = app.exec()
    if window.exit_without_waiting:  # the inference thread is stuck loading: everything is saved
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _single_instance() -> QLockFile | None:
    """Hold the data folder's lock, or tell the user another Hearth has it (``None``). One window per
    data folder: a second one would mark the first one's live reply as interrupted and fight over
    SQLite. A lock left by a process that died is taken over."""
    from app import paths, settings
    from ui import i18n

    lock = QLockFile(str(paths.home() / "hearth.lock"))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    if lock.tryLock(200):
        return lock
    pid, _, _ = lock.getLockInfo()
    i18n.install(settings.load().appearance.language)  # no window will: say it in the user's language
    text = tr(
        "Hearth is already running with this data folder ({path}, process {pid}): use that window."
    ).format(path=paths.home(), pid=pid)
    logging.getLogger(__name__).warning(text)
    print(f"hearth: {text}", file=sys.stderr, flush=True)
    QMessageBox.information(None, tr("Hearth is already running"), text)
    return None


def _report_first_paint(app: QApplication, window: QWidget) -> None:
    """Print ``HEARTH_PAINTED <unix time>`` on stderr once the window has painted, then close it."""
    import time

    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is window:
                app.removeEventFilter(self)
                QTimer.singleShot(0, self.done)  # after this paint event has been handled
            return False

        def done(self) -> None:
            print(f"HEARTH_PAINTED {time.time():.6f}", file=sys.stderr, flush=True)
            window.close()

    probe = FirstPaint(window)
    app.installEventFilter(probe)
