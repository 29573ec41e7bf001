"""The log file: ``logs_dir()/hearth.log``, rotated (2 MiB, 5 old files kept), shared by every process.

:func:`setup` sends warnings and errors (with tracebacks) from every thread, plus Hearth's own
info messages, to the file; the GUI, each CLI command and the PDF worker process call it at start.
Several processes append to the one file: each record is written under the file's cross-process
lock by a fresh ``open`` (after another process rotated the file, the next record goes to the new
one). Uncaught exceptions, in any thread, are logged before Python's own report.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from app import datafile, paths

MAX_BYTES = 2 * 2**20
BACKUPS = 5
OURS = ("app", "ui", "bench", "__main__")
FILE_NAME = "hearth.log"
_installed: list[logging.Handler] = []
SHOWN = {"shown_to_user": True}  # ``extra=`` of records the user was shown already: not repeated on stderr


def log_file() -> Path:
    return paths.logs_dir() / FILE_NAME


class SharedFileHandler(logging.Handler):
    """Appends records to ``path`` under its cross-process lock, rotating at :data:`MAX_BYTES`."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.INFO)
        self.path, self.max_bytes, self.backups = path, MAX_BYTES, BACKUPS

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode("utf-8", "replace")
            with datafile.locked(self.path):
                try:
                    size = self.path.stat().st_size
                except FileNotFoundError:
                    size = 0
                if size and size + len(line) > self.max_bytes:
                    self._rotate()
                with self.path.open("ab") as fh:
                    fh.write(line)
        except Exception:
            self.handleError(record)

    def _rotate(self) -> None:
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{i + 1}"))
        self.path.replace(self.path.with_name(f"{self.path.name}.1"))


def _not_shown(record: logging.LogRecord) -> bool:
    return not getattr(record, "shown_to_user", False)


def _not_llama(record: logging.LogRecord) -> bool:
    """llama.cpp's own lines (e.g. its errors after Stop aborts a decode) reach stderr with -v only."""
    return not record.name.startswith("llama.cpp")


def _ours_or_warning(record: logging.LogRecord) -> bool:
    """Other libraries' info chatter (every HTTP request...) stays out; their warnings go in."""
    return record.levelno >= logging.WARNING or record.name.split(".")[0] in OURS


def setup(process: str, verbose: bool = False) -> Path:
    """Log to the shared file (and warnings, or with ``verbose`` everything, to stderr); idempotent."""
    path = log_file()
    stop()
    root = logging.getLogger()
    fmt = f"%(asctime)s %(levelname)s {process}[%(process)d] %(threadName)s %(name)s: %(message)s"
    to_file = SharedFileHandler(path)
    to_file.setFormatter(logging.Formatter(fmt))
    to_file.addFilter(_ours_or_warning)
    to_err = logging.StreamHandler(sys.stderr)
    to_err.setLevel(logging.INFO if verbose else logging.WARNING)
    to_err.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    to_err.addFilter(_not_shown)
    if not verbose:
        to_err.addFilter(_not_llama)
    _installed[:] = [to_file, to_err]
    for handler in _installed:
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    if sys.excepthook is sys.__excepthook__:
        _log_uncaught()
    return path


def stop() -> None:
    """Remove what :func:`setup` added (the exception hooks stay)."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
    _installed.clear()


def _log_uncaught() -> None:
    log = logging.getLogger("app.uncaught")
    previous, previous_thread = sys.excepthook, threading.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.error("uncaught exception", exc_info=(kind, exc, tb))
        previous(kind, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.error("uncaught exception in thread %s", args.thread, exc_info=args.exc_value)
        previous_thread(args)

    sys.excepthook = hook
    threading.excepthook = thread_hook
