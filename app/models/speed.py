"""Predicted generation speed (tokens/s) from the bytes read per generated token and this machine's
memory bandwidth.

Generating one token reads every weight once (the matrix-vector products are memory-bound on a
laptop), plus the KV cache of the tokens already in the context, so the time per token is::

    t = cpu_bytes / (bandwidth × EFFICIENCY) + gpu_bytes / (gpu_bandwidth × EFFICIENCY)
        + cpu_layers × LAYER_S + TOKEN_S

* weights read: all tensors, except that the token embedding is only looked up (one row) when the
  model has a separate ``output.weight`` (tied embeddings are read whole by the output layer), and
  mixture-of-experts tensors (``*_exps``) count ``expert_used_count / expert_count`` of their bytes.
* KV read: what :func:`app.models.fit.kv_per_layer` gives for the tokens in the context (sliding
  window layers read their window only), once per query head of each KV head's group: llama.cpp's
  attention reads a KV head for each query head that shares it (without this the starter, 3 query
  heads per KV head, was predicted 37 tok/s at 1,536 tokens; it measured 29).
* ``bandwidth``: measured once per machine (:func:`app.hardware.memory_bandwidth`);
  ``gpu_bandwidth``: NVIDIA's bus width × memory clock through NVML; unknown elsewhere, where the
  GPU layers are counted at the CPU's bandwidth (no speed-up claimed that was not measured).
* ``EFFICIENCY`` (the share of the measured bandwidth llama.cpp's kernels reach: on a laptop core
  decoding Q4 blocks costs as much as reading them) and ``LAYER_S`` (per-layer cost that does not
  scale with bytes: graph set-up, the barriers of the threads) were fitted (least squares on the
  relative error, ``TOKEN_S`` fixed) on the starter and the synthetic 0.8B model at 64 tokens of
  context, timed on a quiet machine with the app's thread count (5 runs of ``bench speed``; an
  earlier fit, timed on one thread of a loaded machine, missed the barriers of two threads and
  predicted the starter 1.4x too fast there); held out: 512–1,536 tokens, q8_0 KV with flash
  attention, gemma-3-270m and the small synthetic model (``python main.py bench speed``; figures
  and machine in the README). The GPU terms are not measured (no GPU on the bench machines).

The figure shown is the mean speed over a conversation that fills the chosen context (time per
token grows linearly with the tokens in the context, so the mean is the speed at half of it); the
speed with the context full is given as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import gguf

EFFICIENCY = 0.585  # fitted: see the module docstring
LAYER_S = 147e-6  # fitted: per layer run on the CPU, per token
TOKEN_S = 300e-6  # sampling and the Python binding, per token (not fitted)
GPU_LAYER_S = 20e-6  # kernel launches per layer on a GPU (not measured)


@dataclass(frozen=True)
class MachineSpeed:
    bandwidth: float  # bytes/s the CPU reads (measured)
    gpu_bandwidth: float | None = None  # bytes/s of the GPU's memory; None: unknown


def weights_read(info: gguf.GgufInfo, weights_bytes: int | None = None) -> tuple[list[int], int]:
    """Bytes of weights read per generated token: (per repeating layer, everything else)."""
    names = {t.name for t in info.tensors}
    n_expert = int(info.metadata.get(f"{info.architecture}.expert_count", 0) or 0)
    n_used = int(info.metadata.get(f"{info.architecture}.expert_used_count", 0) or 0)
    per_layer = [0] * info.n_layers
    other = 0
    for t in info.tensors:
        n = t.n_bytes
        if t.name == "token_embd.weight" and "output.weight" in names:
            n //= max(1, t.shape[-1] if t.shape else 1)  # one row looked up
        elif "_exps" in t.name and n_expert and n_used:
            n = n * n_used // n_expert
        if t.layer is not None and 0 <= t.layer < info.n_layers:
            per_layer[t.layer] += n
        else:
            other += n
    total = info.weights_bytes
    if weights_bytes is not None and total and weights_bytes != total:  # another quant, or split parts
        scale = weights_bytes / total
        per_layer, other = [int(b * scale) for b in per_layer], int(other * scale)
    return per_layer, other


def seconds_per_token(
    layer_bytes: list[int],
    other_bytes: int,
    kv_bytes: list[int],
    n_gpu_layers: int,
    machine: MachineSpeed,
) -> float:
    """Time to generate one token with ``kv_bytes`` of KV cache read per layer. llama.cpp offloads
    the last ``n_gpu_layers`` layers, and the output layer too when ``n_gpu_layers`` exceeds them."""
    n_layers = len(layer_bytes)
    ngl = n_layers + 1 if n_gpu_layers < 0 else min(n_gpu_layers, n_layers + 1)
    on_gpu = range(max(0, n_layers - ngl), n_layers)
    gpu = sum(layer_bytes[i] + kv_bytes[i] for i in on_gpu) + (other_bytes if ngl > n_layers else 0)
    cpu = sum(layer_bytes) + sum(kv_bytes) + other_bytes - gpu
    gpu_bw = machine.gpu_bandwidth or machine.bandwidth
    cpu_layers = n_layers - len(on_gpu)
    return (
        cpu / (machine.bandwidth * EFFICIENCY)
        + gpu / (gpu_bw * EFFICIENCY)
        + cpu_layers * LAYER_S
        + len(on_gpu) * GPU_LAYER_S
        + TOKEN_S
    )
