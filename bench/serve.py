"""``main.py bench serve``: Hearth's API, its remote engine and ``docs migrate``, each against a reference.

- ``api_throughput_ratio``: tokens/s streamed through Hearth's ``/v1/chat/completions`` (a plain
  httpx SSE reader as the client) / tokens/s of a reply run in-process on the same engine, same
  prompt, alternating (AB BA AB…, ``PAIRS`` pairs); ``api_ttft_overhead_ms``: what the API adds to
  the time to the first token, p50 over the API's runs: the client's time to the first token minus
  the engine's own for that request (``timings.prompt_ms`` of the last chunk), less the same
  difference in-process. Comparing whole TTFTs of two runs instead would measure how differently
  two prompts were read (±70 ms here), not the API.
- ``remote_throughput_ratio``: Hearth's remote engine against ``llama_cpp.server`` / a plain SSE
  read of the same server with the same request body, alternating.
- ``migrate_chunks_per_s``: ``docs migrate`` of a ``MIGRATE_CHUNKS``-chunk library (random unit
  vectors, 384 dimensions, 1,000 chunks a document: nothing to embed) to a local ``chroma run``.

Rates are measured the same way on both sides: (tokens − 1) / (last token − first token), timed where
the tokens arrive. Each run's prompt starts with its own tag, so no run reuses another's KV cache.
Greedy, the starter model, the machine's physical cores as threads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.chat import _cpu_flags, spread
from bench.report import emit

ROOT = Path(__file__).resolve().parents[1]
PAIRS = int(os.environ.get("HEARTH_BENCH_PAIRS", "6"))
MAX_TOKENS = 160
PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm."
MIGRATE_CHUNKS = int(os.environ.get("HEARTH_BENCH_MIGRATE_CHUNKS", "100000"))
PER_DOC = 1000


def timed_tokens(tokens: Iterator[object]) -> tuple[float, float, int]:
    """(time to the first token from now, tokens/s after it, tokens) of a token iterator."""
    start = time.perf_counter()
    first = last = 0.0
    n = 0
    for _ in tokens:
        last = time.perf_counter()
        if n == 0:
            first = last
        n += 1
    rate = (n - 1) / (last - first) if n > 1 and last > first else 0.0
    return (first - start) * 1000, rate, n


def sse_tokens(
    http: Any, url: str, body: dict[str, Any], timings: dict[str, Any] | None = None
) -> Iterator[str]:
    """The content deltas of a streamed chat completion, read plainly (``timings``: the last chunk's)."""
    with http.stream("POST", url, json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            if timings is not None and "timings" in chunk:
                timings.update(chunk["timings"])
            for choice in chunk.get("choices") or []:
                content = (choice.get("delta") or {}).get("content")
                if content:
                    yield content


def greedy() -> Any:
    from app.settings import SamplingParams

    return SamplingParams(temperature=0.0, seed=1, max_tokens=MAX_TOKENS)


def reply_tokens(engine: Any, text: str, timings: dict[str, Any] | None = None) -> Iterator[str]:
    from app.assistant.reply import Finished, Reply, ReplyRequest
    from app.chat.types import ChatMessage, Token

    reply = Reply(ReplyRequest((ChatMessage("user", text),), greedy(), checkpoint=False))
    for event in reply.run(engine):
        if isinstance(event, Token):
            yield event.text
        elif isinstance(event, Finished) and event.stats is not None and timings is not None:
            timings["prompt_ms"] = event.stats.ttft_ms


def body(text: str) -> dict[str, Any]:
    return {"model": "hearth", "messages": [{"role": "user", "content": text}], "stream": True,
            "max_tokens": MAX_TOKENS, "temperature": 0.0, "seed": 1}  # fmt: skip


Tokens = Callable[[str, dict[str, Any]], Iterator[object]]  # (prompt, timings it fills) → tokens


def pairs(a: Tokens, b: Tokens) -> dict[str, list[float]]:
    """ABBA… on tagged copies of the prompt: B's rate / A's, B's TTFT − A's, and where both sides
    report the engine's own TTFT, what B adds to it minus what A adds, per pair."""
    out: dict[str, list[float]] = {"ratio": [], "ttft_diff_ms": [], "added_ttft_diff_ms": [], "a_tps": [],
                                   "b_tps": [], "counts": []}  # fmt: skip

    def run(side: Tokens, text: str) -> tuple[float, float, int, float | None]:
        timings: dict[str, Any] = {}
        ttft, rate, n = timed_tokens(side(text, timings))
        own = timings.get("prompt_ms")
        return ttft, rate, n, (ttft - float(own)) if own is not None else None

    run(a, "Warm-up. " + PROMPT)
    run(b, "Warm-up again. " + PROMPT)
    for i in range(PAIRS):  # ABBA…: a side that runs second is not always the same one
        first, second = (a, b) if i % 2 == 0 else (b, a)
        one = run(first, f"Run {2 * i + 1}. {PROMPT}")
        two = run(second, f"Run {2 * i + 2}. {PROMPT}")
        (ta, ra, na, xa), (tb, rb, nb, xb) = (one, two) if i % 2 == 0 else (two, one)
        out["ratio"].append(rb / ra)
        out["ttft_diff_ms"].append(tb - ta)
        if xa is not None and xb is not None:
            out["added_ttft_diff_ms"].append(xb - xa)
        out["a_tps"].append(ra)
        out["b_tps"].append(rb)
        out["counts"].append(float(min(na, nb)))
    return out


def api_pairs(model: Path) -> dict[str, list[float]]:
    import httpx

    from app.assistant.runner import EngineRunner
    from app.assistant.server import ApiServer, ServerConfig
    from app.chat.engine import LocalEngine
    from app.settings import LoadParams

    engine = LocalEngine()
    engine.load(model, LoadParams(n_ctx=2048))
    runner = EngineRunner(lambda: engine)
    api = ApiServer(runner, ServerConfig(port=0, sampling=greedy())).start()

    def in_process(
        text: str, timings: dict[str, Any]
    ) -> Iterator[str]:  # on the engine thread, as API replies
        tokens: list[str | None] = []
        cond = threading.Condition()

        def work(_r: Any) -> None:
            for t in reply_tokens(engine, text, timings):
                with cond:
                    tokens.append(t)
                    cond.notify()
            with cond:
                tokens.append(None)
                cond.notify()

        runner.submit(work)
        i = 0
        while True:
            with cond:
                while len(tokens) <= i:
                    cond.wait()
                item = tokens[i]
            if item is None:
                return
            i += 1
            yield item

    try:
        with httpx.Client(timeout=300, trust_env=False) as http:
            return pairs(
                in_process, lambda text, t: sse_tokens(http, api.url + "/chat/completions", body(text), t)
            )
    finally:
        api.close()
        runner.shutdown(5)


def remote_pairs(model: Path, folder: Path) -> dict[str, list[float]]:
    import httpx

    from app.chat import servers
    from app.chat.remote import RemoteEngine
    from app.chat.types import ChatMessage
    from app.settings import RemoteSettings
    from tests.support.openai_server import llama_cpp_server

    with llama_cpp_server(model, folder) as running, httpx.Client(timeout=300, trust_env=False) as http:
        engine = RemoteEngine(servers.RemoteServer("bench", servers.normalize_url(running.url), n_ctx=2048),
                              RemoteSettings())  # fmt: skip
        engine.ready()

        def plain(text: str, _timings: dict[str, Any]) -> Iterator[str]:  # the very request the engine sends
            request = engine._body([ChatMessage("user", text)], greedy(), MAX_TOKENS)
            return sse_tokens(http, running.url + "/v1/chat/completions", request)

        try:  # A: plain, B: the engine (a reply through the reply controller)
            return pairs(plain, lambda text, _t: reply_tokens(engine, text))
        finally:
            engine.unload()


def migrate_rate(folder: Path) -> dict[str, Any]:
    import numpy as np

    from app.docs.chunking import Chunk
    from app.docs.index import DocIndex
    from app.docs.migrate import migrate
    from app.docs.readers import Unit
    from tests.support.chroma_server import chroma_run

    rng = np.random.default_rng(7)
    local = DocIndex(root=folder / "local")
    local.ensure_library("bench", "bench-model", 384)
    t0 = time.perf_counter()
    for d in range(MIGRATE_CHUNKS // PER_DOC):
        doc = local.begin("bench", f"/bench/doc-{d}.txt", f"{d:064x}", kind="text")
        chunks = [Chunk(f"Document {d} passage {i}: the harbour log, tides and boats.", 1 + i // 10, i, 16)
                  for i in range(PER_DOC)]  # fmt: skip
        vectors = rng.standard_normal((PER_DOC, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        local.add_vectors("bench", doc, chunks, vectors)
        units = [Unit(f"page {p}") for p in range(PER_DOC // 10)]
        local.complete(doc, units, chunks, [160] * len(units))
    build_s = time.perf_counter() - t0
    with chroma_run(folder) as url:
        last = list(migrate("bench", local, DocIndex(url, root=folder / "remote")))[-1]
    return {"chunks": last.chunks_copied, "seconds": round(last.elapsed_s, 1),
            "chunks_per_s": round(last.chunks_per_s, 1), "local_build_s": round(build_s, 1)}  # fmt: skip


def main(args: argparse.Namespace) -> int:
    home = Path(tempfile.mkdtemp(prefix="hearth-bench-serve-"))
    os.environ["HEARTH_HOME"] = str(home)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    sys.path.insert(0, str(ROOT))
    from app import hardware
    from app.models.bundled import starter_model_path

    starter = starter_model_path()
    t0 = time.monotonic()

    def step(name: str) -> None:
        print(f"bench serve: {name} done at {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)

    api = api_pairs(starter)
    step("API pairs")
    remote = remote_pairs(starter, home)
    step("remote pairs")
    migrated = migrate_rate(home / "migrate")
    step("migrate")
    results: dict[str, Any] = {
        "api_throughput_ratio": spread(api["ratio"])["median"],
        "api_throughput_ratio_spread": spread(api["ratio"]),
        "api_ttft_overhead_ms": spread(api["added_ttft_diff_ms"], 2)["median"],
        "api_ttft_overhead_ms_spread": spread(api["added_ttft_diff_ms"], 2),
        "api_ttft_diff_whole_ms": spread(api["ttft_diff_ms"], 2),  # two prompts' reads: noise
        "tokens_per_s_in_process_api": [spread(api["a_tps"], 1), spread(api["b_tps"], 1)],
        "remote_throughput_ratio": spread(remote["ratio"])["median"],
        "remote_throughput_ratio_spread": spread(remote["ratio"]),
        "remote_ttft_overhead_ms": spread(remote["ttft_diff_ms"], 2)["median"],
        "tokens_per_s_plain_sse_remote_engine": [spread(remote["a_tps"], 1), spread(remote["b_tps"], 1)],
        "tokens_per_run_min": int(min(api["counts"] + remote["counts"])),
        "migrate_chunks_per_s": migrated["chunks_per_s"],
        "migrate": migrated,
        "pairs": PAIRS,
        "threads": hardware.physical_cores(),
        "model": starter.name,
        "cpu_flags": _cpu_flags(),
    }
    emit(results, args.json)
    return 0
