"""llama.cpp's backends: loaded from the binding's folder when the build keeps them as modules, and
reported as the CPU module and devices actually in use."""

from __future__ import annotations

from pathlib import Path

import llama_cpp

from app import backends

LIB = Path(llama_cpp.__file__).resolve().parent / "lib"


def cpu_flags() -> set[str]:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def test_load_reports_the_cpu_backend_in_use() -> None:
    found = backends.load()
    assert backends.load() is found and backends.loaded() is found  # once per process
    assert found.binding == llama_cpp.__version__
    modular = any(LIB.glob("*ggml-cpu-*"))  # a GGML_BACKEND_DL build (the bundle's)
    assert found.loaded_from == (str(LIB) if modular else "")
    cpu = next(b for b in found.backends if b.name == "CPU")
    assert "ggml-cpu" in cpu.module
    # the module's compiled-in instruction sets: never more than this CPU has (it would crash)
    flags = cpu_flags()
    for feature, flag in (("AVX2", "avx2"), ("AVX512", "avx512f"), ("AMX_INT8", "amx_int8")):
        if feature in cpu.features:
            assert flag in flags, feature
    if modular and "avx2" in flags:  # the best variant for this CPU, not the baseline
        assert "AVX2" in cpu.features
    assert any(d.kind == "CPU" for d in found.devices)
    assert found.summary.startswith(f"CPU ({cpu.module}")
