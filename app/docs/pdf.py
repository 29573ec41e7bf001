"""PDF text per page with pypdf, in worker processes so a pathological file cannot hang a run.

A :class:`PdfExtractor` keeps a worker process: a plain ``python -c`` child (it never inherits
torch threads nor re-imports ``__main__``) speaking JSON lines. Each file is streamed back page by
page; the parent enforces a per-page and a per-file time budget and kills the worker (then starts a
fresh one) when a file exceeds it. Every outcome is a :class:`PdfText` with a plain-words ``error``
when nothing can be indexed: not a PDF, empty, damaged, password protected, no text layer
(scanned), or too slow.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PDF_MAGIC = b"%PDF-"


@dataclass
class PdfText:
    """Text of one file: ``pages[i]`` is page i+1. ``error`` set means nothing to index."""

    path: Path
    pages: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)


def sniff(path: Path) -> str | None:
    """A plain-words reason why ``path`` cannot be a readable PDF, or None if it might be one."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        return f"cannot read the file ({exc.strerror or exc})"
    if size == 0:
        return "empty file (0 bytes)"
    if PDF_MAGIC not in head:
        return "not a PDF (the file does not start with a PDF header)"
    return None


def _extract(path: str, send: Callable[[tuple[Any, ...]], None], page_delay: float) -> None:
    """Worker side: send ('pages', n) then ('page', text) per page, then ('done',) or ('error', msg)."""
    import logging
    import warnings

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            ok: object = 0
            with contextlib.suppress(Exception):
                ok = reader.decrypt("")
            if not ok:
                send(("error", "password protected (cannot open without its password)"))
                return
        pages = reader.pages
        send(("pages", len(pages)))
        for page in pages:
            if page_delay:
                time.sleep(page_delay)
            try:
                text = page.extract_text() or ""
            except (FileNotDecryptedError, PdfReadError):
                raise
            except Exception:
                text = ""  # one unreadable page should not lose the rest of the file
            send(("page", text))
        send(("done",))
    except FileNotDecryptedError:
        send(("error", "password protected (cannot open without its password)"))
    except DependencyError:
        send(("error", "encrypted with AES: reading it needs the 'cryptography' package"))
    except Exception as exc:
        logging.getLogger(__name__).warning("cannot read %s", path, exc_info=True)
        send(("error", f"damaged PDF ({type(exc).__name__}: {str(exc)[:200]})"))


def serve(page_delay: float = 0.0) -> None:
    """Worker process loop: a path per stdin line in, JSON messages per stdout line out."""
    from app import logs

    logs.setup("pdf-worker")
    out = sys.stdout
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol

    def send(msg: tuple[Any, ...]) -> None:
        out.write(json.dumps(msg) + "\n")
        out.flush()

    for line in sys.stdin:
        if line.strip():
            _extract(json.loads(line), send, page_delay)


class _Worker:
    """One ``python -c 'serve()'`` process; a reader thread turns its stdout into a queue."""

    def __init__(self, page_delay: float) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from app.docs.pdf import serve; serve({page_delay!r})"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self.messages: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._pump, name="hearth-pdf-pump", daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with contextlib.suppress(ValueError):
                self.messages.put(json.loads(line))
        self.messages.put(None)  # the process ended

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, path: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(path) + "\n")
        self.proc.stdin.flush()

    def recv(self, timeout: float) -> Any:
        """The next message, None if the process died, raises queue.Empty on timeout."""
        return self.messages.get(timeout=max(timeout, 0.001))

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # EOF: the loop ends
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(2)
        self.kill()


class PdfExtractor:
    """Reads PDFs in one worker process with time budgets. Use as a context manager.

    ``page_timeout``: seconds without a new page before giving up; ``file_timeout``: seconds for the
    whole file. ``page_delay`` slows the worker down on purpose (tests of the timeout path only).
    """

    def __init__(self, page_timeout: float = 30.0, file_timeout: float = 600.0, page_delay: float = 0.0):
        self.page_timeout = page_timeout
        self.file_timeout = file_timeout
        self.page_delay = page_delay
        self._worker: _Worker | None = None

    def __enter__(self) -> PdfExtractor:
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
            self._worker = _Worker(self.page_delay)
        return self._worker

    def read(self, path: Path) -> PdfText:
        """All pages of ``path`` (or an ``error``); never raises for a bad file, never hangs."""
        result = PdfText(path=path)
        for _ in self.iter_pages(path, result):
            pass
        return result

    def iter_pages(self, path: Path, result: PdfText) -> Iterator[int]:
        """Fill ``result.pages`` as pages arrive, yielding the page count so far (for progress)."""
        reason = sniff(path)
        if reason:
            result.error = reason
            return
        worker = self._get_worker()
        try:
            worker.send(os.fspath(path))
        except OSError:
            worker.kill()
            self._worker = None
            result.error = "the PDF reader could not start"
            return
        start = time.monotonic()
        total: int | None = None
        finished = False
        try:
            while True:
                wait = min(self.page_timeout, self.file_timeout - (time.monotonic() - start))
                try:
                    msg = worker.recv(wait)
                except queue.Empty:
                    worker.kill()
                    self._worker = None
                    result.error = f"took too long to read (gave up after {time.monotonic() - start:.0f} s)"
                    result.pages = []
                    return
                if msg is None:
                    worker.kill()
                    self._worker = None
                    result.error = "the PDF reader crashed on this file"
                    result.pages = []
                    return
                kind = msg[0]
                if kind == "pages":
                    total = int(msg[1])
                elif kind == "page":
                    result.pages.append(str(msg[1]))
                    yield len(result.pages)
                elif kind == "done":
                    finished = True
                    break
                else:  # ("error", message): the worker is ready for the next file
                    finished = True
                    result.error = str(msg[1])
                    result.pages = []
                    return
        finally:
            if not finished and self._worker is worker:  # abandoned mid-file: its pages must not leak
                worker.kill()
                self._worker = None
        if total == 0:
            result.error = "the PDF has no pages"
        elif not any(p.strip() for p in result.pages):
            result.error = "scanned? no text to index (no page has a text layer)"
            result.pages = []
