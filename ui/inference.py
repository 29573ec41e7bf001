"""The GUI's side of the engine thread (``app.assistant.runner.EngineRunner``).

One Qt-free thread owns the engines; the local API server (when switched on) submits its requests to
the same thread, so one model is in memory and the window's own replies and loads go before waiting
API requests. This controller submits loads and replies and turns what they report into Qt signals on
the GUI thread. The engine thread never calls Qt: it leaves what it reports in a mailbox and wakes the
GUI thread with one byte on a socket pair, which a ``QSocketNotifier`` watches (a cross-thread signal
carrying Python objects can deadlock PySide against a window being destroyed, and has crashed it).
Tokens are batched and posted at most every 100 ms, so the GUI thread wakes 10 times a second
whatever the token rate: each batch costs it 1–2 ms of text layout and painting, and on a 2-core
laptop each millisecond taken from llama.cpp's threads stalls both (they meet at a barrier per
layer): batches every 30 ms cost the reply ~7 % of its speed, every 100 ms ~2 %. Stop goes straight
to the reply (a thread-safe token the engine checks while reading the prompt and between tokens; a
remote reply's socket is shut down). Shutdown is bounded: the reply is stopped and the thread joined
with a timeout; if it is still busy then (loading a model or the embedder), the reply is written
from the GUI thread and the caller is told so, to exit without waiting.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from app.assistant.reply import Finished, Phase, PhaseChanged, Reply, ReplyEvent
from app.assistant.runner import EngineRunner
from app.chat.engine import Engine, LocalEngine
from app.chat.servers import RemoteKey
from app.chat.types import ModelInfo, Token
from app.errors import HearthError, ModelTooLarge
from app.i18n import tr
from app.settings import LoadParams

log = logging.getLogger(__name__)

FLUSH_S = 0.100
SHUTDOWN_WAIT_MS = 1000


class _Mailbox(QObject):
    """Calls made from the engine thread, run on the GUI thread, without the engine thread calling Qt:
    :meth:`post` (any thread) appends ``fn(*args)`` to a queue and, if the GUI thread was not already
    woken, writes one byte to a socket pair; the notifier on the other end drains the queue on the GUI
    thread, running each call in order."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._items: collections.deque[tuple[Callable[..., None], tuple[object, ...]]] = collections.deque()
        self._lock = threading.Lock()
        self._woken = False
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def post(self, fn: Callable[..., None], *args: object) -> None:
        self._items.append((fn, args))
        with self._lock:
            if self._woken:
                return
            self._woken = True
        try:
            self._write.send(b"\0")
        except OSError:  # closed: the window is gone, nothing will read it
            log.debug("engine report after the window closed: %s", getattr(fn, "__name__", fn))

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._read.recv(64)
        with self._lock:
            self._woken = False  # before draining: what is posted from now on wakes us again
        while self._items:
            fn, args = self._items.popleft()
            fn(*args)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        self._write.close()
        self._read.close()


class _ReplySink:
    """Receives a reply's events on the engine thread; batches tokens."""

    def __init__(self, mailbox: _Mailbox, controller: InferenceController, rid: int) -> None:
        self._mailbox = mailbox
        self._controller = controller
        self._rid = rid
        self._batch: list[str] = []
        self._last = time.monotonic()

    def __call__(self, event: ReplyEvent) -> None:
        if isinstance(event, Token):
            self._batch.append(event.text)
            now = time.monotonic()
            if now - self._last >= FLUSH_S:
                self._flush()
                self._last = now
            return
        self._flush()
        self._mailbox.post(self._controller._on_event, self._rid, event)

    def _flush(self) -> None:
        if self._batch:
            self._mailbox.post(self._controller._on_text, self._rid, "".join(self._batch))
            self._batch.clear()


class InferenceController(QObject):
    """GUI-thread facade: load models, start and stop replies (one at a time), receive their events."""

    model_loading = Signal(str)
    model_loaded = Signal(object)  # ModelInfo
    model_failed = Signal(str, bool)  # message, may override
    reply_text = Signal(object, str)  # reply, tokens batched by the sink
    reply_event = Signal(object, object)  # reply, PhaseChanged / PromptProgress / Notice / SourcesFound
    reply_finished = Signal(object, object)  # reply, Finished

    def __init__(
        self,
        engine_factory: Callable[[], Engine] = LocalEngine,
        parent: QObject | None = None,
        remote_factory: Callable[[RemoteKey], Engine] | None = None,
    ) -> None:
        super().__init__(parent)
        self._mailbox = _Mailbox(self)
        self.runner = EngineRunner(engine_factory, remote_factory)
        self.reply: Reply | None = None  # the window's reply being generated
        self._rid = 0  # its request id in what the engine thread posts
        self.model_info: ModelInfo | None = None
        self._loads = 0  # load jobs submitted and not yet done

    @property
    def busy(self) -> bool:
        return self.reply is not None

    @property
    def loading(self) -> bool:
        return self._loads > 0

    def load(self, path: Path, params: LoadParams) -> None:
        self.stop()
        self._loads += 1
        self.model_loading.emit(Path(path).name)
        post, loaded, failed = self._mailbox.post, self._on_loaded, self._on_load_failed

        def work(runner: EngineRunner) -> None:
            try:
                post(loaded, cast(LocalEngine, runner.engine()).load(Path(path), params))
            except ModelTooLarge as exc:
                post(failed, str(exc), True)
            except HearthError as exc:
                post(failed, str(exc), False)
            except Exception as exc:
                log.exception("model load failed")
                post(failed, tr("Could not load the model: {error}").format(error=exc), False)

        self.runner.submit(work)

    def start(self, reply: Reply, remote: RemoteKey | None = None) -> None:
        """Run ``reply`` on the local model, or on the remote model ``remote`` (server name, model)."""
        if self.reply is not None:
            raise RuntimeError("a reply is already being generated")
        self.reply = reply
        self._rid += 1
        if self.runner.busy:  # a load, or an API request being answered (the window's own go first)
            self.reply_event.emit(
                reply, PhaseChanged(Phase.IDLE, tr("Waiting for the model to finish what it is doing…"))
            )
        self.runner.submit_reply(reply, _ReplySink(self._mailbox, self, self._rid), remote=remote)

    def stop(self, as_phase: Phase = Phase.STOPPED) -> None:
        if self.reply is not None:
            self.reply.stop(as_phase)

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Stop everything and end the engine thread within ``timeout_ms``. False if it is still busy
        (a model or the embedder loading): the reply was written from here, and the process should
        exit without waiting for the thread."""
        self.stop(Phase.INTERRUPTED)
        stopped = self.runner.shutdown(timeout_ms / 1000)
        self._mailbox.close()
        return stopped

    def _on_loaded(self, info: ModelInfo) -> None:
        self._loads -= 1
        self.model_info = info
        self.model_loaded.emit(info)

    def _on_load_failed(self, message: str, may_override: bool) -> None:
        self._loads -= 1
        self.model_info = None
        self.model_failed.emit(message, may_override)

    def _on_text(self, rid: int, text: str) -> None:
        if rid == self._rid and self.reply is not None:
            self.reply_text.emit(self.reply, text)

    def _on_event(self, rid: int, event: object) -> None:
        reply = self.reply
        if rid != self._rid or reply is None:
            return
        if isinstance(event, Finished):
            self.reply = None
            self.reply_finished.emit(reply, event)
        else:
            self.reply_event.emit(reply, event)
