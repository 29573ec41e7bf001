"""``main.py bench chat``: the app's chat path vs a plain ``Llama.generate`` loop, in one run.

Both sides use the starter model, the same prompt tokens, threads and greedy sampling, so they
produce the same tokens; decode speed is counted the same way (first to last token). The 5 ms
GUI heartbeat behind ``gui_max_stall_ms`` runs during a separate long reply and the 10-turn
conversation, not during the speed runs: its ticks are bench instrumentation the app does not have.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.report import emit

ROOT = Path(__file__).resolve().parents[1]
N_CTX = 2048
MAX_TOKENS = 200
RUNS = 3
PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm."


def _raw_tokens_per_s(llm: Any, tokens: list[int], p: Any) -> tuple[float, int]:
    """A plain ``Llama.generate`` loop with the app's sampling ``p`` (a SamplingParams)."""
    import llama_cpp

    llm.reset()
    n, t_first, t_last = 0, 0.0, 0.0
    sampling = {"top_k": p.top_k, "top_p": p.top_p, "min_p": p.min_p, "repeat_penalty": p.repeat_penalty}
    for tok in llm.generate(tokens, temp=p.temperature, **sampling):
        now = time.perf_counter()
        if n == 0:
            t_first = now
        t_last = now
        if llama_cpp.llama_vocab_is_eog(llm._model.vocab, tok):
            break
        n += 1
        llm.detokenize([tok])
        if n >= p.max_tokens:
            break
    return (n - 1) / (t_last - t_first), n


def _startup_s() -> float:
    env = dict(
        os.environ, HEARTH_EXIT_AFTER_SHOW="1", QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen")
    )
    times = []
    for _ in range(3):
        t0 = time.time()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "main.py")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        line = next((ln for ln in proc.stderr.splitlines() if ln.startswith("HEARTH_SHOWN")), None)
        if line is None:
            raise RuntimeError(f"the app did not start: {proc.stderr[-500:]}")
        times.append(float(line.split()[1]) - t0)
    return statistics.median(times)


def main(args: argparse.Namespace) -> int:
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["HEARTH_HOME"] = tempfile.mkdtemp(prefix="hearth-bench-")
    import llama_cpp
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app import hardware
    from app.chat.types import ChatMessage
    from app.models.bundled import starter_model_path
    from app.settings import LoadParams, SamplingParams
    from ui.inference import InferenceController
    from ui.message_view import MessageView

    app = QApplication.instance() or QApplication([])
    model = starter_model_path()
    threads = hardware.physical_cores()
    params = SamplingParams(temperature=0.0, max_tokens=MAX_TOKENS)
    controller = InferenceController()
    view = MessageView()
    view.resize(800, 600)
    view.show()
    controller.reply_text.connect(view.append_text)

    def wait(signal: Any, timeout_ms: int = 300_000) -> list[Any]:
        loop = QEventLoop()
        got: list[Any] = []

        def on_signal(*a: Any) -> None:
            got.extend(a)
            loop.quit()

        signal.connect(on_signal)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        return got

    controller.load(model, LoadParams(n_ctx=N_CTX, n_threads=threads))
    if not wait(controller.model_loaded):
        raise RuntimeError("model did not load")

    # GUI heartbeat: the longest gap between 5 ms ticks while generating
    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(tick)

    reply: list[str] = []
    controller.reply_text.connect(reply.append)
    clock.start()

    def app_run(messages: list[ChatMessage], p: SamplingParams = params, beat: bool = False) -> Any:
        reply.clear()
        view.set_messages([])
        view.begin_reply()
        last[0] = clock.elapsed()
        if beat:
            heartbeat.start()
        controller.generate(messages, p)
        stats = wait(controller.reply_done)[0]
        heartbeat.stop()
        return stats

    raw = llama_cpp.Llama(str(model), n_ctx=N_CTX, n_threads=threads, n_threads_batch=threads, verbose=False)
    from app.chat import context

    fitted = context.fit_prompt(raw, context.make_formatter(raw, raw.metadata.get("tokenizer.chat_template")),
                                [ChatMessage("user", PROMPT)], MAX_TOKENS)  # fmt: skip
    app_speeds, raw_speeds, counts = [], [], []
    for _ in range(RUNS):
        stats = app_run([ChatMessage("user", PROMPT)])
        app_speeds.append(stats.tokens_per_s)
        speed, n = _raw_tokens_per_s(raw, fitted.tokens, params)
        raw_speeds.append(speed)
        counts.append((stats.completion_tokens, n))
    raw.close()
    app_run([ChatMessage("user", PROMPT)], beat=True)  # heartbeat ticks cost CPU: not in the speed runs

    # one growing conversation: TTFT of turn 1 vs turn 10 (KV prefix reused between turns)
    convo = [ChatMessage("system", "You are a helpful assistant.")]
    ttfts = []
    short = SamplingParams(temperature=0.0, max_tokens=48)
    for turn in range(10):
        convo.append(
            ChatMessage("user", f"Question {turn + 1}: give me one fact about the number {turn + 7}.")
        )
        stats = app_run(convo, short, beat=True)
        ttfts.append(stats.ttft_ms)
        convo.append(ChatMessage("assistant", "".join(reply)))
    controller.shutdown()
    view.close()
    view.deleteLater()
    controller.deleteLater()
    app.processEvents()

    tps_app, tps_raw = statistics.median(app_speeds), statistics.median(raw_speeds)
    results = {
        "tokens_per_s_app": round(tps_app, 2),
        "tokens_per_s_raw": round(tps_raw, 2),
        "throughput_ratio": round(tps_app / tps_raw, 3),
        "ttft_turn1_ms": round(ttfts[0], 1),
        "ttft_turn10_ms": round(ttfts[-1], 1),
        "ttft_growth": round(ttfts[-1] / ttfts[0], 3),
        "gui_max_stall_ms": max(gaps, default=0),
        "startup_s": round(_startup_s(), 3),
        "tokens_generated_app_raw": counts,
        "threads": threads,
        "model": model.name,
    }
    emit(results, args.json)
    return 0
