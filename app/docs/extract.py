"""Read documents in a worker process, so a pathological file cannot hang or crash a run.

A :class:`Extractor` keeps a worker process started with multiprocessing's ``spawn`` (a fresh
interpreter that never inherits torch threads; in the frozen app it is the app's own executable,
whose entry point calls ``multiprocessing.freeze_support()``), talking over two pipes; its entry
point is :func:`serve`. Each file
is read by its reader (:mod:`app.docs.readers`) and streamed back unit by unit (page or section,
OCR included); the parent enforces a per-unit and a per-file time budget and kills the worker (then
starts a fresh one) when a file exceeds it. Every outcome is a :class:`DocText` with a plain-words
``error`` when nothing can be indexed: unsupported, empty, damaged, password protected, no text
(a scan without OCR), or too slow.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.docs import readers
from app.docs.readers import ReadError, Unit
from app.i18n import tr, tr_noop


@dataclass
class DocText:
    """Text of one file: ``units[i]`` is unit i+1 (page or section). ``error`` set: nothing to index."""

    path: Path
    kind: str = ""
    units: list[Unit] = field(default_factory=list)
    error: str | None = None

    @property
    def ocr_units(self) -> int:
        return sum(u.ocr for u in self.units)


@functools.cache
def _ocr_engine() -> readers.OcrEngine:
    from app.docs.ocr import RapidOcr

    return RapidOcr()


def _extract(path: str, send: Callable[[tuple[Any, ...]], None], delay: float, ocr: bool) -> None:
    """Worker side: ('kind', k), ('unit', text, label, ocr) per unit, then ('done',), ('error', reason)
    or ('crash', details) (an unexpected exception: the parent words the reason)."""
    import warnings

    warnings.simplefilter("ignore")
    file = Path(path)
    reason = readers.sniff(file)
    reader = readers.reader_for(file)
    if reason or reader is None:
        send(("error", reason or tr("not a supported kind of file")))
        return
    send(("kind", reader.kind))
    try:
        for unit in reader.units(file, _ocr_engine if ocr else None):
            if delay:
                time.sleep(delay)
            send(("unit", unit.text, unit.label, unit.ocr))
        send(("done",))
    except ReadError as exc:
        logging.getLogger(__name__).warning("cannot read %s: %s", path, exc)
        send(("error", str(exc)))
    except Exception as exc:
        logging.getLogger(__name__).warning("cannot read %s", path, exc_info=True)
        # the worker has no translator: the parent words it (("crash", details), see iter_units)
        send(("crash", f"{type(exc).__name__}: {str(exc)[:200]}"))


def serve(paths: Connection, out: Connection, delay: float = 0.0, ocr: bool = True) -> None:
    """Worker process loop: a path per message in, one message per unit out, until ``paths`` closes."""
    from app import logs

    logs.setup("extract-worker")
    while True:
        try:
            path = paths.recv()
        except EOFError:  # the parent closed its end (or died)
            return
        _extract(path, out.send, delay, ocr)


class _Worker:
    """One spawned :func:`serve` process; a reader thread turns its messages into a queue."""

    def __init__(self, delay: float, ocr: bool) -> None:
        ctx = multiprocessing.get_context("spawn")
        paths_in, self._paths = ctx.Pipe(duplex=False)
        self._out, out = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=serve, args=(paths_in, out, delay, ocr), name="hearth-extract")
        self.proc.daemon = True  # never outlives the app
        self.proc.start()
        paths_in.close()  # the child's ends: only the child keeps them open
        out.close()
        self.messages: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._pump, name="hearth-extract-pump", daemon=True).start()

    def _pump(self) -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                self.messages.put(self._out.recv())
        self._out.close()
        self.messages.put(None)  # the process ended

    def alive(self) -> bool:
        return self.proc.is_alive()

    def send(self, path: str) -> None:
        self._paths.send(path)

    def recv(self, timeout: float) -> Any:
        """The next message, None if the process died, raises queue.Empty on timeout."""
        return self.messages.get(timeout=max(timeout, 0.001))

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.join(5)
        self._paths.close()

    def close(self) -> None:
        self._paths.close()  # EOF: the loop ends
        self.proc.join(2)
        self.kill()


WORKER_DIED = tr_noop("the document reader crashed on this file")


class Extractor:
    """Reads documents in one worker process with time budgets. Use as a context manager.

    ``unit_timeout``: seconds without a new page or section before giving up; ``file_timeout``:
    seconds for the whole file; ``ocr``: read pages without a text layer by OCR. ``delay`` slows
    the worker down on purpose (tests of the timeout path only).
    """

    def __init__(
        self, unit_timeout: float = 60.0, file_timeout: float = 600.0, delay: float = 0.0, ocr: bool = True
    ):
        self.unit_timeout = unit_timeout
        self.file_timeout = file_timeout
        self.delay = delay
        self.ocr = ocr
        self._worker: _Worker | None = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def _get_worker(self) -> _Worker:
        if self._worker is None or not self._worker.alive():
            if self._worker is not None:
                self._worker.kill()
            self._worker = _Worker(self.delay, self.ocr)
        return self._worker

    def read(self, path: Path) -> DocText:
        """All units of ``path`` (or an ``error``); never raises for a bad file, never hangs."""
        result = DocText(path=path)
        for _ in self.iter_units(path, result):
            pass
        return result

    def _give_up(self, result: DocText, error: str) -> None:
        if self._worker is not None:
            self._worker.kill()
        self._worker = None
        result.error = error
        result.units = []

    def iter_units(self, path: Path, result: DocText) -> Iterator[int]:
        """Fill ``result.units`` as they arrive, yielding the count so far (for progress)."""
        reason = readers.sniff(path)
        if reason:
            result.error = reason
            return
        worker = self._get_worker()
        try:
            worker.send(os.fspath(path))
        except OSError:
            self._give_up(result, tr("the document reader could not start"))
            return
        start = time.monotonic()
        finished = False
        try:
            while True:
                wait = min(self.unit_timeout, self.file_timeout - (time.monotonic() - start))
                try:
                    msg = worker.recv(wait)
                except queue.Empty:
                    took = f"{time.monotonic() - start:.0f}"
                    self._give_up(
                        result, tr("took too long to read (gave up after {seconds} s)").format(seconds=took)
                    )
                    return
                if msg is None:
                    self._give_up(result, tr(WORKER_DIED))
                    return
                kind = msg[0]
                if kind == "kind":
                    result.kind = str(msg[1])
                elif kind == "unit":
                    result.units.append(Unit(str(msg[1]), str(msg[2]), bool(msg[3])))
                    yield len(result.units)
                elif kind == "done":
                    finished = True
                    break
                else:  # ("error", message) or ("crash", details): the worker is ready for the next file
                    finished = True
                    if kind == "crash":
                        result.error = tr("could not read this file ({details})").format(details=msg[1])
                    else:
                        result.error = str(msg[1])
                    result.units = []
                    return
        finally:
            if not finished and self._worker is worker:  # abandoned mid-file: its units must not leak
                worker.kill()
                self._worker = None
        if not any(u.text.strip() for u in result.units):
            result.error = (
                tr("scanned? no text to index (no page has a text layer)")
                if readers.has_pages(result.kind)
                else tr("no text to index (the document is empty)")
            )
            result.units = []
