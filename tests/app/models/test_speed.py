"""Predicted speed: bytes read per token from real GGUF headers, the time model, and the plan's figures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.models import fit, gguf, speed
from app.models.speed import MachineSpeed
from tests.support import gguf_write

GB = 1e9
MACHINE = fit.Machine(available_ram=2**40, total_ram=2**40, speed=MachineSpeed(20 * GB))


def test_tied_embedding_is_read_whole(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    assert "output.weight" not in {t.name for t in info.tensors}  # SmolLM2 ties its output to the embedding
    per_layer, other = speed.weights_read(info)
    assert sum(per_layer) + other == info.weights_bytes
    assert len(per_layer) == info.n_layers and min(per_layer) > 0


def test_separate_output_reads_one_embedding_row(tmp_path: Path) -> None:
    path = gguf_write.tiny_llama(tmp_path / "t.gguf", n_vocab=4096, n_embd=64)
    with_output = gguf_write.write(
        tmp_path / "o.gguf",
        gguf.read_file(path).metadata | {"tokenizer.ggml.tokens": [f"t{i}" for i in range(4096)]},
        [("token_embd.weight", 2, (64, 4096)), ("blk.0.attn_q.weight", 2, (64, 64)),
         ("output.weight", 2, (64, 4096))],
    )  # fmt: skip
    info = gguf.read_file(with_output)
    embd = next(t for t in info.tensors if t.name == "token_embd.weight")
    _, other = speed.weights_read(info)
    output = next(t for t in info.tensors if t.name == "output.weight")
    assert other == output.n_bytes + embd.n_bytes // 4096


def test_experts_count_only_the_active_share(tmp_path: Path) -> None:
    meta = {"general.architecture": "qwen3moe", "qwen3moe.block_count": 1, "qwen3moe.expert_count": 8,
            "qwen3moe.expert_used_count": 2, "qwen3moe.embedding_length": 64}  # fmt: skip
    path = gguf_write.write(tmp_path / "moe.gguf", meta, [("blk.0.ffn_up_exps", 2, (64, 128, 8)),
                                                          ("blk.0.attn_q.weight", 2, (64, 64))])  # fmt: skip
    info = gguf.read_file(path)
    sizes = {t.name: t.n_bytes for t in info.tensors}
    (layer,), _ = speed.weights_read(info)
    assert layer == sizes["blk.0.ffn_up_exps"] // 4 + sizes["blk.0.attn_q.weight"]


def test_plan_predicts_and_a_full_context_is_slower(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    report = fit.plan(info, 8192, 0, MACHINE)
    assert report.predicted_tokens_per_s and report.predicted_tokens_per_s_full
    assert report.predicted_tokens_per_s_full < report.predicted_tokens_per_s
    assert "tokens/s" in report.summary
    faster = fit.plan(info, 8192, 0, replace(MACHINE, speed=MachineSpeed(40 * GB)))
    assert faster.predicted_tokens_per_s > report.predicted_tokens_per_s  # type: ignore[operator]
    assert fit.plan(info, 8192, 0, replace(MACHINE, speed=None)).predicted_tokens_per_s is None


def test_quantized_kv_reads_less(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    f16 = fit.predict_seconds(info, 8000, 0, MACHINE.speed, "f16")  # type: ignore[arg-type]
    q8 = fit.predict_seconds(info, 8000, 0, MACHINE.speed, "q8_0")  # type: ignore[arg-type]
    assert q8 < f16


@pytest.mark.parametrize("gpu_bandwidth", [None, 400 * GB])
def test_gpu_offload(starter_model: Path, gpu_bandwidth: float | None) -> None:
    info = gguf.read_file(starter_model)
    layers, other = speed.weights_read(info)
    kv = fit.kv_per_layer(info, 1024)
    machine = MachineSpeed(20 * GB, gpu_bandwidth)
    cpu = speed.seconds_per_token(layers, other, kv, 0, machine)
    full = speed.seconds_per_token(layers, other, kv, -1, machine)
    if gpu_bandwidth is None:  # unknown GPU bandwidth: no speed-up is claimed for the bytes
        assert full == pytest.approx(cpu - info.n_layers * (speed.LAYER_S - speed.GPU_LAYER_S))
    else:
        assert full < cpu / 5
    half = speed.seconds_per_token(layers, other, kv, info.n_layers // 2, machine)
    assert full <= half <= cpu
