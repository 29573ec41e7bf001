"""LocalEngine on the real starter model (real llama.cpp, no mocks)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import hardware
from app.cancel import CancelToken
from app.chat.engine import MIN_SLICE, STOP_WITHIN_S, LocalEngine, slice_tokens
from app.chat.types import ChatMessage, Notice, PromptProgress, Stats, Token
from app.errors import HearthError, ModelTooLarge
from app.models import fit
from app.settings import LoadParams, SamplingParams

GREEDY = SamplingParams(temperature=0.0, max_tokens=24, seed=1)


@pytest.fixture(scope="module")
def engine() -> Iterator[LocalEngine]:
    from app.models.bundled import starter_model_path

    eng = LocalEngine()
    eng.load(starter_model_path(), LoadParams(n_ctx=1024))
    yield eng
    eng.unload()


def run(
    engine: LocalEngine, messages: list[ChatMessage], params: SamplingParams = GREEDY
) -> tuple[str, Stats, list[str]]:
    text, notices, stats = "", [], None
    for ev in engine.stream(messages, params, CancelToken()):
        if isinstance(ev, Token):
            text += ev.text
        elif isinstance(ev, Notice):
            notices.append(ev.text)
        else:
            stats = ev
    assert isinstance(stats, Stats)
    return text, stats, notices


def test_streams_text_with_stats(engine: LocalEngine) -> None:
    text, stats, _ = run(engine, [ChatMessage("user", "What is the capital of France?")])
    assert text.strip()
    assert "<|im_end|>" not in text and "<|im_start|>" not in text
    assert stats.completion_tokens > 0
    assert stats.prompt_tokens > 5
    assert stats.ttft_ms > 0 and stats.tokens_per_s > 0
    assert stats.context_used == stats.prompt_tokens + stats.completion_tokens
    assert stats.n_ctx == 1024
    assert engine.info is not None and engine.info.has_chat_template
    if not engine.info.offload_supported:  # a GPU build names the GPU and the layers offloaded
        assert engine.info.device == "CPU only" and engine.info.n_gpu_layers == 0


def test_greedy_is_deterministic(engine: LocalEngine) -> None:
    msgs = [ChatMessage("user", "Name three colors.")]
    assert run(engine, msgs)[0] == run(engine, msgs)[0]


def test_follow_up_reuses_kv_prefix(engine: LocalEngine) -> None:
    msgs = [ChatMessage("system", "Be brief."), ChatMessage("user", "Say hello.")]
    text, first, _ = run(engine, msgs)
    msgs += [ChatMessage("assistant", text), ChatMessage("user", "Now say goodbye.")]
    _, second, _ = run(engine, msgs)
    assert second.cached_tokens >= first.prompt_tokens - 1


def test_cancel_stops_between_tokens(engine: LocalEngine) -> None:
    cancel = CancelToken()
    n = 0
    stats = None
    params = SamplingParams(temperature=0.0, max_tokens=200)
    for ev in engine.stream([ChatMessage("user", "Count from 1 to 100.")], params, cancel):
        if isinstance(ev, Token):
            n += 1
            if n == 3:
                cancel.cancel()
        elif isinstance(ev, Stats):
            stats = ev
    assert stats is not None and stats.finish_reason == "cancelled"
    assert stats.completion_tokens < 40  # stopped right away, far from max_tokens


def test_overflow_drops_oldest_turns(engine: LocalEngine) -> None:
    filler = "The quick brown fox jumps over the lazy dog. " * 30  # ~300 tokens per turn
    msgs = [ChatMessage("system", "You are terse.")]
    for i in range(6):
        msgs += [ChatMessage("user", f"Turn {i}: {filler}"), ChatMessage("assistant", "Noted.")]
    msgs.append(ChatMessage("user", "What is 2+2?"))
    _, stats, notices = run(engine, msgs)
    assert notices and "Dropped" in notices[0]
    assert stats.context_used <= 1024


def test_overflow_cuts_middle_of_huge_message(engine: LocalEngine) -> None:
    huge = "word " * 3000
    _, stats, notices = run(engine, [ChatMessage("user", huge + " Summarize.")])
    assert any("middle was left out" in n for n in notices)
    assert stats.context_used <= 1024


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not a GGUF"),
        (b"hello world, definitely not a model" * 10, "not a GGUF"),
        (b"GGUF\x03\x00", "truncated"),
    ],
)
def test_broken_files_give_clear_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(content)
    with pytest.raises(HearthError, match=expected):
        LocalEngine().load(bad, LoadParams(n_ctx=512))


def test_truncated_real_model_is_rejected(tmp_path: Path, starter_model: Path) -> None:
    bad = tmp_path / "truncated.gguf"
    with starter_model.open("rb") as src:
        bad.write_bytes(src.read(5_000_000))
    with pytest.raises(HearthError):
        LocalEngine().load(bad, LoadParams(n_ctx=512))


def test_random_bytes_after_magic_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "random.gguf"
    bad.write_bytes(b"GGUF" + os.urandom(4096))
    with pytest.raises(HearthError):
        LocalEngine().load(bad, LoadParams(n_ctx=512))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(HearthError, match="not found"):
        LocalEngine().load(tmp_path / "nope.gguf", LoadParams())


def test_refuses_model_too_large_for_ram_unless_overridden(
    starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hardware, "memory", lambda: hardware.Memory(100_000_000, 50_000_000))
    assert not fit.plan_file(starter_model, 1024).fits
    with pytest.raises(ModelTooLarge, match="GB"):
        LocalEngine().load(starter_model, LoadParams(n_ctx=1024))
    eng = LocalEngine()
    eng.load(starter_model, LoadParams(n_ctx=512, allow_oversize=True))
    assert eng.info is not None
    eng.unload()


def test_llama_build_has_no_openmp() -> None:
    """The Makefile builds llama.cpp without OpenMP: with it, the GUI's worker-thread generation
    ran ~3x slower once another thread had used llama.cpp (libgomp throttles spin-waits)."""
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode()
    assert "OPENMP = 1" not in info, f"stale llama-cpp-python build: {info}"


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_threadpool_lives_with_the_model_and_goes_with_it(starter_model: Path) -> None:
    """Each load attaches one persistent CPU threadpool (its workers wait between decodes instead of
    being started per token); unloading joins them, so loads do not leak threads."""
    before = _os_threads()
    for _ in range(2):
        eng = LocalEngine()
        eng.load(starter_model, LoadParams(n_ctx=512, n_threads=3))
        assert eng._require().pool is not None
        assert _os_threads() >= before + 2  # the pool's two workers beside the calling thread
        text, stats, _ = run(eng, [ChatMessage("user", "Say hello.")])
        assert text.strip() and stats.completion_tokens > 0
        assert _os_threads() >= before + 2  # still there between decodes
        eng.unload()
        assert _os_threads() == before


# --- a real-size load: reading the prompt, KV types, GPU planning ----------------------------

LONG = "The keeper climbed the stairs and lit the lamp again. " * 260  # ~2,900 tokens


def test_abort_hook_stops_a_decode_and_keeps_the_cache_consistent(synthetic_small: Path) -> None:
    """llama.cpp's abort callback, armed with a cancelled token, makes llama_decode give up; the KV
    cache and the Python-side token count still agree afterwards."""
    from app.chat import llama_state

    eng = LocalEngine()
    eng.load(synthetic_small, LoadParams(n_ctx=4096))
    llm = eng._require().llm
    tokens = llm.tokenize(LONG.encode())[:512]
    llm.eval(tokens[:100])
    hook = llama_state.AbortHook(llm)
    cancel = CancelToken()
    cancel.cancel()
    hook.arm(cancel)
    with pytest.raises(RuntimeError, match="llama_decode returned 2"):
        llm.eval(tokens[100:])
    assert llm.n_tokens == 100
    hook.disarm()
    llm.eval(tokens[100:200])  # disarmed: decoding works again, after the kept 100 tokens
    assert llm.n_tokens == 200
    eng.unload()


def test_stop_while_the_prompt_is_read(synthetic_small: Path) -> None:
    eng = LocalEngine()
    eng.load(synthetic_small, LoadParams(n_ctx=4096))
    cancel = CancelToken()
    progress: list[PromptProgress] = []
    stats = None
    for ev in eng.stream([ChatMessage("user", LONG)], GREEDY, cancel):
        if isinstance(ev, PromptProgress):
            progress.append(ev)
            if len(progress) == 2:  # the first slice is in the cache; stop before the rest
                cancel.cancel()
        elif isinstance(ev, Stats):
            stats = ev
        else:
            assert not isinstance(ev, Token), "no token after Stop"
    assert stats is not None and stats.finish_reason == "cancelled"
    assert stats.completion_tokens == 0 and stats.ttft_ms == 0
    assert progress[0].done == 0 and progress[0].total == stats.prompt_tokens > 2500
    assert progress[0].reading_to == MIN_SLICE  # the reading speed is not known yet: a small slice
    assert stats.context_used == progress[1].done == progress[0].reading_to  # one slice, not all
    assert progress[1].tokens_per_s and progress[1].tokens_per_s > 0
    # the next turn reuses the slice already read
    _, again, _ = run(eng, [ChatMessage("user", LONG)])
    assert again.cached_tokens == stats.context_used and again.completion_tokens > 0
    eng.unload()


def test_slices_grow_with_the_reading_speed_up_to_n_batch() -> None:
    """On the CPU Stop waits for the graph node in progress, whose time grows with the slice."""
    rates = (10, 23, 86, 130, 1000, 10_000)
    sizes = [slice_tokens(rate, 16, 512) for rate in rates]
    assert slice_tokens(None, 16, 512) == sizes[0] == MIN_SLICE and sizes[-1] == 512
    assert sizes == sorted(sizes) and all(s & (s - 1) == 0 for s in sizes)  # powers of two
    # above the smallest slice, each slice's largest node (a third of a layer) takes STOP_WITHIN_S or less
    node_s = [s / rate / (3 * 16) for s, rate in zip(sizes, rates, strict=True) if s > MIN_SLICE]
    assert node_s and max(node_s) <= STOP_WITHIN_S
    assert slice_tokens(10_000, 16, 128) == 128


def test_stop_mid_slice_from_another_thread(synthetic_small: Path) -> None:
    """Stop pressed while a slice is being evaluated: the engine ends without reading the rest."""
    import threading

    eng = LocalEngine()
    eng.load(synthetic_small, LoadParams(n_ctx=4096))
    cancel = CancelToken()
    stats = None
    for ev in eng.stream([ChatMessage("user", LONG)], GREEDY, cancel):
        if isinstance(ev, PromptProgress) and ev.done == 0:
            threading.Timer(0.05, cancel.cancel).start()
        elif isinstance(ev, Stats):
            stats = ev
    assert stats is not None and stats.finish_reason == "cancelled"
    assert stats.context_used < stats.prompt_tokens // 2
    eng.unload()


def test_quantized_kv_cache_needs_flash_attention(starter_model: Path) -> None:
    with pytest.raises(HearthError, match="flash attention"):
        LocalEngine().load(starter_model, LoadParams(n_ctx=512, kv_type="q8_0"))
    with pytest.raises(HearthError, match="KV cache type"):
        LocalEngine().load(starter_model, LoadParams(n_ctx=512, kv_type="q3_k"))
    eng = LocalEngine()
    info = eng.load(starter_model, LoadParams(n_ctx=1024, kv_type="q8_0", flash_attn=True))
    assert info.kv_type == "q8_0" and info.flash_attn
    text, stats, _ = run(eng, [ChatMessage("user", "What is the capital of France?")])
    assert text.strip() and stats.completion_tokens > 0
    eng.unload()


def test_gpu_attempts_fall_back_to_fewer_layers_then_cpu() -> None:
    from app.chat.engine import gpu_attempts

    assert gpu_attempts(-1, 32) == [33, 16, 8, 0]
    assert gpu_attempts(5, 4) == [5, 2, 1, 0]
    assert gpu_attempts(1, 4) == [1, 0]
    assert gpu_attempts(0, 4) == [0]


def unknown_vram_gpu() -> hardware.Gpu:
    return hardware.Gpu(offload_supported=True, name="", vram_total_bytes=None, vram_free_bytes=None)


def test_unknown_vram_plans_full_offload_and_loads(
    starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GPU build that cannot read free VRAM (Metal, Vulkan, ROCm, CUDA without NVML): auto offloads
    every layer and the load is not refused. (On this CPU build llama.cpp keeps them on the CPU.)"""
    monkeypatch.setattr(hardware, "gpu", unknown_vram_gpu)
    report = fit.plan_file(starter_model, 1024, None)
    assert report.fits and not report.vram_known and report.gpu_layers == 31
    eng = LocalEngine()
    info = eng.load(starter_model, LoadParams(n_ctx=1024))  # n_gpu_layers: auto
    assert info.n_gpu_layers == 31 and "31/31 layers" in info.device and "unknown" in info.device
    eng.unload()


FALLBACK = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (16 * 2**30, 16 * 2**30))  # no allocation past 16 GB
from app import hardware
from app.chat.engine import LocalEngine
from app.errors import HearthError
from app.settings import LoadParams
hardware.gpu = lambda: hardware.Gpu(True, "", None, None)
try:
    LocalEngine().load(Path(sys.argv[1]), LoadParams(n_ctx=2**23, allow_oversize=True))
except HearthError as exc:
    print(exc)
"""


def test_failed_allocation_retries_fewer_layers_then_cpu(synthetic_small: Path) -> None:
    """A context llama.cpp cannot allocate (a 32 GB KV cache under a 16 GB address-space limit): the
    loader tries the planned offload, fewer layers, then the CPU, and says so in one plain error."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "-c", FALLBACK, str(synthetic_small)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    message = proc.stdout.strip()
    assert "could not allocate it on the GPU nor on the CPU" in message
    for layers in (5, 2, 1, 0):
        assert f"{layers} GPU layers:" in message
