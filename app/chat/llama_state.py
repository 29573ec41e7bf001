"""The parts of llama.cpp that llama-cpp-python's ``Llama`` class does not wrap: the abort callback
that stops a prompt being read, a persistent CPU threadpool, saving/loading one sequence's KV state
to a file, and its log.

Both talk to the context pointer of a loaded ``Llama`` and keep the Python-side token bookkeeping
(``input_ids`` / ``n_tokens``, which ``Llama.eval`` and ``Llama.generate`` use for prefix reuse) in
step with what is really in the KV cache.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cancel import CancelToken

if TYPE_CHECKING:
    from llama_cpp import Llama

SEQ = 0  # Hearth uses one sequence per context
# ggml_log_level in this llama.cpp: NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5 (continued)
_LOG_LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
log = logging.getLogger("llama.cpp")  # its lines go to the log; the terminal shows them with -v only


@functools.cache
def route_logs() -> None:
    """Send llama.cpp's log to Python logging (logger ``llama.cpp``) instead of llama-cpp-python's
    handler, which prints to stderr and reads this ggml's level numbers as the old ones (a warning
    came out as an error, on the CLI's stderr).

    llama-cpp-python also points file descriptors 1 and 2 at /dev/null while it loads or frees a
    model (``suppress_stdout_stderr``), for the whole process: whatever another thread printed
    meanwhile was lost (a traceback on the GUI thread, the CLI's output). With the log routed here
    nothing needs silencing, so that is switched off too."""
    import llama_cpp
    import llama_cpp._internals
    import llama_cpp.llama
    import llama_cpp.llama_chat_format

    last = [logging.DEBUG]

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
    def callback(level: int, text: bytes, _user_data: Any) -> None:
        py_level = last[0] if level == 5 else _LOG_LEVELS.get(level, logging.DEBUG)
        last[0] = py_level
        if log.isEnabledFor(py_level) and (line := text.decode("utf-8", "replace").strip()):
            log.log(py_level, "%s", line)

    route_logs.callback = callback  # type: ignore[attr-defined]  # must outlive every call from C
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))
    for module in (llama_cpp.llama, llama_cpp._internals, llama_cpp.llama_chat_format):
        module.suppress_stdout_stderr = _no_suppression  # type: ignore[attr-defined]


def _no_suppression(disable: bool = True) -> contextlib.nullcontext[None]:
    return contextlib.nullcontext()


class AbortHook:
    """llama.cpp's abort callback on one context. The CPU backend calls it after every graph node,
    so while it is armed a cancelled token stops ``llama_decode`` within one node (milliseconds) and
    the decode reports "aborted"; llama.cpp then drops that micro-batch from the KV cache.

    It is armed only while a prompt is read: a Python callback per node costs ~1 % of generation
    speed, and between generated tokens the engine checks the token itself. GPU backends do not call
    it; there the prompt is read in slices and the token checked between them.
    """

    def __init__(self, llm: Llama) -> None:
        import llama_cpp

        self._ctx = llm._ctx.ctx
        self._cancel: CancelToken | None = None
        self._callback = llama_cpp.ggml_abort_callback(self._check)  # referenced: must outlive the context
        self._set = llama_cpp.llama_set_abort_callback

    def _check(self, _data: Any) -> bool:
        cancel = self._cancel
        return cancel is not None and cancel.cancelled

    def arm(self, cancel: CancelToken) -> None:
        self._cancel = cancel
        self._set(self._ctx, self._callback, None)

    def disarm(self) -> None:
        self._set(self._ctx, type(self._callback)(), None)  # a NULL callback
        self._cancel = None


class _PoolParams(ctypes.Structure):  # struct ggml_threadpool_params (ggml.h)
    _fields_ = [
        ("cpumask", ctypes.c_bool * 512),  # GGML_MAX_N_THREADS
        ("n_threads", ctypes.c_int),
        ("prio", ctypes.c_int),
        ("poll", ctypes.c_uint32),
        ("strict_cpu", ctypes.c_bool),
        ("paused", ctypes.c_bool),
    ]


class ThreadPool:
    """One ggml CPU threadpool attached to a context for its lifetime, as llama.cpp's own server and
    CLI do. Without one, every ``llama_decode`` on the CPU starts its worker threads and joins them
    again (once per generated token); with one, the workers wait between decodes, polling briefly
    (ggml's default level) before they sleep, and an idle model costs no CPU. On a 2-core VM with
    the AVX2 build, the window's speed over raw llama-cpp-python on the starter went from 0.967 and
    0.968 without it to 0.978–0.990 with it (medians of 8 turns, 2 and 4 runs); on the 0.8B
    synthetic model the difference was within ±1 %. A build whose CPU backend does not export the
    threadpool API gets none: :meth:`attach` returns None.
    """

    def __init__(self, llm: Llama, pool: int, free: Any) -> None:
        self._ctx = llm._ctx.ctx
        self._pool: int | None = pool
        self._free = free

    @classmethod
    def attach(cls, llm: Llama, n_threads: int) -> ThreadPool | None:
        import llama_cpp

        from app import backends

        new_at = backends.cpu_function("ggml_threadpool_new")
        free_at = backends.cpu_function("ggml_threadpool_free")
        if not new_at or not free_at:
            return None
        params = _PoolParams()
        ggml = backends.ggml()
        ggml.ggml_threadpool_params_init.argtypes = [ctypes.POINTER(_PoolParams), ctypes.c_int]
        ggml.ggml_threadpool_params_init.restype = None
        ggml.ggml_threadpool_params_init(ctypes.byref(params), n_threads)
        pool = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.POINTER(_PoolParams))(new_at)(ctypes.byref(params))
        if not pool:
            return None
        lib = llama_cpp.llama_cpp._lib
        lib.llama_attach_threadpool.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.llama_attach_threadpool.restype = None
        lib.llama_attach_threadpool(llm._ctx.ctx, pool, pool)  # the same pool for prompts and tokens
        return cls(llm, pool, ctypes.CFUNCTYPE(None, ctypes.c_void_p)(free_at))

    def close(self) -> None:
        """Detach and free the pool (joins its threads); call before the context is freed."""
        import llama_cpp

        if self._pool is None:
            return
        lib = llama_cpp.llama_cpp._lib
        lib.llama_detach_threadpool.argtypes = [ctypes.c_void_p]
        lib.llama_detach_threadpool.restype = None
        lib.llama_detach_threadpool(self._ctx)
        self._free(self._pool)
        self._pool = None


def save(llm: Llama, path: Path) -> list[int]:
    """Write the KV state of the evaluated tokens to ``path``; returns those tokens."""
    import llama_cpp

    tokens = [int(t) for t in llm.input_ids[: llm.n_tokens]]
    array = (llama_cpp.llama_token * len(tokens))(*tokens)
    if not llama_cpp.llama_state_seq_save_file(llm._ctx.ctx, str(path).encode(), SEQ, array, len(tokens)):
        raise OSError(f"llama.cpp could not write the state file {path.name}")
    return tokens


def load(llm: Llama, path: Path) -> list[int]:
    """Replace the KV cache with the state in ``path``; returns its tokens. On failure the cache is
    empty (llama.cpp clears the sequence before reading) and OSError is raised."""
    import llama_cpp

    capacity = llm.n_ctx()
    array = (llama_cpp.llama_token * capacity)()
    count = ctypes.c_size_t(0)
    read = llama_cpp.llama_state_seq_load_file(
        llm._ctx.ctx, str(path).encode(), SEQ, array, capacity, ctypes.byref(count)
    )
    if not read:
        llm.n_tokens = 0
        raise OSError(f"llama.cpp rejected the state file {path.name}")
    tokens = list(array[: count.value])
    llm.input_ids[: len(tokens)] = tokens
    llm.n_tokens = len(tokens)
    return tokens
