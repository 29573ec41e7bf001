"""The GUI's side of the engine thread (``app.assistant.runner.EngineRunner``).

One Qt-free thread owns the engines; the local API server (when switched on) submits its requests to
the same thread, so one model is in memory and the window's own replies and loads go before waiting
API requests. This controller submits loads and replies and turns what they report into Qt signals
(emitted from the engine thread, delivered queued on the GUI thread). Tokens are batched and sent at
most every ~30 ms, so the GUI thread wakes ~33 times a second whatever the token rate. Stop goes
straight to the reply (a thread-safe token the engine checks while reading the prompt and between
tokens; a remote reply's socket is shut down). Shutdown is bounded: the reply is stopped and the
thread joined with a timeout; if it is still busy then (loading a model or the embedder), the reply
is written from the GUI thread and the caller is told so, to exit without waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, Signal, Slot

from app.assistant.reply import Finished, Phase, PhaseChanged, Reply, ReplyEvent
from app.assistant.runner import EngineRunner
from app.chat.engine import Engine, LocalEngine
from app.chat.servers import RemoteKey
from app.chat.types import ModelInfo, Token
from app.errors import HearthError, ModelTooLarge
from app.settings import LoadParams

log = logging.getLogger(__name__)

FLUSH_S = 0.030
SHUTDOWN_WAIT_MS = 1000


class _Bridge(QObject):
    """Signals emitted on the engine thread; the controller (GUI thread) receives them queued."""

    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str, bool)  # message, may override (too large)
    # replies are named by a request id in these signals: PySide6 6.12 has crashed ("deallocating
    # None") delivering queued signals that carry a Python object 30 times a second
    text = Signal(int, str)  # request id, tokens batched over ~30 ms
    reply_event = Signal(int, object)  # request id, any other event (phases, progress, notices, end)


class _ReplySink:
    """Receives a reply's events on the engine thread; batches tokens."""

    def __init__(self, bridge: _Bridge, rid: int) -> None:
        self._bridge = bridge
        self._rid = rid
        self._batch: list[str] = []
        self._last = time.monotonic()

    def __call__(self, event: ReplyEvent) -> None:
        try:
            self._send(event)
        except RuntimeError:  # the window (and its bridge) closed while the reply was ending
            log.debug("reply event after the window closed: %s", type(event).__name__)

    def _send(self, event: ReplyEvent) -> None:
        if isinstance(event, Token):
            self._batch.append(event.text)
            now = time.monotonic()
            if now - self._last >= FLUSH_S:
                self._flush()
                self._last = now
            return
        self._flush()
        self._bridge.reply_event.emit(self._rid, event)

    def _flush(self) -> None:
        if self._batch:
            self._bridge.text.emit(self._rid, "".join(self._batch))
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
        self._bridge = _Bridge(self)
        self._bridge.loaded.connect(self._on_loaded)
        self._bridge.load_failed.connect(self._on_load_failed)
        self._bridge.text.connect(self._on_text)
        self._bridge.reply_event.connect(self._on_event)
        self.runner = EngineRunner(engine_factory, remote_factory)
        self.reply: Reply | None = None  # the window's reply being generated
        self._rid = 0  # its request id in the bridge's signals
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
        bridge = self._bridge

        def work(runner: EngineRunner) -> None:
            try:
                bridge.loaded.emit(cast(LocalEngine, runner.engine()).load(Path(path), params))
            except ModelTooLarge as exc:
                bridge.load_failed.emit(str(exc), True)
            except HearthError as exc:
                bridge.load_failed.emit(str(exc), False)
            except Exception as exc:
                log.exception("model load failed")
                bridge.load_failed.emit(f"Could not load the model: {exc}", False)

        self.runner.submit(work)

    def start(self, reply: Reply, remote: RemoteKey | None = None) -> None:
        """Run ``reply`` on the local model, or on the remote model ``remote`` (server name, model)."""
        if self.reply is not None:
            raise RuntimeError("a reply is already being generated")
        self.reply = reply
        self._rid += 1
        if self.runner.busy:  # a load, or an API request being answered (the window's own go first)
            self.reply_event.emit(
                reply, PhaseChanged(Phase.IDLE, "Waiting for the model to finish what it is doing…")
            )
        self.runner.submit_reply(reply, _ReplySink(self._bridge, self._rid), remote=remote)

    def stop(self, as_phase: Phase = Phase.STOPPED) -> None:
        if self.reply is not None:
            self.reply.stop(as_phase)

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Stop everything and end the engine thread within ``timeout_ms``. False if it is still busy
        (a model or the embedder loading): the reply was written from here, and the process should
        exit without waiting for the thread."""
        self.stop(Phase.INTERRUPTED)
        return self.runner.shutdown(timeout_ms / 1000)

    @Slot(object)
    def _on_loaded(self, info: ModelInfo) -> None:
        self._loads -= 1
        self.model_info = info
        self.model_loaded.emit(info)

    @Slot(str, bool)
    def _on_load_failed(self, message: str, may_override: bool) -> None:
        self._loads -= 1
        self.model_info = None
        self.model_failed.emit(message, may_override)

    @Slot(int, str)
    def _on_text(self, rid: int, text: str) -> None:
        if rid == self._rid and self.reply is not None:
            self.reply_text.emit(self.reply, text)

    @Slot(int, object)
    def _on_event(self, rid: int, event: object) -> None:
        reply = self.reply
        if rid != self._rid or reply is None:
            return
        if isinstance(event, Finished):
            self.reply = None
            self.reply_finished.emit(reply, event)
        else:
            self.reply_event.emit(reply, event)
