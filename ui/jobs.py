"""Background work for the GUI: one way to run a job, two pools, and late answers dropped.

``jobs.run(fn, owner, name, kind=..., key=..., on_progress=..., on_result=..., on_failed=...,
on_cancelled=..., on_finished=...)`` runs ``fn(cancel)`` on a pool thread. If ``fn`` returns a
generator, every yielded item is a progress report and its return value the result. The callbacks
run in the GUI thread, and only while ``owner`` (a QObject) is alive; they only paint.

* Pools: ``"interactive"`` (searches, listings, page views: short) and ``"long"`` (downloads,
  indexing, folder watchers: they hold a thread for minutes or sleep in it), so a download and an
  indexing run never keep a citation click or a search waiting.
* ``key``: a newer job with the same key and owner replaces the older one (request ids): the older
  is cancelled and its late progress, result or failure are dropped.
* Start-up: :func:`hold_until_painted` keeps jobs waiting until the window has painted its first
  frame (the model load, the document listing and the machine survey would otherwise compete with
  building and painting it for the GIL on a 2-core laptop).
* Failures: :class:`HearthError` gives its plain message; any other exception a plain sentence, its
  traceback logged. Either is shown through the message bridge (and kept in the log), then
  ``on_failed`` runs. ``on_finished`` comes last, always; ``job.done`` is then True.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import weakref
from collections.abc import Callable
from typing import Any, Literal

import shiboken6
from PySide6.QtCore import QEvent, QObject, QThread, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.cancel import Cancelled, CancelToken
from app.errors import HearthError
from app.i18n import tr

log = logging.getLogger(__name__)
Kind = Literal["interactive", "long"]
Callback = Callable[..., Any] | None

_pools: dict[str, QThreadPool] = {}
_running: set[Job] = set()  # keeps jobs (and their signal objects) alive until finished
_latest: weakref.WeakKeyDictionary[QObject, dict[str, Job]] = weakref.WeakKeyDictionary()
_ids = itertools.count(1)
_held: list[Callable[[], None]] | None = None  # job starts waiting for a window's first frame
HOLD_AT_MOST_MS = 1000  # a window that is never shown does not hold jobs for ever


def pool(kind: Kind) -> QThreadPool:
    """The pool for ``kind`` (created on first use)."""
    if kind not in _pools:
        p = QThreadPool()
        # interactive: one per core (at least 2); long: few at a time, mostly waiting on I/O or asleep
        p.setMaxThreadCount(max(2, QThread.idealThreadCount()) if kind == "interactive" else 32)
        _pools[kind] = p
    return _pools[kind]


class JobSignals(QObject):
    progress = Signal(object)
    result = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Job:
    """One piece of background work. A plain object: the pool runs its bound ``run`` (no C++
    runnable to be freed while a pool thread still returns from it)."""

    def __init__(self, fn: Callable[[CancelToken], Any], name: str, owner: QObject, key: str | None) -> None:
        self.fn, self.name, self.key, self.id = fn, name, key, next(_ids)
        self.owner = weakref.ref(owner)
        self.cancel_token = CancelToken()
        self.signals = JobSignals()  # lives in the GUI thread: what it emits is queued there
        self.superseded = False  # a newer job with the same key replaced this one
        self.done = False  # set in the GUI thread once every callback has run
        self.callbacks: _Callbacks | None = None

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
            s.failed.emit(tr("{task} failed unexpectedly: {error}").format(task=self.name, error=exc))
        finally:
            s.finished.emit()


class _Callbacks:
    """Calls one job's callbacks (in the GUI thread), only while the job is current and its owner alive."""

    def __init__(self, job: Job, callbacks: dict[str, Callback]) -> None:
        self.job, self.cb = job, callbacks
        s = job.signals
        s.progress.connect(self._progress)
        s.result.connect(self._result)
        s.failed.connect(self._failed)
        s.cancelled.connect(self._cancelled)
        s.finished.connect(self._finished)

    def _live(self) -> bool:
        owner = self.job.owner()
        return not self.job.superseded and owner is not None and shiboken6.isValid(owner)

    def _call(self, name: str, *args: Any) -> None:
        fn = self.cb.get(name)
        if fn is not None and self._live():
            fn(*args)

    def _progress(self, value: Any) -> None:
        self._call("on_progress", value)

    def _result(self, value: Any) -> None:
        self._call("on_result", value)

    def _failed(self, text: str) -> None:
        if self._live():
            from ui import messages

            messages.bridge().show_error(text)
        self._call("on_failed", text)

    def _cancelled(self) -> None:
        self._call("on_cancelled")

    def _finished(self) -> None:
        try:
            self._call("on_finished")
        finally:
            job = self.job
            job.done = True
            _running.discard(job)
            owner = job.owner()
            latest = _latest.get(owner) if owner is not None else None
            if latest and job.key is not None and latest.get(job.key) is job:
                del latest[job.key]  # (it is kept only to be superseded)
            self.cb = {}  # the callbacks hold the owner: a finished job must not keep it alive


def run(
    fn: Callable[[CancelToken], Any],
    owner: QObject,
    name: str,
    kind: Kind = "interactive",
    key: str | None = None,
    on_progress: Callback = None,
    on_result: Callback = None,
    on_failed: Callback = None,
    on_cancelled: Callback = None,
    on_finished: Callback = None,
) -> Job:
    """Start ``fn`` on the ``kind`` pool on behalf of ``owner`` (see the module docstring)."""
    job = Job(fn, name, owner, key)
    if key is not None:
        latest = _latest.setdefault(owner, {})
        older = latest.get(key)
        if older is not None and not older.done:
            older.superseded = True
            older.cancel()
        latest[key] = job
    callbacks = {"on_progress": on_progress, "on_result": on_result, "on_failed": on_failed,
                 "on_cancelled": on_cancelled, "on_finished": on_finished}  # fmt: skip
    job.callbacks = _Callbacks(job, callbacks)
    _running.add(job)
    if _held is not None:
        _held.append(lambda: pool(kind).start(job.run))
    else:
        pool(kind).start(job.run)
    return job


class _FirstPaint(QObject):
    """Calls :func:`release`, then ``then``, once ``window`` has painted (or after HOLD_AT_MOST_MS)."""

    def __init__(self, window: QWidget, then: tuple[Callable[[], None], ...]) -> None:
        super().__init__(window)
        self._window, self._then = window, then
        self._done = done = [False]
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        QTimer.singleShot(HOLD_AT_MOST_MS, self, self._release)  # (not called once the window is gone)
        self.destroyed.connect(lambda: None if done[0] else release())  # gone before its first frame

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is self._window:
            QTimer.singleShot(0, self, self._release)  # once this paint event has been handled
        return False

    def _release(self) -> None:
        if self._done[0]:
            return
        self._done[0] = True
        QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
        release()
        for fn in self._then:
            fn()


def hold_until_painted(window: QWidget, *then: Callable[[], None]) -> None:
    """Start no job until ``window`` has painted its first frame; then start them and call ``then``.
    A window destroyed before that releases them (a closing window may call :func:`release` sooner)."""
    global _held
    if _held is None:
        _held = []
    _FirstPaint(window, then)


def release() -> None:
    """Start the jobs held by :func:`hold_until_painted` (and start new ones at once from now on)."""
    global _held
    held, _held = _held or [], None
    for start in held:
        start()


def running(owner: QObject | None = None) -> list[Job]:
    """Jobs not finished yet (of ``owner`` only, if given)."""
    return [j for j in _running if owner is None or j.owner() is owner]


def cancel_all(owner: QObject) -> None:
    """Cancel every running job of ``owner`` (e.g. when its window closes)."""
    for job in running(owner):
        job.cancel()


def wait(msecs: int) -> bool:
    """Block until both pools are idle (shutdown, tests); False if ``msecs`` ran out first."""
    return all(p.waitForDone(msecs) for p in list(_pools.values()))
