"""The chat engine protocol and the local llama.cpp engine.

The protocol (ready, stream, checkpoint, count_tokens, unload, info) is what the reply controller
needs from any backend: this one, or a model on another machine (``app.chat.remote``).
:class:`LocalEngine` owns one ``llama_cpp.Llama``. Each turn re-renders the conversation with the
model's own chat template (or the one the user set for that model file); the tokens already in the
KV cache (the earlier turns, or a state restored from the disk prompt cache) are kept and only the
rest is read. The prompt is read in slices under llama.cpp's abort callback, so Stop works while it
is read (not only between generated tokens), and every slice reports progress. A slice is sized
from the measured reading speed so that Stop takes effect within ~50 ms: on the CPU the callback
ends a decode after the graph node in progress, and a node's time grows with the slice (512-token
slices of a 0.8B model read at ~23 tok/s held Stop for up to 240 ms on a 2-core VM); on another
2-core VM, with the AVX2 build, 64-token slices read that model as fast as 512-token ones (84.5 vs
83.5 tok/s, medians of 5).

Loading checks the memory plan first (refused unless overridden), then tries the planned GPU offload
and, if llama.cpp cannot allocate it, fewer layers and finally the CPU, saying what happened.
"""

from __future__ import annotations

import codecs
import logging
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from app import backends, hardware
from app.cancel import CancelToken
from app.chat import context, llama_state, prompt_speed
from app.chat.prompt_cache import PromptCache, common_prefix
from app.chat.types import ChatMessage, Event, FinishReason, ModelInfo, Notice, PromptProgress, Stats, Token
from app.errors import HearthError, ModelTooLarge
from app.i18n import tr
from app.models import fit, preflight
from app.settings import GPU_LAYERS_ALL, GPU_LAYERS_AUTO, KV_TYPES, LoadParams, SamplingParams

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)

MIN_RESTORE_GAIN = 32  # restore a saved state only when it saves reading at least this many tokens
MIN_SAVE_TOKENS = 64  # shorter conversations are re-read faster than a state file is written
MIN_RATE_TOKENS = 256  # a read long enough (one slice and more) to measure the reading speed
STOP_WITHIN_S = 0.05  # while a prompt is read, Stop should take effect within this
MIN_SLICE = 64  # tokens per decode while the reading speed is not known yet, and at the least


def slice_tokens(tokens_per_s: float | None, n_layers: int, n_batch: int) -> int:
    """Tokens to read per decode on the CPU so that Stop waits at most ~STOP_WITHIN_S for the graph
    node in progress (the largest, an FFN matmul, takes about a third of a layer). A power of two."""
    fits = (tokens_per_s or 0.0) * STOP_WITHIN_S * 3 * n_layers
    size = min(MIN_SLICE, n_batch)
    while size * 2 <= min(fits, n_batch):
        size *= 2
    return size


class Engine(Protocol):
    """What the reply controller, the GUI and the CLI need from any chat backend."""

    @property
    def info(self) -> ModelInfo | None: ...

    def ready(self) -> ModelInfo:
        """The model that will answer (a remote engine connects first); HearthError if there is none."""
        ...

    def stream(
        self, messages: Sequence[ChatMessage], params: SamplingParams, cancel: CancelToken
    ) -> Iterator[Event]: ...

    def checkpoint(self) -> None:
        """Keep the conversation just answered for later (a disk KV state); may take a moment."""
        ...

    @property
    def prompt_tokens_per_s(self) -> float | None:
        """How fast this engine reads a prompt with the loaded model (None: not measured yet)."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def unload(self) -> None: ...


def check_load_params(params: LoadParams) -> None:
    if params.kv_type not in KV_TYPES:
        raise HearthError(
            tr("Unknown KV cache type {kv_type}: use one of {types}.").format(
                kv_type=repr(params.kv_type), types=", ".join(KV_TYPES)
            )
        )
    if params.kv_type != "f16" and not params.flash_attn:
        raise HearthError(
            tr(
                "A {kv_type} KV cache needs flash attention: llama.cpp cannot use a quantized V cache"
                " without it. Turn flash attention on, or use an f16 cache."
            ).format(kv_type=params.kv_type)
        )


def gpu_attempts(planned: int, n_layers: int) -> list[int]:
    """GPU layers to try in turn: the plan, then fewer, finally 0 (the CPU)."""
    planned = n_layers + 1 if planned < 0 else planned
    return sorted({planned, planned // 2, planned // 4, 0}, reverse=True)


class _Reading(NamedTuple):
    ms: float
    tokens_per_s: float
    restored: int


@dataclass
class _Loaded:
    llm: Llama
    formatter: Any
    abort: llama_state.AbortHook
    pool: llama_state.ThreadPool | None
    identity: dict[str, Any]  # what a saved KV state must match to be restored into this context


class LocalEngine:
    """llama.cpp in this process. Not thread-safe: one thread (the inference worker) drives it."""

    def __init__(self, prompt_cache: PromptCache | None = None) -> None:
        self._loaded: _Loaded | None = None
        self._info: ModelInfo | None = None
        self._cache = prompt_cache
        self._prompt_rate: float | None = None  # last measured prompt reading speed (tokens/s)
        self._checkpointed: tuple[int, ...] = ()

    @property
    def info(self) -> ModelInfo | None:
        return self._info

    @property
    def prompt_tokens_per_s(self) -> float | None:
        return self._prompt_rate

    # loading ---------------------------------------------------------------------------------

    def load(self, path: Path, params: LoadParams) -> ModelInfo:
        """Load ``path`` (replacing any loaded model). Raises HearthError with plain words."""
        path = Path(path)
        self.unload()  # first: the old model's memory must not count against the new one
        check_load_params(params)
        info = preflight.check_file(path)
        gpu = hardware.gpu()
        machine = fit.Machine.current()
        requested = None if params.n_gpu_layers == GPU_LAYERS_AUTO else params.n_gpu_layers
        if not gpu.offload_supported:
            requested = 0

        def plan(ngl: int | None) -> fit.FitReport:
            return fit.plan_file(path, params.n_ctx, ngl, machine, params.kv_type, info=info,
                                 flash_attn=params.flash_attn)  # fmt: skip

        report = plan(requested)
        if not report.fits and not params.allow_oversize:
            raise ModelTooLarge(
                tr("{summary} Lower the context length, or load anyway.").format(summary=report.summary)
            )
        planned = report.gpu_layers if requested is None else requested
        if planned == GPU_LAYERS_ALL:
            planned = info.n_layers + 1
        threads = params.n_threads or hardware.physical_cores()
        failures: list[str] = []
        llm = None
        for ngl in gpu_attempts(planned, info.n_layers):
            if ngl < planned and not params.allow_oversize and not plan(ngl).fits:
                failures.append(tr("{n} GPU layers would not fit in RAM").format(n=ngl))
                continue
            try:
                llm = self._new_llama(path, params, ngl, threads)
                break
            except (ValueError, RuntimeError, OSError) as exc:
                log.warning("loading %s with %d GPU layers failed: %s", path.name, ngl, exc)
                failures.append(tr("{n} GPU layers: {error}").format(n=ngl, error=exc))
        if llm is None:
            if planned == 0:
                raise HearthError(
                    tr(
                        "Could not load {name}: llama.cpp rejected the file ({error}). It may be"
                        " truncated, corrupt, or an architecture this build does not support, or there is"
                        " not enough memory for this context length."
                    ).format(name=path.name, error=failures[-1])
                )
            raise HearthError(
                tr(
                    "Could not load {name}: llama.cpp could not allocate it on the GPU nor on the CPU"
                    " ({errors}). Lower the context length or the GPU layers."
                ).format(name=path.name, errors="; ".join(failures))
            )
        used = min(ngl, info.n_layers + 1)
        note = ""
        if used < planned:
            if used:
                note = tr(
                    "The GPU could not hold {planned} layers of {name}; it runs with {used} of {total}"
                    " layers on the GPU."
                ).format(planned=planned, name=path.name, used=used, total=info.n_layers + 1)
            else:
                note = tr("The GPU could not hold {planned} layers of {name}; it runs with the CPU.").format(
                    planned=planned, name=path.name
                )
        self._install(llm, path, params, threads, used, info.n_layers, gpu, note)
        assert self._info is not None
        return self._info

    @staticmethod
    def _new_llama(path: Path, params: LoadParams, n_gpu_layers: int, threads: int) -> Llama:
        import llama_cpp

        backends.load()  # the CPU kernels for this machine, where the build ships them as modules
        llama_state.route_logs()
        kv = getattr(llama_cpp, f"GGML_TYPE_{params.kv_type.upper()}")
        return llama_cpp.Llama(
            model_path=str(path),
            n_ctx=params.n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            n_gpu_layers=n_gpu_layers,
            type_k=kv,
            type_v=kv,
            flash_attn=params.flash_attn,
            use_mmap=params.use_mmap,
            verbose=False,
        )

    def _install(
        self,
        llm: Llama,
        path: Path,
        params: LoadParams,
        threads: int,
        gpu_layers: int,
        n_layers: int,
        gpu: hardware.Gpu,
        note: str,
    ) -> None:
        import llama_cpp

        own_template = llm.metadata.get("tokenizer.chat_template")
        template = params.chat_template or own_template  # the user's override for this model first
        stat = path.stat()
        identity = {
            "model": str(path.resolve()),
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "n_ctx": llm.n_ctx(),
            "kv_type": params.kv_type,
            "flash_attn": params.flash_attn,
            "llama_cpp": llama_cpp.__version__,
        }
        try:
            formatter = context.make_formatter(llm, template)
        except Exception as exc:  # jinja2's TemplateSyntaxError and the like
            llm.close()
            if params.chat_template:
                text = tr("The chat template set for {name} is not a valid Jinja template: {error}")
            else:
                text = tr("The chat template of {name} is not a valid Jinja template: {error}")
            raise HearthError(text.format(name=path.name, error=exc)) from exc
        pool = llama_state.ThreadPool.attach(llm, threads)
        self._loaded = _Loaded(llm, formatter, llama_state.AbortHook(llm), pool, identity)
        self._prompt_rate = prompt_speed.recall(identity)
        self._checkpointed = ()
        if not gpu.offload_supported:
            device = gpu.label
        elif gpu_layers:
            device = tr("{gpu} · {used}/{total} layers").format(
                gpu=gpu.label, used=gpu_layers, total=n_layers + 1
            )
        else:
            device = tr("CPU (GPU offload off)")
        self._info = ModelInfo(
            name=path.stem,
            path=str(path),
            size_bytes=stat.st_size,
            n_ctx=llm.n_ctx(),
            n_ctx_train=llm._model.n_ctx_train(),
            n_threads=threads,
            n_gpu_layers=gpu_layers,
            n_layers=n_layers,
            has_chat_template=bool(template),
            device=device,
            offload_supported=gpu.offload_supported,
            kv_type=params.kv_type,
            flash_attn=params.flash_attn,
            load_note=note,
        )

    def unload(self) -> None:
        if self._loaded is not None:
            if self._loaded.pool is not None:
                self._loaded.pool.close()
            self._loaded.llm.close()
        self._loaded = None
        self._info = None

    def ready(self) -> ModelInfo:
        self._require()
        assert self._info is not None
        return self._info

    def _require(self) -> _Loaded:
        if self._loaded is None:
            raise HearthError(tr("No model is loaded."))
        return self._loaded

    def count_tokens(self, text: str) -> int:
        llm = self._require().llm
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    # a reply ---------------------------------------------------------------------------------

    def stream(
        self, messages: Sequence[ChatMessage], params: SamplingParams, cancel: CancelToken
    ) -> Iterator[Event]:
        """Yield Notice and PromptProgress events while the prompt is read, Token events while the
        reply is generated, then one Stats. Cancel works in both phases."""
        loaded = self._require()
        llm = loaded.llm
        start = time.perf_counter()
        fitted = context.fit_prompt(llm, loaded.formatter, list(messages), params.max_tokens)
        if fitted.notice:
            yield Notice(fitted.notice)
        prompt = fitted.tokens
        # keep what the KV cache already holds; at least the last token is read again for its logits
        cached = min(common_prefix(llm.input_ids[: llm.n_tokens].tolist(), prompt), len(prompt) - 1)
        restored = self._restore(loaded, prompt, cached)
        cached = max(cached, restored)
        llm.n_tokens = cached  # Llama.eval drops everything after this from the KV cache
        read_start = time.perf_counter()
        read_ok = yield from self._read_prompt(loaded, prompt, cached, cancel)
        read_s = time.perf_counter() - read_start
        n_read = llm.n_tokens - cached
        if read_s > 0 and n_read >= MIN_RATE_TOKENS and read_ok:
            self._prompt_rate = n_read / read_s
            prompt_speed.remember(loaded.identity, self._prompt_rate)
        reading = _Reading(read_s * 1000, n_read / read_s if read_s > 0 else 0.0, restored)
        if not read_ok:
            yield Stats(0.0, 0.0, len(prompt), 0, cached, llm.n_tokens, llm.n_ctx(), "cancelled", *reading)
            return
        if params.seed >= 0:
            llm.set_seed(params.seed)
        import llama_cpp

        vocab = llm._model.vocab
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = [s for s in (*fitted.stop, *params.stop) if s]
        holdback = max((len(s) for s in stops), default=1) - 1
        text = ""
        emitted = 0
        n_out = 0
        t_first = t_last = 0.0
        finish: FinishReason = "length"
        # the whole prompt is evaluated: generate() finds it cached and samples from its logits
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
            if llama_cpp.llama_vocab_is_eog(vocab, token):
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
            prompt_ms=reading.ms,
            prompt_tokens_per_s=reading.tokens_per_s,
            restored_tokens=reading.restored,
        )

    def _read_prompt(
        self, loaded: _Loaded, prompt: list[int], start: int, cancel: CancelToken
    ) -> Generator[PromptProgress, None, bool]:
        """Evaluate ``prompt[start:]`` in slices under the abort callback (on the CPU sized by
        :func:`slice_tokens`; with GPU layers n_batch, where bigger batches read much faster).
        Returns (as the generator's value) False if cancelled; the KV cache then holds the slices
        read so far."""
        llm = loaded.llm
        info = self.ready()
        on_cpu, n_layers = not info.n_gpu_layers, info.n_layers  # GPU backends do not call the callback
        rate = self._prompt_rate
        t0 = time.perf_counter()
        loaded.abort.arm(cancel)
        try:
            i = start
            while i < len(prompt):
                step = slice_tokens(rate, n_layers, llm.n_batch) if on_cpu else llm.n_batch
                part = prompt[i : i + step]
                yield PromptProgress(i, len(prompt), i + len(part), rate)
                if cancel.cancelled:
                    return False
                try:
                    llm.eval(part)
                except RuntimeError:
                    if cancel.cancelled:  # llama_decode returned 2: aborted by the callback
                        return False
                    raise
                i += len(part)
                rate = (llm.n_tokens - start) / max(time.perf_counter() - t0, 1e-6)
        finally:
            loaded.abort.disarm()
        return not cancel.cancelled

    # the disk prompt cache -------------------------------------------------------------------

    def _restore(self, loaded: _Loaded, prompt: list[int], in_memory: int) -> int:
        """Load the saved state that best matches ``prompt`` if it beats the KV cache in memory;
        returns the number of prompt tokens it holds (0 if none was loaded)."""
        if self._cache is None:
            return 0
        found = self._cache.best(loaded.identity, prompt)
        if found is None:
            return 0
        entry, shared = found
        shared = min(shared, len(prompt) - 1)
        if shared < in_memory + MIN_RESTORE_GAIN:
            return 0
        if not self._cache.restore(entry, lambda p: llama_state.load(loaded.llm, p)):
            return 0
        self._checkpointed = entry.tokens
        return shared

    def checkpoint(self) -> None:
        """Save the KV state of the conversation just answered to the disk prompt cache."""
        loaded = self._loaded
        if self._cache is None or loaded is None or loaded.llm.n_tokens < MIN_SAVE_TOKENS:
            return
        tokens = tuple(int(t) for t in loaded.llm.input_ids[: loaded.llm.n_tokens])
        if tokens == self._checkpointed:
            return
        self._cache.save(loaded.identity, tokens, lambda p: llama_state.save(loaded.llm, p))
        self._checkpointed = tokens


def _find_stop(text: str, stops: list[str], new_from: int) -> int:
    """First stop string that ends in the newly added text (earlier text was already checked)."""
    hits = [i for i in (text.find(s, max(0, new_from - len(s) + 1)) for s in stops) if i >= 0]
    return min(hits) if hits else -1
