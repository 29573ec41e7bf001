"""The inference worker: one long-lived QObject on its own QThread owns the engine (the Llama).

Load, generate, unload and close all run on that thread; requests arrive as queued signals. The
worker batches tokens and sends them at most every ~30 ms, so the GUI thread wakes ~33 times a
second whatever the token rate, and painting does not steal time from generation. Stopping sets a
thread-safe cancel token that the engine checks between tokens. Shutdown: cancel → quit() → wait();
the model is closed on the worker thread as it finishes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.assistant.grounding import ground
from app.cancel import CancelToken
from app.chat.engine import Engine, LocalEngine
from app.chat.types import ChatMessage, Stats, Token
from app.errors import HearthError, ModelTooLarge
from app.settings import DocsSettings, LoadParams, SamplingParams

log = logging.getLogger(__name__)

FLUSH_S = 0.030


@dataclass(frozen=True)
class Grounding:
    """Answer from these document libraries (retrieval runs on the worker thread)."""

    libraries: tuple[str, ...]
    settings: DocsSettings


class InferenceWorker(QObject):
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str, bool)  # message, may override (too large)
    text = Signal(int, str)  # request id, tokens batched over ~30 ms
    notice = Signal(int, str)
    sources = Signal(int, list)  # request id, passages the reply may cite
    done = Signal(int, object)  # request id, Stats
    failed = Signal(int, str)

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

    @Slot(int, object, object, object, object)
    def generate(
        self,
        rid: int,
        messages: Sequence[ChatMessage],
        params: SamplingParams,
        cancel: CancelToken,
        grounding: Grounding | None,
    ) -> None:
        batch: list[str] = []
        last = time.monotonic()
        try:
            engine = self._get_engine()
            if grounding is not None and grounding.libraries and engine.info is not None:
                grounded = ground(
                    messages,
                    grounding.libraries,
                    engine.info.n_ctx,
                    params.max_tokens,
                    engine.count_tokens,
                    grounding.settings,
                )
                messages = grounded.messages
                self.sources.emit(rid, grounded.sources)
            for event in engine.stream(messages, params, cancel):
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
                if isinstance(event, Stats):
                    self.done.emit(rid, event)
                else:
                    self.notice.emit(rid, event.text)
        except HearthError as exc:
            self.failed.emit(rid, str(exc))
        except Exception as exc:
            log.exception("generation failed")
            self.failed.emit(rid, f"Generation failed: {exc}")

    @Slot()
    def close(self) -> None:
        if self._engine is not None:
            self._engine.unload()
            self._engine = None


class InferenceController(QObject):
    """GUI-thread facade: start/stop requests, receive batched text. One reply at a time."""

    model_loading = Signal(str)
    model_loaded = Signal(object)  # ModelInfo
    model_failed = Signal(str, bool)  # message, may override
    reply_text = Signal(str)  # tokens, batched by the worker
    reply_notice = Signal(str)
    reply_sources = Signal(list)
    reply_done = Signal(object)  # Stats
    reply_failed = Signal(str)

    _load = Signal(object, object)
    _generate = Signal(int, object, object, object, object)

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
        self._generate.connect(self._worker.generate)
        self._worker.loaded.connect(self._on_loaded)
        self._worker.load_failed.connect(self._on_load_failed)
        self._worker.text.connect(self._on_text)
        self._worker.notice.connect(self._on_notice)
        self._worker.sources.connect(self._on_sources)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._rid = 0
        self._cancel: CancelToken | None = None
        self.model_info: object | None = None
        self.loading = False
        self._thread.start()

    def load(self, path: Path, params: LoadParams) -> None:
        self.stop()
        self.loading = True
        self.model_loading.emit(Path(path).name)
        self._load.emit(Path(path), params)

    def generate(
        self, messages: Sequence[ChatMessage], params: SamplingParams, grounding: Grounding | None = None
    ) -> None:
        if self._cancel is not None:
            raise RuntimeError("a reply is already being generated")
        self._rid += 1
        self._cancel = CancelToken()
        self._generate.emit(self._rid, list(messages), params, self._cancel, grounding)

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    def shutdown(self) -> None:
        self.stop()
        self._thread.quit()
        self._thread.wait()

    def _end(self) -> None:
        self._cancel = None

    @Slot(object)
    def _on_loaded(self, info: object) -> None:
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
        if rid == self._rid:
            self.reply_text.emit(text)

    @Slot(int, str)
    def _on_notice(self, rid: int, text: str) -> None:
        if rid == self._rid:
            self.reply_notice.emit(text)

    @Slot(int, list)
    def _on_sources(self, rid: int, sources: list[dict[str, object]]) -> None:
        if rid == self._rid:
            self.reply_sources.emit(sources)

    @Slot(int, object)
    def _on_done(self, rid: int, stats: Stats) -> None:
        if rid == self._rid:
            self._end()
            self.reply_done.emit(stats)

    @Slot(int, str)
    def _on_failed(self, rid: int, message: str) -> None:
        if rid == self._rid:
            self._end()
            self.reply_failed.emit(message)
