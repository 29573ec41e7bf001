"""The inference worker: one long-lived QObject on its own QThread owns the engine (the Llama).

Load, replies (``app.assistant.reply.Reply.run``), unload and close all run on that thread; requests
arrive as queued signals. The worker batches tokens and sends them at most every ~30 ms, so the GUI
thread wakes ~33 times a second whatever the token rate, and painting does not steal time from
generation. Stop goes straight to the reply (a thread-safe token the engine checks while reading the
prompt and between tokens). Shutdown is bounded: stop → quit() → wait(timeout); if the worker is
still busy then (loading a model or the embedder), the reply is written from the GUI thread and the
caller is told so, to exit without waiting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.assistant.reply import Finished, Phase, Reply
from app.chat.engine import Engine, LocalEngine
from app.chat.types import ModelInfo, Token
from app.errors import HearthError, ModelTooLarge
from app.settings import LoadParams

log = logging.getLogger(__name__)

FLUSH_S = 0.030
SHUTDOWN_WAIT_MS = 1000


class InferenceWorker(QObject):
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str, bool)  # message, may override (too large)
    # replies are named by a request id in these signals: PySide6 6.12 has crashed ("deallocating
    # None") delivering queued signals that carry a Python object 30 times a second
    text = Signal(int, str)  # request id, tokens batched over ~30 ms
    reply_event = Signal(int, object)  # request id, any other event (phases, progress, notices, end)

    def __init__(self, engine_factory: Callable[[], Engine]) -> None:
        super().__init__()
        self._engine_factory = engine_factory
        self._engine: Engine | None = None

    def _get_engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._engine_factory()
        return self._engine

    @Slot(object, object)
    def load(self, path: Path, params: LoadParams) -> None:
        try:
            self.loaded.emit(self._get_engine().load(path, params))
        except ModelTooLarge as exc:
            self.load_failed.emit(str(exc), True)
        except HearthError as exc:
            self.load_failed.emit(str(exc), False)
        except Exception as exc:
            log.exception("model load failed")
            self.load_failed.emit(f"Could not load the model: {exc}", False)

    @Slot(int, object)
    def run(self, rid: int, reply: Reply) -> None:
        batch: list[str] = []
        last = time.monotonic()
        for event in reply.run(self._get_engine()):  # never raises: failures end as Finished
            if isinstance(event, Token):
                batch.append(event.text)
                now = time.monotonic()
                if now - last >= FLUSH_S:
                    self.text.emit(rid, "".join(batch))
                    batch.clear()
                    last = now
                continue
            if batch:
                self.text.emit(rid, "".join(batch))
                batch.clear()
            self.reply_event.emit(rid, event)

    @Slot()
    def close(self) -> None:
        if self._engine is not None:
            self._engine.unload()
            self._engine = None


class InferenceController(QObject):
    """GUI-thread facade: load models, start and stop replies (one at a time), receive their events."""

    model_loading = Signal(str)
    model_loaded = Signal(object)  # ModelInfo
    model_failed = Signal(str, bool)  # message, may override
    reply_text = Signal(object, str)  # reply, tokens batched by the worker
    reply_event = Signal(object, object)  # reply, PhaseChanged / PromptProgress / Notice / SourcesFound
    reply_finished = Signal(object, object)  # reply, Finished

    _load = Signal(object, object)
    _run = Signal(int, object)

    def __init__(
        self, engine_factory: Callable[[], Engine] = LocalEngine, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("inference")
        self._worker = InferenceWorker(engine_factory)
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.close)  # runs on the worker thread, last
        self._load.connect(self._worker.load)
        self._run.connect(self._worker.run)
        self._worker.loaded.connect(self._on_loaded)
        self._worker.load_failed.connect(self._on_load_failed)
        self._worker.text.connect(self._on_text)
        self._worker.reply_event.connect(self._on_event)
        self.reply: Reply | None = None  # the reply being generated
        self._rid = 0  # its request id in the worker's signals
        self.model_info: ModelInfo | None = None
        self.loading = False
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self.reply is not None

    def load(self, path: Path, params: LoadParams) -> None:
        self.stop()
        self.loading = True
        self.model_loading.emit(Path(path).name)
        self._load.emit(Path(path), params)

    def start(self, reply: Reply) -> None:
        if self.reply is not None:
            raise RuntimeError("a reply is already being generated")
        self.reply = reply
        self._rid += 1
        self._run.emit(self._rid, reply)

    def stop(self, as_phase: Phase = Phase.STOPPED) -> None:
        if self.reply is not None:
            self.reply.stop(as_phase)

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Stop everything and end the worker thread within ``timeout_ms``. False if it is still busy
        (a model or the embedder loading): the reply was written from here, and the process should
        exit without waiting for the thread."""
        self.stop(Phase.INTERRUPTED)
        self._thread.quit()
        if self._thread.wait(timeout_ms):
            return True
        if self.reply is not None:
            self.reply.abandon(Phase.INTERRUPTED)
        log.warning("the inference thread did not stop within %d ms; exiting without it", timeout_ms)
        return False

    @Slot(object)
    def _on_loaded(self, info: ModelInfo) -> None:
        self.loading = False
        self.model_info = info
        self.model_loaded.emit(info)

    @Slot(str, bool)
    def _on_load_failed(self, message: str, may_override: bool) -> None:
        self.loading = False
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
