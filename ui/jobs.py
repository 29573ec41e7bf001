"""Pooled background jobs with one signal vocabulary: progress, result, failed, cancelled, finished.

A job runs ``fn(cancel)`` on ``QThreadPool``. If ``fn`` returns a generator, every yielded item is
sent as ``progress`` and the generator's return value becomes ``result``; otherwise the return
value is the ``result``. :class:`HearthError` becomes ``failed(message)``; any other exception
becomes ``failed`` with a plain sentence and its traceback is logged. ``finished`` always comes
last. Signals are queued to the receivers' (GUI) thread; the slots only paint.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.cancel import Cancelled, CancelToken
from app.errors import HearthError

log = logging.getLogger(__name__)

_running: set[Job] = set()  # keeps jobs (and their signal objects) alive until finished


class JobSignals(QObject):
    progress = Signal(object)
    result = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Job(QRunnable):
    def __init__(self, fn: Callable[[CancelToken], Any], name: str = "job") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.name = name
        self.cancel_token = CancelToken()
        self.signals = JobSignals()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> None:
        s = self.signals
        try:
            out = self.fn(self.cancel_token)
            if inspect.isgenerator(out):
                try:
                    while True:
                        s.progress.emit(next(out))
                except StopIteration as stop:
                    out = stop.value
            s.result.emit(out)
        except Cancelled:
            s.cancelled.emit()
        except HearthError as exc:
            s.failed.emit(str(exc))
        except Exception as exc:
            log.exception("%s failed", self.name)
            s.failed.emit(f"{self.name} failed unexpectedly: {exc}")
        finally:
            s.finished.emit()


def start(job: Job, pool: QThreadPool | None = None) -> Job:
    """Run ``job`` on the pool (global by default); it is kept alive until ``finished``."""
    _running.add(job)
    job.signals.finished.connect(lambda: _running.discard(job))
    (pool or QThreadPool.globalInstance()).start(job)
    return job


def running() -> set[Job]:
    return set(_running)
