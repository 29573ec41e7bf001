"""The reply state machine: one assistant reply, from the request to the stored answer. Qt-free.

    idle → retrieving (grounded chats: search the documents; the first search loads the embedder)
         → reading (the prompt goes into the KV cache, with progress)
         → streaming (tokens)
         → done | stopped | failed | interrupted

The GUI, the CLI and the local API server drive it the same way: :meth:`Reply.run` is a generator
of events run on the thread that owns the engine; :meth:`Reply.stop` may be called from any thread
and takes effect in every phase (the engine aborts a prompt being read). A reply that belongs to a
stored conversation saves itself from the engine's thread: its sources as soon as they are found,
its text at most once a second while it grows, the final text, status and stats once at the end
(with the model's name, the reply's duration and, for a reasoning model, how long it thought).
If the engine's thread cannot finish in time (the app closes while the embedder or a model is still
loading), :meth:`Reply.abandon` writes the final record from the caller's thread instead; whichever
comes first writes it, the other does nothing. A conversation deleted meanwhile is simply gone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.assistant.grounding import ground
from app.cancel import CancelToken
from app.chat import reasoning
from app.chat.engine import Engine
from app.chat.session import ChatSession
from app.chat.store import Status
from app.chat.types import ChatMessage, Notice, PromptProgress, Stats, Token
from app.errors import ConnectionLost, HearthError
from app.i18n import tr
from app.settings import DocsSettings, SamplingParams

log = logging.getLogger(__name__)


class Phase(StrEnum):
    IDLE = "idle"
    RETRIEVING = "retrieving"
    READING = "reading"
    STREAMING = "streaming"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the app closed (or a connection dropped) before the reply ended


FINAL_PHASES = frozenset({Phase.DONE, Phase.STOPPED, Phase.FAILED, Phase.INTERRUPTED})
STORED_STATUS: dict[Phase, Status] = {
    Phase.DONE: "complete",
    Phase.STOPPED: "stopped",
    Phase.FAILED: "failed",
    Phase.INTERRUPTED: "interrupted",
}


@dataclass(frozen=True)
class PhaseChanged:
    phase: Phase
    detail: str = ""  # e.g. "Loading the document search model (first use)…"


@dataclass(frozen=True)
class SourcesFound:
    sources: list[dict[str, Any]]


@dataclass(frozen=True)
class Finished:
    phase: Phase  # one of FINAL_PHASES
    text: str
    stats: Stats | None
    error: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)


ReplyEvent = PhaseChanged | PromptProgress | Token | Notice | SourcesFound | Finished


@dataclass(frozen=True)
class ReplyRequest:
    messages: tuple[ChatMessage, ...]
    params: SamplingParams
    libraries: tuple[str, ...] = ()  # ground the answer in these document libraries
    docs: DocsSettings | None = None
    conversation_id: int | None = None  # with message_id: the stored reply (status "streaming") to fill
    message_id: int | None = None
    checkpoint: bool = True  # save the engine's KV state after the reply (off for one-off API requests)


class Reply:
    """One reply. Create it anywhere, :meth:`run` it on the engine's thread, stop it from any thread."""

    def __init__(self, request: ReplyRequest, session: ChatSession | None = None) -> None:
        self.request = request
        self.cancel = CancelToken()
        self.phase = Phase.IDLE
        self.text = ""
        self.sources: list[dict[str, Any]] = []
        self.stats: Stats | None = None
        self._session = session if request.message_id is not None else None
        self._stop_as = Phase.STOPPED
        self._lock = threading.Lock()
        self._finished: Finished | None = None
        self._model = ""
        self._started = time.monotonic()
        self._thinking: list[float] = []  # when the reasoning began and, once over, when it ended

    @property
    def conversation_id(self) -> int | None:
        return self.request.conversation_id

    @property
    def finished(self) -> Finished | None:
        return self._finished

    def stop(self, as_phase: Phase = Phase.STOPPED) -> None:
        """Stop in whatever phase the reply is; it ends as ``as_phase`` (STOPPED or INTERRUPTED)."""
        self._stop_as = as_phase
        self.cancel.cancel()

    def run(self, engine: Engine) -> Iterator[ReplyEvent]:
        """Drive the reply to its end on the engine's thread; the last event is :class:`Finished`."""
        self._started = time.monotonic()
        self._model = engine.info.name if engine.info is not None else ""
        try:
            engine.ready()  # a remote engine connects here: its faults end the reply at once
            messages = list(self.request.messages)
            if self.request.libraries and not self.cancel.cancelled:
                messages = yield from self._retrieve(engine, messages)
            if not self.cancel.cancelled:
                yield from self._generate(engine, messages)
            stopped = self.stats is None or self.stats.finish_reason == "cancelled"
            final = self._finish(self._stop_as if stopped else Phase.DONE)
        except ConnectionLost as exc:  # a remote reply broke off: what arrived is kept
            self.stats = exc.stats if isinstance(exc.stats, Stats) else self.stats
            final = self._finish(Phase.INTERRUPTED if self.text else Phase.FAILED, str(exc))
        except HearthError as exc:
            final = self._finish(Phase.FAILED, str(exc))
        except Exception as exc:
            log.exception("reply failed")
            final = self._finish(Phase.FAILED, tr("Generation failed: {error}").format(error=exc))
        if final is not None:
            yield final
        if self.phase is not Phase.INTERRUPTED and self.request.checkpoint:  # closing: no time for it
            try:
                engine.checkpoint()
            except Exception:
                log.exception("saving the conversation's KV state failed")

    def abandon(self, as_phase: Phase = Phase.INTERRUPTED, error: str = "") -> Finished | None:
        """Write the final record now, from the caller's thread (the engine's thread is stuck, or the
        reply could not start)."""
        self.stop(as_phase)
        return self._finish(as_phase, error)

    # phases ----------------------------------------------------------------------------------

    def _enter(self, phase: Phase, detail: str = "") -> PhaseChanged:
        self.phase = phase
        return PhaseChanged(phase, detail)

    def _retrieve(
        self, engine: Engine, messages: list[ChatMessage]
    ) -> Generator[ReplyEvent, None, list[ChatMessage]]:
        from app.docs import embeddings

        docs = self.request.docs or DocsSettings()
        first = not embeddings.is_loaded(docs.embedding_model)
        yield self._enter(
            Phase.RETRIEVING,
            tr("Loading the document search model (first use)…") if first else tr("Searching documents…"),
        )
        info = engine.ready()
        grounded = ground(messages, self.request.libraries, info.n_ctx, self.request.params.max_tokens,
                          engine.count_tokens, docs, engine.prompt_tokens_per_s)  # fmt: skip
        self.sources = grounded.sources
        if self._session is not None and self.request.message_id is not None:
            self._session.store.update_message(self.request.message_id, sources=self.sources)
        yield SourcesFound(self.sources)
        return grounded.messages

    def _generate(self, engine: Engine, messages: list[ChatMessage]) -> Iterator[ReplyEvent]:
        for event in engine.stream(messages, self.request.params, self.cancel):
            if isinstance(event, PromptProgress):
                if self.phase is not Phase.READING:
                    yield self._enter(Phase.READING)
                yield event
            elif isinstance(event, Token):
                if self.phase is not Phase.STREAMING:
                    yield self._enter(Phase.STREAMING)
                with self._lock:
                    if self._finished is not None:  # abandoned meanwhile: nothing more is kept
                        continue
                    self.text += event.text
                self._time_thinking()
                if self._session is not None and self.request.message_id is not None:
                    self._session.save_partial(self.request.message_id, self.text)
                yield event
            elif isinstance(event, Stats):
                self.stats = event
            else:
                yield event

    def _time_thinking(self) -> None:
        if len(self._thinking) == 2:
            return
        parts = reasoning.split(self.text)
        if (parts.has_reasoning and not self._thinking) or (self._thinking and not parts.thinking):
            self._thinking.append(time.monotonic())  # the reasoning began, or it is over

    def _details(self) -> dict[str, Any]:
        details: dict[str, Any] = {
            "model": self._model,
            "duration_ms": (time.monotonic() - self._started) * 1000,
        }
        if self._thinking:
            end = self._thinking[1] if len(self._thinking) == 2 else time.monotonic()
            details["thinking_ms"] = (end - self._thinking[0]) * 1000
        return details

    def _finish(self, phase: Phase, error: str = "") -> Finished | None:
        with self._lock:
            if self._finished is not None:
                return None
            self.phase = phase
            self._finished = Finished(phase, self.text, self.stats, error, list(self.sources))
            if self._session is not None and self.request.message_id is not None:
                self._session.finish(self.request.message_id, self.text, self.stats, STORED_STATUS[phase],
                                     self.sources, self._details())  # fmt: skip
            return self._finished
