"""Memory plan: KV cache arithmetic, sliding windows, GPU split and verdicts."""

from __future__ import annotations

from pathlib import Path

from app.models import fit, gguf
from app.models.fit import GiB, Machine, MiB
from tests.support import gguf_write

BIG = Machine(available_ram=64 * GiB, total_ram=64 * GiB)


def test_kv_cache_of_starter(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    report = fit.plan(info, 4096, machine=BIG)
    # 30 layers x 4096 cells x 3 kv heads x (64 + 64) x 2 bytes = 90 MiB (llama.cpp prints the same)
    assert report.kv_cache_bytes == 90 * MiB
    assert report.weights_bytes == info.weights_bytes
    assert report.verdict == fit.VERDICT_RAM and report.fits
    assert report.ram_bytes > report.weights_bytes + report.kv_cache_bytes
    assert "GB" in report.summary and "fits in RAM" in report.summary


def test_context_is_padded_to_256(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    assert (
        fit.plan(info, 1000, machine=BIG).kv_cache_bytes == fit.plan(info, 1024, machine=BIG).kv_cache_bytes
    )


def test_sliding_window_layers(gemma_model: Path) -> None:
    info = gguf.read_file(gemma_model)
    per_token = 18 * 1 * 512 * 2  # 18 layers, 1 kv head, 256 + 256, f16
    assert fit.plan(info, 8192, machine=BIG).kv_cache_bytes == 8192 * per_token  # llama.cpp default swa_full
    windowed = fit.plan(info, 8192, machine=BIG, swa_full=False).kv_cache_bytes
    # 3 global layers keep 8192 cells, 15 SWA layers keep pad256(512 + 512) = 1024 cells
    assert windowed == (3 * 8192 + 15 * 1024) * 1 * 512 * 2


def test_quantized_kv_is_smaller(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    f16 = fit.plan(info, 4096, machine=BIG).kv_cache_bytes
    q8 = fit.plan(info, 4096, machine=BIG, kv_type="q8_0").kv_cache_bytes
    assert q8 == int(f16 * 34 / 64)


def test_verdicts(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    need = fit.plan(info, 2048, machine=BIG).ram_bytes
    assert fit.plan(info, 2048, machine=Machine(need - 1, 8 * GiB)).verdict == fit.VERDICT_TOO_LARGE
    assert not fit.plan(info, 2048, machine=Machine(need - 1, 8 * GiB)).fits
    tight = fit.plan(info, 2048, machine=Machine(need + 10 * MiB, 8 * GiB))
    assert tight.verdict == fit.VERDICT_TIGHT and tight.fits


def test_gpu_split(tmp_path: Path) -> None:
    path = gguf_write.tiny_llama(tmp_path / "m.gguf", n_layers=8, n_embd=256, n_vocab=512)
    info = gguf.read_file(path)
    per_layer = info.layer_bytes()[0]
    base = fit.plan(info, 512, -1, Machine(8 * GiB, 8 * GiB, 64 * GiB, True))
    assert base.verdict == fit.VERDICT_GPU and base.gpu_layers == 9
    # free VRAM (less the driver reserve) for about half the layers
    half_budget = base.vram_bytes + fit.GPU_RESERVE - info.weights_bytes + 4 * per_layer
    m = Machine(8 * GiB, 8 * GiB, half_budget, True)
    report = fit.plan(info, 512, 0, m)
    assert 0 < report.gpu_layers < 8
    partial = fit.plan(info, 512, report.gpu_layers, m)
    assert partial.verdict == f"partial offload ({report.gpu_layers} of 8 layers)"
    assert partial.vram_bytes <= half_budget - fit.GPU_RESERVE
    # asking for more than fits is not refused (the GPU terms are unvalidated; the loader falls
    # back to fewer layers), but the summary says how many should fit
    too_many = fit.plan(info, 512, -1, m)
    assert too_many.fits and too_many.verdict == fit.VERDICT_GPU
    assert f"{report.gpu_layers} GPU layers should fit" in too_many.summary
    cpu_only = fit.plan(info, 512, -1, Machine(8 * GiB, 8 * GiB, None, False))
    assert cpu_only.vram_bytes == 0 and cpu_only.gpu_layers == 0


def test_unknown_vram_is_not_zero(tmp_path: Path) -> None:
    """Metal, Vulkan, ROCm, CUDA without NVML: free VRAM is unknown. The plan says so, offloads all
    layers in "auto", and never refuses the load for it."""
    path = gguf_write.tiny_llama(tmp_path / "m.gguf", n_layers=8, n_embd=256, n_vocab=512)
    info = gguf.read_file(path)
    unknown = Machine(8 * GiB, 8 * GiB, None, True)
    auto = fit.plan(info, 512, None, unknown)
    assert auto.gpu_layers == 9 and auto.vram_bytes > 0 and not auto.vram_known
    assert auto.fits and auto.verdict == fit.VERDICT_VRAM_UNKNOWN
    assert "cannot be read" in auto.summary and "0.00 GB of VRAM" not in auto.summary
    for ngl in (-1, 4):
        assert fit.plan(info, 512, ngl, unknown).fits
    # the RAM check still applies to what stays on the CPU
    assert not fit.plan(info, 512, 0, Machine(1 * MiB, 8 * GiB, None, True)).fits


def test_flash_attention_drops_the_kq_matrix_and_the_per_cell_term(starter_model: Path) -> None:
    info = gguf.read_file(starter_model)
    plain = fit.plan(info, 4096, machine=BIG)
    flash = fit.plan(info, 4096, machine=BIG, flash_attn=True)
    assert flash.compute_bytes < plain.compute_bytes
    assert plain.overhead_bytes - flash.overhead_bytes == 4096 * fit.RUNTIME_PER_CELL


def test_check_fits_on_this_machine(starter_model: Path) -> None:
    report = fit.plan_file(starter_model, 2048)
    assert report.fits
    assert report.bytes_read > 0
    assert set(report.to_dict()) >= {"ram_bytes", "vram_bytes", "weights_bytes", "kv_cache_bytes", "verdict"}


def test_split_model_counts_all_parts(tmp_path: Path) -> None:
    parts = []
    for i in (1, 2):
        parts.append(gguf_write.tiny_llama(tmp_path / f"m-0000{i}-of-00002.gguf", extra={"split.count": 2}))
    report = fit.plan_file(parts[0], 512, machine=BIG)
    assert report.weights_bytes == 2 * gguf.read_file(parts[0]).weights_bytes


def test_auto_gpu_layers(tmp_path: Path) -> None:
    path = gguf_write.tiny_llama(tmp_path / "m.gguf", n_layers=8, n_embd=256, n_vocab=512)
    info = gguf.read_file(path)
    roomy = fit.plan(info, 512, None, Machine(8 * GiB, 8 * GiB, 64 * GiB, True))
    assert roomy.verdict == fit.VERDICT_GPU
    assert fit.plan(info, 512, None, BIG).vram_bytes == 0  # no GPU: everything in RAM
