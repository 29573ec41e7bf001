"""The one bridge for user-facing messages: widgets and workers report here, the window shows them.

Also installs ``sys.excepthook`` and ``threading.excepthook`` so an unexpected exception anywhere
becomes a visible error instead of a silent crash. Every error shown is kept in the log file
(``app.logs``: Help → Open log folder), and damaged data files kept aside (``app.datafile``) are
reported here once each.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from app.i18n import tr

log = logging.getLogger(__name__)


class MessageBridge(QObject):
    error = Signal(str)  # shown as a dialog-free banner/status + kept in the log
    info = Signal(str)  # shown in the status bar for a few seconds

    def show_error(self, text: str) -> None:
        log.warning("user-facing error: %s", text)
        self.error.emit(text)

    def show_info(self, text: str) -> None:
        self.info.emit(text)


_bridge: MessageBridge | None = None


def bridge() -> MessageBridge:
    """The process-wide bridge (created on first use, in the GUI thread)."""
    global _bridge
    if _bridge is None:
        _bridge = MessageBridge()
    return _bridge


def report_data_files() -> None:
    """Show damaged data files kept aside (waiting ones first) as errors, from now on."""
    from app import datafile

    datafile.set_reporter(bridge().show_error)


def install_excepthooks() -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("uncaught exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        bridge().show_error(tr("Unexpected error: {kind}: {error}").format(kind=exc_type.__name__, error=exc))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
