"""Files holding the user's data (settings, the model library, watched folders): never lost, never mixed.

* :func:`read_json`: the parsed JSON object, or None when there is no file. A file that cannot be
  read or parsed is never overwritten: it is moved aside to ``<name>.bad-<YYYYmmdd-HHMMSS>``, the
  user is told once, and the caller carries on with its defaults.
* :func:`locked`: a cross-process lock (``<name>.lock``), so the GUI and a CLI command writing the
  same file never lose each other's updates; :func:`update` is read-modify-write under it.
* Notices (a file kept aside) wait until a front end says how to show them (:func:`set_reporter`):
  the GUI through its message bridge, the CLI as one line on stderr. Each is shown once.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from app import atomic
from app.errors import HearthError
from app.i18n import tr

log = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.Lock()
_pending: list[str] = []
_reporter: Callable[[str], None] | None = None


def set_reporter(reporter: Callable[[str], None] | None) -> None:
    """Show notices with ``reporter`` from now on (any waiting ones first); None: queue them again."""
    global _reporter
    with _lock:
        _reporter = reporter
        waiting = list(_pending) if reporter else []
        if reporter:
            _pending.clear()
    for text in waiting:
        reporter(text)  # type: ignore[misc]


def notify(text: str) -> None:
    """Tell the user ``text`` once (logged as a warning as well)."""
    from app.logs import SHOWN

    log.warning("%s", text, extra=SHOWN)
    with _lock:
        reporter = _reporter
        if reporter is None:
            _pending.append(text)
    if reporter is not None:
        reporter(text)


def _bad_name(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    bad = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while bad.exists():
        bad = path.with_name(f"{path.name}.bad-{stamp}-{n}")
        n += 1
    return bad


def set_aside(path: Path, what: str, reason: str, fallback: str) -> Path | None:
    """Move an unusable ``path`` to ``<name>.bad-<time>`` and tell the user; returns the new name."""
    bad = _bad_name(path)
    try:
        os.replace(path, bad)
    except OSError as exc:
        text = tr(
            "{what} ({path}) could not be read ({reason}) nor moved aside ({error}); "
            "Hearth uses {fallback} and will not write to it."
        )
        notify(text.format(what=what, path=path, reason=reason, error=exc.strerror or exc, fallback=fallback))
        return None
    text = tr(
        "{what} ({name}) could not be read ({reason}). It was kept as {bad} in {folder}; "
        "Hearth continues with {fallback}."
    )
    notify(
        text.format(
            what=what, name=path.name, reason=reason, bad=bad.name, folder=path.parent, fallback=fallback
        )
    )
    return bad


def keep_copy(path: Path, what: str, reason: str) -> None:
    """Copy ``path`` to ``<name>.bad-<time>`` (once per distinct content) and tell the user why."""
    try:
        data = path.read_bytes()
        if any(b.read_bytes() == data for b in path.parent.glob(f"{path.name}.bad-*") if b.is_file()):
            return  # this very file was kept and reported before
        bad = _bad_name(path)
        shutil.copy2(path, bad)
    except OSError as exc:
        log.warning("could not keep a copy of %s: %s", path, exc)
        return
    notify(
        tr("{what} ({name}): {reason}. A copy of the file was kept as {bad}.").format(
            what=what, name=path.name, reason=reason, bad=bad.name
        )
    )


def read_json(path: Path, what: str, fallback: str) -> dict[str, Any] | None:
    """The JSON object in ``path``; None if there is none (missing, or damaged and now set aside)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        set_aside(path, what, reason, fallback)
        return None
    if not isinstance(data, dict):
        set_aside(
            path, what, tr("expected a JSON object, found {type}").format(type=type(data).__name__), fallback
        )
        return None
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic.write_text(path, json.dumps(data, indent=2, ensure_ascii=False))


def update(path: Path, what: str, fallback: str, change: Callable[[dict[str, Any]], T]) -> T:
    """Apply ``change`` to the file's object (``{}`` if none) and save it, all under :func:`locked`."""
    with locked(path):
        data = read_json(path, what, fallback) or {}
        out = change(data)
        write_json(path, data)
        return out


@contextmanager
def locked(path: Path, busy: str | None = None) -> Iterator[None]:
    """Hold the cross-process lock of ``path``. With ``busy``, do not wait: raise HearthError(busy)."""
    lock = path.with_name(path.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+b") as fh:
        try:
            _acquire(fh, wait=busy is None)
        except BlockingIOError as exc:
            raise HearthError(busy or tr("busy")) from exc
        try:
            yield
        finally:
            _release(fh)


if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _acquire(fh: IO[bytes], wait: bool) -> None:
        fh.seek(0)
        while True:
            try:
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError as exc:
                if not wait:
                    raise BlockingIOError(str(exc)) from exc
                time.sleep(0.05)

    def _release(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _acquire(fh: IO[bytes], wait: bool) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))

    def _release(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
