"""The chat engine protocol and the local llama.cpp engine.

The protocol (load, stream, unload, info) is small so a remote OpenAI-compatible server can stand
in later without touching the GUI. :class:`LocalEngine` owns one ``llama_cpp.Llama`` for the loaded
model: every turn re-renders the conversation with the model's own chat template and hands the
tokens to ``Llama.generate``, whose prefix match keeps the KV cache of the earlier turns, so a
follow-up only evaluates the new tokens.
"""

from __future__ import annotations

import codecs
import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app import backends, hardware
from app.cancel import CancelToken
from app.chat import context
from app.chat.types import ChatMessage, Event, ModelInfo, Notice, Stats, Token
from app.errors import HearthError, ModelTooLarge
from app.models import fit, preflight
from app.settings import LoadParams, SamplingParams

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)


class Engine(Protocol):
    """What the GUI and CLI need from any chat backend."""

    @property
    def info(self) -> ModelInfo | None: ...

    def load(self, path: Path, params: LoadParams) -> ModelInfo: ...

    def stream(
        self, messages: Sequence[ChatMessage], params: SamplingParams, cancel: CancelToken
    ) -> Iterator[Event]: ...

    def count_tokens(self, text: str) -> int: ...

    def unload(self) -> None: ...


class LocalEngine:
    """llama.cpp in this process. Not thread-safe: one thread (the inference worker) drives it."""

    def __init__(self) -> None:
        self._llm: Llama | None = None
        self._info: ModelInfo | None = None
        self._formatter: Any = None

    @property
    def info(self) -> ModelInfo | None:
        return self._info

    def load(self, path: Path, params: LoadParams) -> ModelInfo:
        """Load ``path`` (replacing any loaded model). Raises HearthError with plain words."""
        path = Path(path)
        self.unload()  # first: the old model's memory must not count against the new one
        info = preflight.check_file(path)
        if not params.allow_oversize:
            report = fit.plan_file(path, params.n_ctx, params.n_gpu_layers, info=info)
            if not report.fits:
                raise ModelTooLarge(f"{report.summary} Lower the context length, or load anyway.")
        import llama_cpp

        backends.load()
        threads = params.n_threads or hardware.physical_cores()
        try:
            llm = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=params.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_gpu_layers=params.n_gpu_layers,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise HearthError(
                f"Could not load {path.name}: llama.cpp rejected the file ({exc}). "
                "It may be truncated, corrupt, or an architecture this build does not support."
            ) from exc
        template = llm.metadata.get("tokenizer.chat_template")
        self._formatter = context.make_formatter(llm, template)
        self._llm = llm
        self._info = ModelInfo(
            name=path.stem,
            path=str(path),
            size_bytes=path.stat().st_size,
            n_ctx=llm.n_ctx(),
            n_ctx_train=llm._model.n_ctx_train(),
            n_threads=threads,
            n_gpu_layers=params.n_gpu_layers,
            has_chat_template=bool(template),
            device=hardware.gpu().label,
        )
        return self._info

    def unload(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._info = None
        self._formatter = None

    def _require(self) -> Llama:
        if self._llm is None:
            raise HearthError("No model is loaded.")
        return self._llm

    def count_tokens(self, text: str) -> int:
        return len(self._require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def stream(
        self, messages: Sequence[ChatMessage], params: SamplingParams, cancel: CancelToken
    ) -> Iterator[Event]:
        """Yield Token and Notice events, then one Stats. Cancel is checked between tokens."""
        llm = self._require()
        start = time.perf_counter()
        fitted = context.fit_prompt(llm, self._formatter, list(messages), params.max_tokens)
        if fitted.notice:
            yield Notice(fitted.notice)
        prompt = fitted.tokens
        cached = _common_prefix(llm, prompt)
        if params.seed >= 0:
            llm.set_seed(params.seed)
        eog = llm._model.vocab
        import llama_cpp

        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = [s for s in fitted.stop if s]
        holdback = max((len(s) for s in stops), default=1) - 1
        text = ""
        emitted = 0
        n_out = 0
        t_first = t_last = 0.0
        finish: Any = "length"
        for token in llm.generate(
            prompt,
            top_k=params.top_k,
            top_p=params.top_p,
            min_p=params.min_p,
            temp=params.temperature,
            repeat_penalty=params.repeat_penalty,
        ):
            now = time.perf_counter()
            if n_out == 0:
                t_first = now
            t_last = now
            if llama_cpp.llama_vocab_is_eog(eog, token):
                finish = "stop"
                break
            n_out += 1
            piece = decoder.decode(llm.detokenize([token], special=False))
            text += piece
            cut = _find_stop(text, stops, len(text) - len(piece))
            if cut >= 0:
                text = text[:cut]
                finish = "stop"
                break
            safe = len(text) - holdback if stops else len(text)
            if safe > emitted:
                yield Token(text[emitted:safe])
                emitted = safe
            if cancel.cancelled:
                finish = "cancelled"
                break
            if n_out >= fitted.max_tokens:
                break
        text += decoder.decode(b"", final=True)
        if finish != "cancelled" and len(text) > emitted:
            yield Token(text[emitted:])
        decode_s = t_last - t_first
        yield Stats(
            ttft_ms=(t_first - start) * 1000 if n_out or finish == "stop" else 0.0,
            tokens_per_s=(n_out - 1) / decode_s if n_out > 1 and decode_s > 0 else 0.0,
            prompt_tokens=len(prompt),
            completion_tokens=n_out,
            cached_tokens=cached,
            context_used=len(prompt) + n_out,
            n_ctx=llm.n_ctx(),
            finish_reason=finish,
        )


def _common_prefix(llm: Llama, prompt: list[int]) -> int:
    n = 0
    for a, b in zip(llm._input_ids[: llm.n_tokens], prompt, strict=False):
        if a != b:
            break
        n += 1
    return n


def _find_stop(text: str, stops: list[str], new_from: int) -> int:
    """First stop string that ends in the newly added text (earlier text was already checked)."""
    hits = [i for i in (text.find(s, max(0, new_from - len(s) + 1)) for s in stops) if i >= 0]
    return min(hits) if hits else -1
