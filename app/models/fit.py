"""Memory plan for running a GGUF model with llama.cpp: will it fit on this machine, and how?

The estimate follows what llama.cpp (as built into llama-cpp-python 0.3.36) actually allocates
and touches, term by term, so that it can be checked against a measured peak RSS:

* weights: the tensor bytes from the header. On CPU they are mmapped and every page is touched
  while generating (tied or full output matrix), so all of them become resident.
* KV cache: ``cells × n_head_kv × (key_length + value_length) × bytes/element`` per layer. llama.cpp
  pads the context to 256 cells and zero-fills the cache at load, so all of it is resident.
  Sliding-window layers keep only ``pad256(min(n_ctx, n_swa + n_ubatch))`` cells when the SWA cache
  is not full-size (``swa_full=False``); llama.cpp's default is ``swa_full=True`` (full size).
* compute buffer: the graph allocator reuses memory between ops, so the live set is the largest
  single stage for one micro-batch of prompt tokens: attention (the f32 ``KQ`` matrix
  ``n_head × n_kv × n_tokens`` + Q/K/V + residual) or the FFN (gate, up, activation + residual).
  Only the last token's logits are produced (``n_vocab × 4`` bytes), not a full batch of them.
* host-side structures that scale with the file: llama.cpp's vocabulary (per token a
  ``std::string``, a hash-map node and a piece cache, ~170 bytes; per BPE merge a ``std::map``
  node with two strings, ~112 bytes), and the GGUF metadata it holds in memory while loading
  (about twice the header: raw arrays plus string objects).
* a fixed runtime allowance (thread pool, ggml contexts, sampler, Python wrappers): 8 MiB, plus,
  without flash attention, 10.5 KiB per context cell. That per-cell term is calibrated, not derived:
  with the context full, both SmolLM2 (llama) and gemma-3 (a different architecture and vocabulary)
  grow by ~10.5 KiB per cell beyond the terms above (42 MiB at 4096 cells, 5-6 MiB at 512), whatever
  their head counts. It belongs to the unfused attention: with flash attention SmolLM2 (512, 2048
  and 4096 cells) grows by none of it (within 1-3 %), and neither do the held-out gemma-3, 8192-cell
  and synthetic 0.8B cases (``bench library``).

GPU offload moves whole repeating layers (weights + their KV) to VRAM; llama.cpp also offloads
the output layer when ``n_gpu_layers > n_layers``. The GPU terms (the compute buffer's size on the
device, a quarter of it on the host, the reserve for the driver's context) have not been measured
on a GPU: they choose how many layers "auto" offloads, but the plan never refuses a load for VRAM —
the engine tries the planned offload and falls back to fewer layers if llama.cpp cannot allocate it.
Free VRAM may be unknown (no NVML): then auto means all layers and the plan says so. The verdict
compares RAM with AVAILABLE memory.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from app.i18n import tr, tr_noop
from app.models import gguf, speed
from app.models.speed import MachineSpeed

MiB = 2**20
GiB = 2**30
N_UBATCH = 512  # llama.cpp default micro-batch
KV_PAD = 256
RUNTIME_BYTES = 8 * MiB
RUNTIME_PER_CELL = 10_752  # calibrated, without flash attention: see the module docstring
VOCAB_TOKEN_BYTES = 170
VOCAB_MERGE_BYTES = 112
KV_BYTES = {"f32": 4.0, "f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32, "q4_1": 20 / 32,
            "q5_0": 22 / 32, "q5_1": 24 / 32, "iq4_nl": 18 / 32}  # fmt: skip
GPU_RESERVE = 300 * MiB  # CUDA/Metal context and driver allocations (not measured: see above)

# FitReport.verdict: the kind (what to act on) in words, for the user (shown through tr())
VERDICT_GPU = tr_noop("full GPU offload")
VERDICT_RAM = tr_noop("fits in RAM")
VERDICT_TIGHT = tr_noop("tight")
VERDICT_TOO_LARGE = tr_noop("too large")
VERDICT_VRAM_UNKNOWN = tr_noop("GPU memory unknown")
# FitReport.kind (what to act on); .verdict is its text
Verdict = Literal["gpu", "partial", "ram", "tight", "too large", "vram unknown"]


@dataclass(frozen=True)
class Machine:
    """What the plan is compared with (defaults to this machine)."""

    available_ram: int
    total_ram: int
    free_vram: int | None = None  # None: unknown (never read as zero)
    offload_supported: bool = False
    speed: MachineSpeed | None = None  # None: no speed prediction

    @staticmethod
    def current() -> Machine:
        """This machine now (imports llama_cpp, and measures memory bandwidth on the first run: call
        off the GUI thread)."""
        from app import hardware

        mem = hardware.memory()
        try:
            g = hardware.gpu()
            offload, vram, gpu_bw = g.offload_supported, g.vram_free_bytes, g.bandwidth_bytes_per_s
        except ImportError:  # llama_cpp missing: plan for CPU
            offload, vram, gpu_bw = False, None, None
        bandwidth = hardware.memory_bandwidth().bytes_per_s
        return Machine(mem.available_bytes, mem.total_bytes, vram, offload, MachineSpeed(bandwidth, gpu_bw))


@dataclass(frozen=True)
class FitReport:
    n_ctx: int
    weights_bytes: int
    kv_cache_bytes: int
    compute_bytes: int
    overhead_bytes: int
    ram_bytes: int  # RAM needed with the requested GPU layers
    vram_bytes: int  # VRAM needed with the requested GPU layers
    gpu_layers: int  # layers "auto" offloads: what fits free VRAM minus a reserve (all if unknown)
    n_layers: int
    verdict: str
    fits: bool
    summary: str
    bytes_read: int = 0
    vram_known: bool = True
    kind: Verdict = "ram"
    # generation speed on this machine: the mean over a conversation that fills n_ctx, and with the
    # context full (None when the machine's speed is unknown); see app.models.speed
    predicted_tokens_per_s: float | None = None
    predicted_tokens_per_s_full: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _gb(n: int) -> str:
    return f"{n / GiB:.2f} GB"


def kv_cells(info: gguf.GgufInfo, n_ctx: int, swa_full: bool = True) -> tuple[int, int]:
    """(cells for full-attention layers, cells for sliding-window layers)."""
    full = math.ceil(n_ctx / KV_PAD) * KV_PAD
    if not info.sliding_window or swa_full:
        return full, full
    swa = math.ceil(min(full, info.sliding_window + N_UBATCH) / KV_PAD) * KV_PAD
    return full, swa


def kv_per_layer(info: gguf.GgufInfo, n_ctx: int, kv_type: str = "f16", swa_full: bool = True) -> list[int]:
    """KV cache bytes of each layer."""
    per_elem = KV_BYTES.get(kv_type.lower(), 2.0)
    full, swa = kv_cells(info, n_ctx, swa_full)
    width = info.n_head_kv * (info.key_length + info.value_length)
    pattern = info.swa_pattern
    out = []
    for il in range(info.n_layers):
        # llama.cpp: with pattern N, layer il is SWA unless (il + 1) % N == 0
        is_swa = pattern > 0 and (il + 1) % pattern != 0
        out.append(int((swa if is_swa else full) * width * per_elem))
    return out


def compute_bytes(
    info: gguf.GgufInfo, n_ctx: int, prompt_tokens: int | None = None, flash_attn: bool = False
) -> int:
    """Live compute memory for the largest micro-batch (see module docstring). Flash attention never
    materialises the ``KQ`` matrix: only Q/K/V, the output and the f16 mask are live."""
    if prompt_tokens is None:  # worst case: a full micro-batch attending to the whole context
        n_ub, n_kv = min(n_ctx, N_UBATCH), math.ceil(n_ctx / KV_PAD) * KV_PAD
    else:
        n_ub = max(1, min(prompt_tokens, N_UBATCH))
        n_kv = math.ceil(prompt_tokens / KV_PAD) * KV_PAD
    head_dim = max(info.key_length, info.value_length)
    residual = 2 * n_ub * info.n_embd * 4
    qkv = n_ub * (info.n_head + 2 * info.n_head_kv) * head_dim * 4
    attention = qkv + (n_kv * n_ub * 2 if flash_attn else info.n_head * n_kv * n_ub * 4)
    ffn = 3 * n_ub * info.n_ff * 4
    logits = info.n_vocab * 4
    return max(attention, ffn) + residual + logits


def overhead_bytes(info: gguf.GgufInfo, n_ctx: int, flash_attn: bool = False) -> int:
    merges = info.array_lengths.get("tokenizer.ggml.merges", 0)
    vocab = info.n_vocab * VOCAB_TOKEN_BYTES + merges * VOCAB_MERGE_BYTES
    output = info.n_vocab * 4  # llama.cpp output buffer for one sequence's logits
    per_cell = 0 if flash_attn else math.ceil(n_ctx / KV_PAD) * KV_PAD * RUNTIME_PER_CELL
    return vocab + 2 * info.header_bytes_read + output + RUNTIME_BYTES + per_cell


def plan(
    info: gguf.GgufInfo,
    n_ctx: int,
    n_gpu_layers: int | None = 0,
    machine: Machine | None = None,
    kv_type: str = "f16",
    swa_full: bool = True,
    prompt_tokens: int | None = None,
    weights_bytes: int | None = None,
    flash_attn: bool = False,
) -> FitReport:
    """Memory plan for ``info`` at ``n_ctx`` with ``n_gpu_layers`` offloaded (-1 = all, None = as
    many as the free VRAM holds, all of them when free VRAM is unknown)."""
    machine = machine or Machine.current()
    n_ctx = n_ctx if n_ctx > 0 else (info.context_length or 4096)
    weights = weights_bytes if weights_bytes is not None else info.weights_bytes
    layers = info.layer_bytes()
    if weights != info.weights_bytes and info.weights_bytes:  # other quant / split: scale the layers
        layers = [int(b * weights / info.weights_bytes) for b in layers]
    kv = kv_per_layer(info, n_ctx, kv_type, swa_full)
    compute = compute_bytes(info, n_ctx, prompt_tokens, flash_attn)
    overhead = overhead_bytes(info, n_ctx, flash_attn)
    n_layers = info.n_layers
    offload = machine.offload_supported
    vram_known = machine.free_vram is not None

    def split(ngl: int) -> tuple[int, int]:
        ngl = n_layers + 1 if ngl < 0 else ngl
        if ngl <= 0 or not offload:
            return weights + sum(kv) + compute + overhead, 0
        on_gpu = list(range(max(0, n_layers - ngl), n_layers))  # llama.cpp offloads the last layers
        gpu_w = sum(layers[i] for i in on_gpu) + (weights - sum(layers) if ngl > n_layers else 0)
        vram = gpu_w + sum(kv[i] for i in on_gpu) + compute
        # the graph runs on the GPU; llama.cpp keeps a smaller host buffer for the CPU layers and the
        # transfers (not measured: no GPU on the bench machines), taken as a quarter of it
        ram = weights - gpu_w + sum(kv) - sum(kv[i] for i in on_gpu) + overhead + compute // 4
        return ram, vram

    best = 0
    if offload and not vram_known:
        best = n_layers + 1
    elif offload and machine.free_vram:
        budget = machine.free_vram - GPU_RESERVE
        best = next((ngl for ngl in range(n_layers + 1, 0, -1) if split(ngl)[1] <= budget), 0)
    if n_gpu_layers is None:
        n_gpu_layers = -1 if best > n_layers else best
    ram, vram = split(n_gpu_layers)
    headroom = machine.available_ram - ram
    margin = max(ram // 10, 256 * MiB)
    full_offload = n_gpu_layers < 0 or n_gpu_layers > n_layers
    kind: Verdict
    if headroom < 0:
        kind, verdict = "too large", tr(VERDICT_TOO_LARGE)
    elif vram and not vram_known:
        kind, verdict = "vram unknown", tr(VERDICT_VRAM_UNKNOWN)
    elif vram and full_offload:
        kind, verdict = "gpu", tr(VERDICT_GPU)
    elif vram:
        verdict = tr("partial offload ({used} of {total} layers)").format(used=n_gpu_layers, total=n_layers)
        kind = "partial"
    elif headroom < margin:
        kind, verdict = "tight", tr(VERDICT_TIGHT)
    else:
        kind, verdict = "ram", tr(VERDICT_RAM)
    fits = kind != "too large"
    tps = tps_full = None
    if machine.speed is not None:
        ngl = n_gpu_layers if offload else 0
        tps, tps_full = (
            round(1 / predict_seconds(info, fill, ngl, machine.speed, kv_type, weights), 1)
            for fill in (max(1, n_ctx // 2), n_ctx)
        )
    figures = {"ram": _gb(ram), "vram": _gb(vram), "n_ctx": n_ctx, "weights": _gb(weights),
               "kv": _gb(sum(kv)), "available": _gb(machine.available_ram), "verdict": verdict}  # fmt: skip
    if vram:
        summary = tr(
            "Needs about {ram} of RAM and {vram} of VRAM at {n_ctx} tokens of context (weights {weights},"
            " KV cache {kv}); {available} of RAM is available: {verdict}."
        ).format(**figures)
    else:
        summary = tr(
            "Needs about {ram} of RAM at {n_ctx} tokens of context (weights {weights}, KV cache {kv});"
            " {available} of RAM is available: {verdict}."
        ).format(**figures)
    if tps is not None:
        summary += " " + tr(
            "Predicted speed here: about {tps} tokens/s ({full} with the context full)."
        ).format(tps=f"{tps:.0f}", full=f"{tps_full:.0f}")
    if vram and not vram_known:
        summary += " " + tr(
            "Free GPU memory cannot be read on this system: the load tries this offload and falls back"
            " to fewer layers if llama.cpp cannot allocate it."
        )
    elif vram and machine.free_vram is not None and vram > machine.free_vram - GPU_RESERVE:
        summary += " " + tr(
            "Only {free} of VRAM is free: {best} GPU layers should fit"
            " (the load falls back to fewer layers if needed)."
        ).format(free=_gb(machine.free_vram), best=best)
    return FitReport(n_ctx, weights, sum(kv), compute, overhead, ram, vram, best, n_layers, verdict, fits,
                     summary, info.bytes_fetched or info.header_bytes_read, vram_known, kind,
                     tps, tps_full)  # fmt: skip


def predict_seconds(
    info: gguf.GgufInfo,
    n_tokens: int,
    n_gpu_layers: int,
    machine: MachineSpeed,
    kv_type: str = "f16",
    weights_bytes: int | None = None,
) -> float:
    """Seconds to generate one token with ``n_tokens`` in the context (see app.models.speed)."""
    layer_read, other_read = speed.weights_read(info, weights_bytes)
    group = max(1, info.n_head // max(1, info.n_head_kv))  # query heads per KV head
    kv_read = [b * group for b in kv_per_layer(info, n_tokens, kv_type, swa_full=False)]
    return speed.seconds_per_token(layer_read, other_read, kv_read, n_gpu_layers, machine)


def plan_file(
    path: Path,
    n_ctx: int,
    n_gpu_layers: int | None = 0,
    machine: Machine | None = None,
    kv_type: str = "f16",
    swa_full: bool = True,
    info: gguf.GgufInfo | None = None,
    flash_attn: bool = False,
) -> FitReport:
    """:func:`plan` for a model file on disk (its header ``info`` if already read): a split model
    counts every part. Used by the load check, the installed list and ``models fit``.

    ``kv_type``, ``swa_full`` and ``flash_attn`` must match what the engine passes to llama.cpp
    (``type_k``/``type_v``, ``swa_full``, ``flash_attn``; llama.cpp's defaults are f16, a full-size
    SWA cache and, in llama-cpp-python, no flash attention).
    """
    path = Path(path)
    info = info or gguf.read_file(path)
    weights = _split_weights(path, info)
    return plan(
        info, n_ctx, n_gpu_layers, machine, kv_type, swa_full, weights_bytes=weights, flash_attn=flash_attn
    )


def _split_weights(path: Path, info: gguf.GgufInfo) -> int | None:
    """For ``-0000K-of-0000N.gguf`` files, the weights of all parts (tensor bytes of each part)."""
    if info.split_count <= 1:
        return None
    from app.models.names import split_parts

    others = [p for p in split_parts(path, info.split_count) if p != path and p.is_file()]
    return info.weights_bytes + sum(gguf.read_file(p).weights_bytes for p in others)
